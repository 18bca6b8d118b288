"""Settings are checked when they are made, and the default id follows the inputs."""

from __future__ import annotations

import dataclasses
import pathlib
import shutil

import pytest

from wos import errors
from wos.analysis import identity, settings


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("frames_per_second", 0, "sampling rate 0 frames/s is not a positive number"),
        ("frames_per_second", -1.5, "sampling rate -1.5 frames/s is not a positive number"),
        ("segment_seconds", 0, "segment length 0 s is not a positive number"),
        ("segment_seconds", -30.0, "segment length -30.0 s is not a positive number"),
        ("engine", "dlib", "face engine 'dlib' is unknown; choose one of sface, insightface"),
        ("threshold", 1.5, "match threshold 1.5 is not a cosine similarity"),
        ("appearance_gap_seconds", -1, "appearance gap -1 s is not a number of seconds"),
        ("master", " ", "Spark master is empty"),
    ],
)
def test_a_setting_out_of_range_is_refused_with_its_value(field, value, message) -> None:
    with pytest.raises(errors.SettingsError, match=message):
        settings.AnalysisSettings(**{field: value})


def test_the_defaults_are_valid_and_merge_sightings_at_least_one_and_a_half_samples_apart(
) -> None:
    default = settings.AnalysisSettings()
    assert (default.frames_per_second, default.segment_seconds, default.engine) == (
        2.0, 60.0, "sface")
    assert default.effective_gap_seconds == 2.0
    assert settings.AnalysisSettings(frames_per_second=0.25).effective_gap_seconds == 6.0


def test_the_default_id_is_stable_and_changes_with_film_cast_or_settings(
    hamilton_clip: pathlib.Path, hamilton_cast: pathlib.Path, tmp_path: pathlib.Path
) -> None:
    stored = settings.AnalysisSettings().stored()
    first = identity.analysis_id(film=str(hamilton_clip), cast_dir=hamilton_cast,
                                 settings=stored)
    again = identity.analysis_id(film=str(hamilton_clip), cast_dir=hamilton_cast,
                                 settings=stored)

    cast = tmp_path / "cast"
    shutil.copytree(hamilton_cast, cast)
    same_photos = identity.analysis_id(film=str(hamilton_clip), cast_dir=cast, settings=stored)
    (cast / "Lin-Manuel Miranda" / "2.png").write_bytes(b"another photo")
    more_photos = identity.analysis_id(film=str(hamilton_clip), cast_dir=cast, settings=stored)
    faster = identity.analysis_id(
        film=str(hamilton_clip), cast_dir=hamilton_cast,
        settings=dataclasses.replace(settings.AnalysisSettings(), frames_per_second=4).stored(),
    )
    elsewhere = identity.analysis_id(
        film=str(hamilton_clip), cast_dir=hamilton_cast,
        settings=settings.AnalysisSettings(master="local[1]").stored(),
    )

    assert first == again == same_photos == elsewhere
    assert len(first) == 12
    assert len({first, more_photos, faster}) == 3
