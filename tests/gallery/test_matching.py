"""Matching faces to gallery people: best photo per person, best person per face, threshold."""

from __future__ import annotations

import pathlib

import numpy as np
import pytest

from wos import errors
from wos.faces import engine as face_engine
from wos.gallery import galleries, matching, photos


@pytest.fixture(scope="module")
def gallery(sface: face_engine.FaceEngine, samples: pathlib.Path) -> galleries.Gallery:
    return galleries.load_gallery(samples / "faces" / "train", sface)


@pytest.fixture(scope="module")
def group_faces(sface: face_engine.FaceEngine, samples: pathlib.Path) -> np.ndarray:
    """The three faces of the Obama-Biden photo, left to right: Biden, Obama, a child."""
    faces = sface.faces(photos.load_photo(samples / "faces/test/obama_and_biden.jpg"))
    return np.stack([face.embedding for face in sorted(faces, key=lambda face: face.box[0])])


def test_each_face_goes_to_the_person_of_its_most_similar_photo(
    gallery: galleries.Gallery, group_faces: np.ndarray
) -> None:
    found = matching.match_faces(gallery, group_faces, threshold=0.36)

    cosines = group_faces @ gallery.embeddings.T
    assert [match.person for match in found] == ["Joe Biden", "Barack Obama", None]
    for match, row in zip(found, cosines):
        # The reported similarity is the best cosine over all photos, whoever it belongs to.
        assert match.similarity == pytest.approx(float(row.max()), abs=1e-6)


def test_a_face_below_the_threshold_stays_unknown_but_keeps_its_similarity(
    gallery: galleries.Gallery, group_faces: np.ndarray
) -> None:
    at_default = matching.match_faces(gallery, group_faces, threshold=0.36)
    strict = matching.match_faces(gallery, group_faces, threshold=0.99)

    assert [match.person for match in strict] == [None, None, None]
    assert [match.similarity for match in strict] == [m.similarity for m in at_default]


def test_matching_many_faces_at_once_equals_matching_them_one_by_one(
    gallery: galleries.Gallery, group_faces: np.ndarray
) -> None:
    together = matching.match_faces(gallery, group_faces, threshold=0.36)
    alone = [matching.match_faces(gallery, face[None], threshold=0.36)[0] for face in group_faces]

    assert [match.person for match in together] == [match.person for match in alone]
    assert [match.similarity for match in together] == pytest.approx(
        [match.similarity for match in alone], abs=1e-6
    )


def test_no_faces_give_no_matches(gallery: galleries.Gallery) -> None:
    assert matching.match_faces(gallery, np.empty((0, 128), np.float32), threshold=0.36) == []


def test_embeddings_of_another_engine_are_refused(gallery: galleries.Gallery) -> None:
    with pytest.raises(errors.CastError, match="same engine"):
        matching.match_faces(gallery, np.ones((2, 512), np.float32), threshold=0.36)
