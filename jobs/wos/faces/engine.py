"""What every face engine provides, whatever its models."""

from __future__ import annotations

import dataclasses
from typing import Protocol

import numpy as np


@dataclasses.dataclass(frozen=True)
class Face:
    """One face found in one image."""

    # x, y, width, height in pixels of the image the face was found in.
    box: tuple[float, float, float, float]
    # The detector's confidence, 0 to 1.
    score: float
    # (5, 2): right eye, left eye, nose tip, right and left mouth corner, as the person
    # sees them (so the first point is on the image's left side for a frontal face).
    landmarks: np.ndarray
    # (D,) float32 with unit L2 norm, so a dot product is the cosine similarity.
    embedding: np.ndarray


class FaceEngine(Protocol):
    """Detects and embeds faces; load one with ``wos.faces.engines.load_engine``."""

    # The name users pick the engine by: "sface" or "insightface".
    name: str
    # The cosine similarity above which a face matches a gallery person, measured on
    # ../shared/samples/faces and documented in docs/thresholds.md.
    default_threshold: float

    def faces(self, image_bgr: np.ndarray) -> list[Face]:
        """All faces in an HxWx3 uint8 BGR image, largest first."""
        ...
