"""Both engines identify the people of ../shared/samples/faces/test from faces/train."""

from __future__ import annotations

import pathlib

import numpy as np
import pytest

from wos.faces import engine as face_engine
from wos.gallery import galleries, matching, photos

# The people in each test photo from left to right; None is a stranger (the child beside
# the Obamas), who must stay unknown.
TEST_PHOTOS = {
    "obama1.jpg": ["Barack Obama"],
    "obama_and_biden.jpg": ["Joe Biden", "Barack Obama", None],
    "kit_with_rose.jpg": ["Rose Leslie", "Kit Harington"],
    "johnsnow_test1.jpg": ["Kit Harington"],
    "alex_lacamoire1.jpg": ["Alex Lacamoire"],
}


@pytest.fixture(scope="module")
def train_gallery(
    engine: face_engine.FaceEngine, samples: pathlib.Path
) -> galleries.Gallery:
    return galleries.load_gallery(samples / "faces" / "train", engine)


@pytest.mark.parametrize("photo", sorted(TEST_PHOTOS))
def test_every_person_in_a_test_photo_is_identified_and_strangers_stay_unknown(
    engine: face_engine.FaceEngine,
    train_gallery: galleries.Gallery,
    samples: pathlib.Path,
    photo: str,
) -> None:
    faces = engine.faces(photos.load_photo(samples / "faces" / "test" / photo))
    left_to_right = sorted(faces, key=lambda face: face.box[0])
    embeddings = np.stack([face.embedding for face in left_to_right])

    found = matching.match_faces(train_gallery, embeddings, engine.default_threshold)

    assert [match.person for match in found] == TEST_PHOTOS[photo]


def test_faces_come_largest_first_as_unit_vectors(
    engine: face_engine.FaceEngine, samples: pathlib.Path
) -> None:
    image = photos.load_photo(samples / "faces" / "test" / "obama_and_biden.jpg")

    faces = engine.faces(image)

    areas = [face.box[2] * face.box[3] for face in faces]
    assert len(faces) == 3
    assert areas == sorted(areas, reverse=True)
    for face in faces:
        assert face.embedding.dtype == np.float32
        assert np.linalg.norm(face.embedding) == pytest.approx(1.0, abs=1e-5)
        assert face.landmarks.shape == (5, 2)
        # The first landmark (the person's right eye) lies left of the second on the image.
        assert face.landmarks[0, 0] < face.landmarks[1, 0]
        assert 0.0 < face.score <= 1.0


def test_an_image_without_faces_gives_none(
    engine: face_engine.FaceEngine, samples: pathlib.Path
) -> None:
    # The lower part of a portrait: shirt, waistcoat and tie, no face.
    image = photos.load_photo(samples / "faces" / "test" / "alex_lacamoire1.jpg")[650:, :]

    assert engine.faces(image) == []
