"""The YuNet face detector, run with onnxruntime, its raw outputs decoded here.

YuNet predicts, at each cell of three grids (strides 8, 16 and 32 pixels over a 640x640
input), a class and an objectness score, a box relative to the cell and five landmarks.
"""

from __future__ import annotations

import dataclasses

import cv2
import numpy as np
import onnxruntime

INPUT_SIZE = 640
STRIDES = (8, 16, 32)


@dataclasses.dataclass(frozen=True)
class DetectorSettings:
    """How sure YuNet must be, and how much two boxes may overlap before one is dropped."""

    # OpenCV's default is 0.9, tuned for frontal webcam faces; film faces turn and blur,
    # and at 0.6 YuNet still finds them while its false boxes (hands, posters) do not match
    # a gallery person anyway. The gallery asks more of a reference photo (see photos.py).
    score_threshold: float = 0.6
    # Boxes overlapping more than this (intersection over union) are the same face.
    nms_threshold: float = 0.3
    # At most this many boxes enter non-maximum suppression: far more than faces in a frame.
    top_k: int = 5000


@dataclasses.dataclass(frozen=True)
class Detection:
    """One face box found by the detector, in the pixels of the image it was given."""

    box: tuple[float, float, float, float]
    score: float
    landmarks: np.ndarray


class YuNetDetector:
    """Finds faces in a BGR image with one YuNet session."""

    def __init__(
        self,
        session: onnxruntime.InferenceSession,
        settings: DetectorSettings = DetectorSettings(),
    ) -> None:
        self._session = session
        self._input_name = session.get_inputs()[0].name
        self._output_names = [output.name for output in session.get_outputs()]
        self._settings = settings
        self._grids = {stride: _grid(INPUT_SIZE // stride) for stride in STRIDES}

    def detect(self, image_bgr: np.ndarray) -> list[Detection]:
        """The faces in the image, best score first."""
        # The model takes a fixed 640x640 input: scale the image to fit, pad right and below.
        scale = INPUT_SIZE / max(image_bgr.shape[:2])
        blob = _input_blob(image_bgr, scale)
        values = self._session.run(self._output_names, {self._input_name: blob})
        outputs = dict(zip(self._output_names, values))

        # Decode every grid cell, then keep the confident, non-overlapping boxes.
        boxes, scores, landmarks = self._decode(outputs)
        kept = cv2.dnn.NMSBoxes(
            boxes.tolist(),
            scores.tolist(),
            self._settings.score_threshold,
            self._settings.nms_threshold,
            top_k=self._settings.top_k,
        )
        return [
            Detection(
                box=_box_tuple(boxes[index] / scale),
                score=float(scores[index]),
                landmarks=(landmarks[index] / scale).astype(np.float32),
            )
            for index in np.asarray(kept, dtype=int).reshape(-1)
        ]

    def _decode(self, outputs: dict[str, np.ndarray]) -> tuple[np.ndarray, ...]:
        """Boxes (x, y, w, h), scores and (5, 2) landmarks of every cell of every grid."""
        all_boxes, all_scores, all_landmarks = [], [], []
        for stride in STRIDES:
            cells = self._grids[stride]
            classes = np.clip(outputs[f"cls_{stride}"][0, :, 0], 0.0, 1.0)
            objectness = np.clip(outputs[f"obj_{stride}"][0, :, 0], 0.0, 1.0)
            # The geometric mean, as OpenCV's FaceDetectorYN scores a face.
            all_scores.append(np.sqrt(classes * objectness))

            offsets = outputs[f"bbox_{stride}"][0]
            centres = (cells + offsets[:, :2]) * stride
            sizes = np.exp(offsets[:, 2:4]) * stride
            all_boxes.append(np.concatenate([centres - sizes / 2, sizes], axis=1))

            points = outputs[f"kps_{stride}"][0].reshape(-1, 5, 2)
            all_landmarks.append((points + cells[:, None, :]) * stride)
        return (
            np.concatenate(all_boxes),
            np.concatenate(all_scores),
            np.concatenate(all_landmarks),
        )


def _box_tuple(box: np.ndarray) -> tuple[float, float, float, float]:
    x, y, width, height = (float(value) for value in box)
    return x, y, width, height


def _grid(cells_per_side: int) -> np.ndarray:
    """(cells, 2) column and row of each cell, row-major as YuNet orders its outputs."""
    rows, columns = np.mgrid[0:cells_per_side, 0:cells_per_side]
    return np.stack([columns.ravel(), rows.ravel()], axis=1).astype(np.float32)


def _input_blob(image_bgr: np.ndarray, scale: float) -> np.ndarray:
    """1x3x640x640 float32 BGR with raw 0-255 values, the image in its top-left corner."""
    height, width = image_bgr.shape[:2]
    size = (max(1, round(width * scale)), max(1, round(height * scale)))
    resized = cv2.resize(image_bgr, size, interpolation=cv2.INTER_LINEAR)
    canvas = np.zeros((INPUT_SIZE, INPUT_SIZE, 3), dtype=np.float32)
    canvas[: resized.shape[0], : resized.shape[1]] = resized
    return np.ascontiguousarray(canvas.transpose(2, 0, 1)[None])
