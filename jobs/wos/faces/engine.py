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
    # The detector score from which a face counts as clear in a reference photo: higher than
    # the score at which faces are detected at all, so that a false face in a photo's
    # background (a pattern, a hand) does not make a portrait look like a group photo.
    clear_face_score: float

    def faces(self, image_bgr: np.ndarray) -> list[Face]:
        """All faces in an HxWx3 uint8 BGR image, largest first."""
        ...


class LocalEngine:
    """Base of the engines: they hold onnxruntime sessions, which must not travel.

    A Spark task builds its own engine with ``load_engine`` instead of receiving one from
    the driver; pickling one fails at once with that advice rather than deep inside Spark.
    """

    name: str

    def __reduce_ex__(self, protocol: object) -> tuple[object, ...]:
        raise TypeError(
            f"The face engine {self.name!r} cannot be pickled; build one inside each Spark "
            "task with wos.faces.engines.load_engine(name) instead of shipping it."
        )


def largest_first(faces: list[Face]) -> list[Face]:
    """The faces ordered by box area, largest first: the main face of a photo comes first."""
    return sorted(faces, key=lambda face: face.box[2] * face.box[3], reverse=True)


def unit_vector(vector: np.ndarray) -> np.ndarray:
    """The float32 vector scaled to length 1, so that dot products are cosines."""
    flat = np.asarray(vector, dtype=np.float32).reshape(-1)
    norm = float(np.linalg.norm(flat))
    return flat / norm if norm > 0 else flat
