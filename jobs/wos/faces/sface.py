"""The ``sface`` engine: YuNet finds the faces, SFace embeds them; both on onnxruntime.

Both models are small (0.1 MB and 11 MB, int8) and fast on a CPU, which makes this the
default engine where there is no GPU. Their licences (MIT, Apache-2.0) allow any use.
"""

from __future__ import annotations

import pathlib

import cv2
import numpy as np

from wos.faces import alignment, engine, models, providers, yunet


class SFaceEngine(engine.LocalEngine):
    """YuNet + SFace; 128-dimensional embeddings."""

    name = "sface"
    # Measured in docs/thresholds.md: on ../shared/samples genuine faces score 0.40 and
    # more, strangers and other people 0.28 at most, on photos and on film frames alike.
    default_threshold = 0.36
    # YuNet scores a clear portrait 0.92-0.95, and false faces in photos up to 0.7.
    clear_face_score = 0.8

    def __init__(self, folder: pathlib.Path) -> None:
        detector_session = providers.open_session(models.require(models.YUNET, folder))
        self._detector = yunet.YuNetDetector(detector_session)
        self._recognizer = providers.open_session(models.require(models.SFACE, folder))
        self._input_name = self._recognizer.get_inputs()[0].name
        providers.log_provider(self.name, self._recognizer.get_providers()[0])

    def faces(self, image_bgr: np.ndarray) -> list[engine.Face]:
        """All faces in an HxWx3 uint8 BGR image, largest first."""
        detections, crops = [], []
        for detection in self._detector.detect(image_bgr):
            crop = alignment.aligned_face(image_bgr, detection.landmarks)
            if crop is not None:
                detections.append(detection)
                crops.append(crop)
        if not crops:
            return []
        found = [
            engine.Face(
                box=detection.box,
                score=detection.score,
                landmarks=detection.landmarks,
                embedding=embedding,
            )
            for detection, embedding in zip(detections, self._embeddings(crops))
        ]
        return engine.largest_first(found)

    def _embeddings(self, crops_bgr: list[np.ndarray]) -> list[np.ndarray]:
        """The unit-length SFace embeddings of aligned 112x112 faces, in one run."""
        # SFace was trained on RGB crops with raw 0-255 values, channels first.
        rgb = np.stack([cv2.cvtColor(crop, cv2.COLOR_BGR2RGB) for crop in crops_bgr])
        blob = np.ascontiguousarray(rgb.transpose(0, 3, 1, 2), dtype=np.float32)
        vectors = self._recognizer.run(None, {self._input_name: blob})[0]
        return [engine.unit_vector(vector) for vector in vectors]
