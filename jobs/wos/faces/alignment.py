"""Aligning a face to the 112x112 template the recognizers were trained on."""

from __future__ import annotations

import cv2
import numpy as np
from skimage import transform

ALIGNED_SIZE = 112
# Where the eyes, nose tip and mouth corners sit in a 112x112 training crop of SFace and
# ArcFace (the same template for both), in the order of ``Face.landmarks``.
TEMPLATE = np.array(
    [
        [38.2946, 51.6963],
        [73.5318, 51.5014],
        [56.0252, 71.7366],
        [41.5493, 92.3655],
        [70.7299, 92.2041],
    ],
    dtype=np.float64,
)


def aligned_face(image: np.ndarray, landmarks: np.ndarray) -> np.ndarray | None:
    """The 112x112 crop of ``image`` whose five landmarks best fit the template.

    A similarity transform (rotation, uniform scale, shift; least squares) keeps the face's
    proportions, which the recognizer relies on. None when the landmarks are degenerate
    (all on one point), which no transform can map onto the template.
    """
    fitted = transform.SimilarityTransform.from_estimate(
        np.asarray(landmarks, dtype=np.float64), TEMPLATE
    )
    if not fitted:
        return None
    matrix = fitted.params[:2, :]
    return cv2.warpAffine(image, matrix, (ALIGNED_SIZE, ALIGNED_SIZE), borderValue=0.0)
