"""Reading a reference photo and deciding whether it shows one clear face.

A reference photo is only useful when there is no doubt whose face it is: exactly one
clear face. A face is clear when the engine's detector is sure of it (its score reaches the
engine's ``clear_face_score``) and it is big enough to carry detail (the shorter side of its
box at least ``ClearFaceRules.min_face_pixels``). Fainter or smaller faces, such as people
far in the background, neither count nor disqualify the photo.
"""

from __future__ import annotations

import dataclasses
import io
import pathlib

import numpy as np
from PIL import Image, ImageOps

from wos import errors
from wos.faces import engine as face_engine

PHOTO_SUFFIXES = (".jpg", ".jpeg", ".png", ".webp")


@dataclasses.dataclass(frozen=True)
class ClearFaceRules:
    """How big a face must be to serve as a reference."""

    # Below about 40 pixels between chin and hairline a face is a blur of a few dozen pixels
    # across, and its embedding drifts towards everyone's; the recognizers see 112x112.
    min_face_pixels: int = 40


@dataclasses.dataclass(frozen=True)
class PhotoVerdict:
    """The one clear face of a photo, or why the photo cannot be a reference."""

    face: face_engine.Face | None
    # None when the photo is usable, else e.g. "no face found", "2 faces found".
    reason: str | None


def load_photo(source: pathlib.Path | bytes) -> np.ndarray:
    """An HxWx3 uint8 BGR image from a photo file or its bytes.

    Greyscale and palette photos are made colour, transparent parts are laid on white, and
    the camera's orientation tag is applied, so that faces stand upright.
    """
    name = str(source) if isinstance(source, pathlib.Path) else f"a {len(source)}-byte photo"
    try:
        opened = Image.open(source if isinstance(source, pathlib.Path) else io.BytesIO(source))
        with opened as image:
            upright = ImageOps.exif_transpose(image)
            rgb = _on_white(upright)
    except (OSError, ValueError, Image.DecompressionBombError) as error:
        raise errors.CastError(
            f"The photo {name} cannot be read as an image ({error}); "
            "replace it with a jpg, jpeg, png or webp file."
        ) from error
    # Pillow gives RGB; the engines, like OpenCV, take BGR.
    return np.ascontiguousarray(np.asarray(rgb, dtype=np.uint8)[:, :, ::-1])


def check_photo(
    engine: face_engine.FaceEngine,
    image: np.ndarray,
    rules: ClearFaceRules = ClearFaceRules(),
) -> PhotoVerdict:
    """The photo's one clear face, or the reason it has none or several."""
    faces = engine.faces(image)
    clear = [face for face in faces if _is_clear(face, engine.clear_face_score, rules)]
    if len(clear) == 1:
        return PhotoVerdict(face=clear[0], reason=None)
    if len(clear) > 1:
        return PhotoVerdict(face=None, reason=f"{len(clear)} faces found")
    if not faces:
        return PhotoVerdict(face=None, reason="no face found")
    # Faces were found, but none clear: say what is wrong with the largest one.
    if min(faces[0].box[2:]) < rules.min_face_pixels:
        return PhotoVerdict(face=None, reason="face too small")
    return PhotoVerdict(face=None, reason="face not clear enough")


def _is_clear(face: face_engine.Face, min_score: float, rules: ClearFaceRules) -> bool:
    return face.score >= min_score and min(face.box[2:]) >= rules.min_face_pixels


def _on_white(image: Image.Image) -> Image.Image:
    """An RGB image; transparency becomes white, the usual background of a portrait."""
    if image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info:
        rgba = image.convert("RGBA")
        background = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        return Image.alpha_composite(background, rgba).convert("RGB")
    return image.convert("RGB")
