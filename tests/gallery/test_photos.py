"""Reading reference photos in every supported form and judging whether they are usable."""

from __future__ import annotations

import pathlib

import cv2
import numpy as np
import pytest
from PIL import Image

from wos import errors
from wos.faces import engine as face_engine
from wos.gallery import photos


@pytest.fixture
def portrait(samples: pathlib.Path) -> pathlib.Path:
    return samples / "faces" / "train" / "Rose Leslie" / "img2.jpg"


@pytest.mark.parametrize(
    ("mode", "suffix"),
    [("L", ".png"), ("P", ".png"), ("RGBA", ".png"), ("LA", ".png"), ("RGB", ".jpeg"),
     ("RGB", ".webp"), ("RGBA", ".webp"), ("L", ".webp")],
)
def test_a_photo_in_any_colour_mode_loads_as_bgr_and_shows_its_face(
    sface: face_engine.FaceEngine,
    portrait: pathlib.Path,
    tmp_path: pathlib.Path,
    mode: str,
    suffix: str,
) -> None:
    path = tmp_path / f"portrait{suffix}"
    Image.open(portrait).convert(mode).save(path)

    image = photos.load_photo(path)
    verdict = photos.check_photo(sface, image)

    assert image.dtype == np.uint8 and image.ndim == 3 and image.shape[2] == 3
    assert verdict.reason is None and verdict.face is not None


def test_transparent_parts_of_a_photo_become_white(
    portrait: pathlib.Path, tmp_path: pathlib.Path
) -> None:
    rgba = Image.open(portrait).convert("RGBA")
    rgba.putalpha(Image.new("L", rgba.size, 0))
    rgba.save(tmp_path / "transparent.png")

    image = photos.load_photo(tmp_path / "transparent.png")

    assert (image == 255).all()


def test_a_photo_loads_the_same_from_bytes_as_from_its_file(portrait: pathlib.Path) -> None:
    from_file = photos.load_photo(portrait)
    from_bytes = photos.load_photo(portrait.read_bytes())

    assert np.array_equal(from_file, from_bytes)
    # BGR: OpenCV's own reading of the JPEG agrees with it to within decoder rounding.
    by_opencv = cv2.imread(str(portrait))
    assert by_opencv is not None
    assert np.abs(by_opencv.astype(int) - from_file).mean() < 2


def test_an_unreadable_photo_raises_a_cast_error_naming_it(tmp_path: pathlib.Path) -> None:
    path = tmp_path / "notes.jpg"
    path.write_text("not an image")

    with pytest.raises(errors.CastError, match=str(path)):
        photos.load_photo(path)
    with pytest.raises(errors.CastError, match="12-byte photo"):
        photos.load_photo(b"not an image")


@pytest.mark.parametrize(
    ("source", "crop", "reason"),
    [
        ("faces/test/kit_with_rose.jpg", None, "2 faces found"),
        ("faces/test/obama_and_biden.jpg", None, "3 faces found"),
        ("faces/test/alex_lacamoire1.jpg", (slice(650, None), slice(None)), "no face found"),
    ],
)
def test_a_photo_without_exactly_one_clear_face_is_refused_with_the_reason(
    sface: face_engine.FaceEngine,
    samples: pathlib.Path,
    source: str,
    crop: tuple[slice, slice] | None,
    reason: str,
) -> None:
    image = photos.load_photo(samples / source)
    if crop is not None:
        image = np.ascontiguousarray(image[crop])

    verdict = photos.check_photo(sface, image)

    assert verdict == photos.PhotoVerdict(face=None, reason=reason)


def test_a_face_below_the_minimum_size_is_too_small(
    sface: face_engine.FaceEngine, portrait: pathlib.Path
) -> None:
    image = photos.load_photo(portrait)
    # The face is about 340 px high: shrink the photo until it is about 25 px.
    small = cv2.resize(image, None, fx=0.075, fy=0.075, interpolation=cv2.INTER_AREA)

    verdict = photos.check_photo(sface, small)

    assert verdict == photos.PhotoVerdict(face=None, reason="face too small")
    assert sface.faces(small), "the detector still sees the small face"


def test_a_photo_turned_by_its_camera_tag_is_read_upright(
    sface: face_engine.FaceEngine, portrait: pathlib.Path, tmp_path: pathlib.Path
) -> None:
    # Pixels stored a quarter turn anticlockwise, with the tag that says to turn them back.
    upright = Image.open(portrait)
    exif = Image.Exif()
    exif[0x0112] = 6
    upright.rotate(90, expand=True).save(tmp_path / "phone.jpg", exif=exif)

    image = photos.load_photo(tmp_path / "phone.jpg")

    assert image.shape[:2] == (upright.height, upright.width)
    assert photos.check_photo(sface, image).reason is None
