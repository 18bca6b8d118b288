"""The default thresholds get the Hamilton clip right, with the cast alone or a larger gallery.

Frames come from wos.film at 2 a second, as the analysis samples them; the whole analysis
(segments, Spark, screen time) is tested in tests/analysis.
"""

from __future__ import annotations

import math
import pathlib

import numpy as np
import pytest

from wos.faces import engine as face_engine
from wos.faces import engines
from wos.film import decoding, probing, segments
from wos.gallery import galleries, matching

LIN = "Lin-Manuel Miranda"
# Per whole second, from ../shared/samples/README.md.
LIN_SECONDS = {0, 1, 3, 4, 5, 6, 7}
NEVER_IN_CLIP = {"Joe Biden", "Kit Harington", "Rose Leslie"}


@pytest.fixture(scope="module", params=sorted(engines.ENGINES))
def engine(request: pytest.FixtureRequest) -> face_engine.FaceEngine:
    return engines.load_engine(request.param)


@pytest.fixture(scope="module")
def frames(hamilton_clip: pathlib.Path) -> list[decoding.Frame]:
    film = probing.probe_film(str(hamilton_clip))
    return [
        frame
        for segment in segments.plan_segments(film, segment_seconds=60)
        for frame in decoding.decode_segment(film, segment, frames_per_second=2)
    ]


@pytest.fixture(scope="module")
def larger_cast(
    hamilton_cast: pathlib.Path, samples: pathlib.Path, tmp_path_factory: pytest.TempPathFactory
) -> pathlib.Path:
    """The Hamilton cast plus the five people of faces/train (Alex Lacamoire is in both)."""
    cast = tmp_path_factory.mktemp("larger") / "cast"
    for number, source in enumerate([hamilton_cast, samples / "faces" / "train"]):
        for person in source.iterdir():
            (cast / person.name).mkdir(parents=True, exist_ok=True)
            for photo in person.iterdir():
                (cast / person.name / f"{number}-{photo.name}").symlink_to(photo)
    return cast


@pytest.fixture(scope="module")
def clip_faces(
    engine: face_engine.FaceEngine, frames: list[decoding.Frame]
) -> list[tuple[float, np.ndarray]]:
    """Each sampled frame's time with the (F, D) embeddings of its faces, found once."""
    found = []
    for frame in frames:
        faces = engine.faces(frame.image)
        if faces:
            found.append((frame.time, np.stack([face.embedding for face in faces])))
    return found


def seconds_matched(
    gallery: galleries.Gallery, clip_faces: list[tuple[float, np.ndarray]], threshold: float
) -> dict[str, set[int]]:
    """The whole seconds in which each person matched."""
    matched: dict[str, set[int]] = {}
    for time, embeddings in clip_faces:
        for match in matching.match_faces(gallery, embeddings, threshold):
            if match.person is not None:
                matched.setdefault(match.person, set()).add(math.floor(time))
    return matched


@pytest.mark.parametrize("gallery_name", ["Hamilton cast", "Hamilton cast + faces/train"])
def test_lin_manuel_miranda_is_found_in_his_seconds_only_and_no_absent_person_anywhere(
    engine: face_engine.FaceEngine,
    frames: list[decoding.Frame],
    clip_faces: list[tuple[float, np.ndarray]],
    hamilton_cast: pathlib.Path,
    larger_cast: pathlib.Path,
    gallery_name: str,
) -> None:
    cast = hamilton_cast if gallery_name == "Hamilton cast" else larger_cast
    gallery = galleries.load_gallery(cast, engine)

    matched = seconds_matched(gallery, clip_faces, engine.default_threshold)

    assert len(frames) == 19
    assert len(matched[LIN] & LIN_SECONDS) >= 6
    assert matched[LIN] <= LIN_SECONDS
    assert not NEVER_IN_CLIP & matched.keys()
