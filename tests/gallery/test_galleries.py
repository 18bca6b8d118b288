"""Turning cast folders into galleries: who is in, which photos are skipped, and errors."""

from __future__ import annotations

import logging
import pathlib
import pickle
from collections.abc import Callable

import numpy as np
import pytest
from PIL import Image

from wos import errors
from wos.faces import engine as face_engine
from wos.gallery import galleries

MakeCast = Callable[[dict[tuple[str, str], pathlib.Path]], pathlib.Path]


def test_the_hamilton_cast_gives_one_person_per_folder_named_with_spaces(
    sface: face_engine.FaceEngine, hamilton_cast: pathlib.Path
) -> None:
    gallery = galleries.load_gallery(hamilton_cast, sface)

    assert gallery.people == ("Alex Lacamoire", "Lin-Manuel Miranda")
    assert gallery.photos == ("Alex Lacamoire/1.png", "Lin-Manuel Miranda/1.png")
    assert gallery.engine == "sface"
    assert gallery.embeddings.shape == (2, 128) and gallery.embeddings.dtype == np.float32
    assert gallery.owners.tolist() == [0, 1]


def test_a_person_with_several_photos_gets_a_row_for_each(
    sface: face_engine.FaceEngine, samples: pathlib.Path
) -> None:
    gallery = galleries.load_gallery(samples / "faces" / "train", sface)

    owners = [gallery.people[owner] for owner in gallery.owners]
    assert owners.count("Barack Obama") == 2
    assert owners.count("Alex Lacamoire") == 1
    assert len(gallery.photos) == 9
    assert np.allclose(np.linalg.norm(gallery.embeddings, axis=1), 1.0, atol=1e-5)


def test_a_gallery_survives_pickling_for_a_spark_broadcast(
    sface: face_engine.FaceEngine, hamilton_cast: pathlib.Path
) -> None:
    gallery = galleries.load_gallery(hamilton_cast, sface)

    copy = pickle.loads(pickle.dumps(gallery))

    assert copy.people == gallery.people and copy.photos == gallery.photos
    assert np.array_equal(copy.embeddings, gallery.embeddings)
    assert np.array_equal(copy.owners, gallery.owners)


def test_photos_that_are_not_one_clear_face_are_skipped_with_a_warning_naming_them(
    sface: face_engine.FaceEngine,
    samples: pathlib.Path,
    make_cast: MakeCast,
    tmp_path: pathlib.Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    # Kit: one good photo, one with Rose beside him, one of a shirt with no face.
    test_photos = samples / "faces" / "test"
    shirt = tmp_path / "shirt.png"
    Image.open(test_photos / "alex_lacamoire1.jpg").crop((0, 650, 1548, 1024)).save(shirt)
    cast = make_cast(
        {
            ("Kit Harington", "portrait.jpeg"): samples / "faces/train/Kit Harington/john1.jpeg",
            ("Kit Harington", "with rose.jpg"): test_photos / "kit_with_rose.jpg",
            ("Kit Harington", "shirt.png"): shirt,
        }
    )

    with caplog.at_level(logging.WARNING, logger="wos.gallery"):
        gallery = galleries.load_gallery(cast, sface)

    assert gallery.photos == ("Kit Harington/portrait.jpeg",)
    warnings = [record.getMessage() for record in caplog.records]
    assert f"skipped photo {cast / 'Kit Harington' / 'with rose.jpg'}: 2 faces found" in warnings
    assert f"skipped photo {cast / 'Kit Harington' / 'shirt.png'}: no face found" in warnings


def test_an_unreadable_photo_is_skipped_and_other_files_are_ignored(
    sface: face_engine.FaceEngine,
    samples: pathlib.Path,
    make_cast: MakeCast,
    caplog: pytest.LogCaptureFixture,
) -> None:
    cast = make_cast({("Rose Leslie", "a.jpg"): samples / "faces/train/Rose Leslie/img1.jpg"})
    (cast / "Rose Leslie" / "broken.jpg").write_bytes(b"\xff\xd8 truncated")
    (cast / "Rose Leslie" / "notes.txt").write_text("not a photo")
    (cast / "README.md").write_text("a file beside the person folders")

    with caplog.at_level(logging.WARNING, logger="wos.gallery"):
        gallery = galleries.load_gallery(cast, sface)

    assert gallery.photos == ("Rose Leslie/a.jpg",)
    (warning,) = [record.getMessage() for record in caplog.records]
    assert warning.startswith(f"skipped photo {cast / 'Rose Leslie' / 'broken.jpg'}: ")
    assert "cannot be read" in warning


def test_a_person_without_a_usable_photo_is_left_out_with_a_warning(
    sface: face_engine.FaceEngine,
    samples: pathlib.Path,
    make_cast: MakeCast,
    caplog: pytest.LogCaptureFixture,
) -> None:
    cast = make_cast(
        {
            ("Joe Biden", "biden.jpg"): samples / "faces/train/Joe Biden/biden.jpg",
            ("Rose Leslie", "group.jpg"): samples / "faces/test/kit_with_rose.jpg",
        }
    )

    with caplog.at_level(logging.WARNING, logger="wos.gallery"):
        gallery = galleries.load_gallery(cast, sface)

    assert gallery.people == ("Joe Biden",)
    assert any(
        "'Rose Leslie' has no usable photo" in record.getMessage() for record in caplog.records
    )


def test_a_missing_cast_folder_is_a_cast_error_naming_it(
    sface: face_engine.FaceEngine, tmp_path: pathlib.Path
) -> None:
    with pytest.raises(errors.CastError) as raised:
        galleries.load_gallery(tmp_path / "no such cast", sface)

    assert str(tmp_path / "no such cast") in str(raised.value)
    assert "does not exist" in str(raised.value)


@pytest.mark.parametrize("content", ["nothing", "empty person folders", "only text files"])
def test_a_cast_folder_without_photos_is_a_cast_error_saying_what_to_add(
    sface: face_engine.FaceEngine, tmp_path: pathlib.Path, content: str
) -> None:
    cast = tmp_path / "cast"
    cast.mkdir()
    if content != "nothing":
        (cast / "Joe Biden").mkdir()
    if content == "only text files":
        (cast / "Joe Biden" / "about.txt").write_text("no photos here")

    with pytest.raises(errors.CastError) as raised:
        galleries.load_gallery(cast, sface)

    assert str(cast) in str(raised.value)
    assert "one sub-folder per person" in str(raised.value)


def test_a_cast_folder_whose_photos_show_no_usable_face_is_a_cast_error(
    sface: face_engine.FaceEngine, samples: pathlib.Path, make_cast: MakeCast
) -> None:
    cast = make_cast({("Rose Leslie", "group.jpg"): samples / "faces/test/kit_with_rose.jpg"})

    with pytest.raises(errors.CastError) as raised:
        galleries.load_gallery(cast, sface)

    assert str(cast) in str(raised.value)
    assert "exactly one clear face" in str(raised.value)
