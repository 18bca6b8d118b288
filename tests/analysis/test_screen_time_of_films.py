"""Whole analyses on Spark: the real Hamilton clip, and a film whose screen time is known."""

from __future__ import annotations

import math
import pathlib

import pytest

from wos import records
from wos.analysis import application, settings
from wos.storage import database, results

import films

pytestmark = pytest.mark.spark

LIN = "Lin-Manuel Miranda"
# Whole seconds of the Hamilton clip in which Lin-Manuel Miranda is on screen
# (../shared/samples/README.md).
LIN_SECONDS = {0, 1, 3, 4, 5, 6, 7}


def analyse(spark, film: pathlib.Path, cast: pathlib.Path, url: str, **chosen):
    """Run one analysis on the test session, recording the progress it reports."""
    progress: list[tuple[int, int]] = []
    request = application.AnalysisRequest(
        film=str(film), cast_dir=cast, database_url=url,
        analysis_id=chosen.pop("analysis_id", None),
        settings=settings.AnalysisSettings(**chosen),
    )
    outcome = application.run_analysis(
        request, spark=spark, on_progress=lambda done, total: progress.append((done, total))
    )
    return outcome, progress


def matched_seconds(url: str, analysis_id: str, person: str) -> set[int]:
    db = database.open_database(url)
    detections = results.read_detections(db, analysis_id)
    db.dispose()
    return {math.floor(d.frame_time) for d in detections if d.person == person}


@pytest.mark.parametrize("engine", ["sface", "insightface"])
def test_lin_manuel_miranda_is_on_screen_in_the_seconds_he_is_seen(
    spark, hamilton_clip, hamilton_cast, sqlite_url: str, engine: str
) -> None:
    outcome, progress = analyse(spark, hamilton_clip, hamilton_cast, sqlite_url,
                                engine=engine, segment_seconds=4)

    seconds = matched_seconds(sqlite_url, outcome.analysis_id, LIN)
    assert len(seconds & LIN_SECONDS) >= 6, seconds
    assert seconds <= LIN_SECONDS, seconds
    [minute] = [row for row in outcome.minutes if row.person == LIN]
    assert minute.minute == 0 and minute.seconds_on_screen == len(seconds)
    assert progress[0] == (0, 3) and progress[-1] == (3, 3)


@pytest.fixture
def larger_cast(tmp_path: pathlib.Path, hamilton_cast: pathlib.Path, samples) -> pathlib.Path:
    """The Hamilton cast plus the five people of faces/train, photos linked, not copied."""
    cast = tmp_path / "larger cast"
    for source in (hamilton_cast, samples / "faces" / "train"):
        for person in source.iterdir():
            (cast / person.name).mkdir(parents=True, exist_ok=True)
            for photo in person.iterdir():
                (cast / person.name / f"{source.parent.name}-{photo.name}").symlink_to(photo)
    return cast


@pytest.mark.parametrize("engine", ["sface", "insightface"])
def test_a_larger_gallery_matches_nobody_who_is_not_in_the_clip(
    spark, hamilton_clip, larger_cast, sqlite_url: str, engine: str
) -> None:
    outcome, _ = analyse(spark, hamilton_clip, larger_cast, sqlite_url, engine=engine)

    db = database.open_database(sqlite_url)
    matched = {d.person for d in results.read_detections(db, outcome.analysis_id)}
    db.dispose()
    assert matched.isdisjoint({"Joe Biden", "Kit Harington", "Rose Leslie"}), matched
    assert LIN in {person.person for person in outcome.people}
    assert matched_seconds(sqlite_url, outcome.analysis_id, LIN) <= LIN_SECONDS
    # Barack Obama, now in the gallery, is in the audience in seconds 7 to 9 only.
    assert matched_seconds(sqlite_url, outcome.analysis_id, "Barack Obama") <= {7, 8, 9}


@pytest.fixture(scope="module")
def assembled_film(tmp_path_factory, samples: pathlib.Path) -> pathlib.Path:
    """200 s of film: cast photos, an unknown face and the real clip at known times."""
    hamilton = samples / "hamilton"
    lin = films.still(hamilton / "cast" / LIN / "1.png")
    return films.assemble(
        tmp_path_factory.mktemp("film") / "assembled.mp4",
        seconds=200,
        shots=[
            films.Shot(10, 20, lin),
            # Lin-Manuel Miranda singing in the real clip, across the end of minute 0.
            films.Shot(57, 60.5, films.clip_part(hamilton / "short_hamilton_clip.mp4",
                                                 start=4.0, seconds=3.5)),
            # Alex Lacamoire in another photo than the cast's, across minutes 1 and 2.
            films.Shot(118, 126, films.still(samples / "faces" / "test" / "alex_lacamoire1.jpg")),
            # Barack Obama is not in the Hamilton cast: no screen time for anybody.
            films.Shot(150, 160, films.still(samples / "faces" / "test" / "obama1.jpg")),
            films.Shot(185, 190, lin),
        ],
    )


# The film is sampled every half second from 0; (person, minute): seconds, frames,
# first seen, last seen.
ASSEMBLED_TRUTH = {
    (LIN, 0): (13, 26, 10.0, 59.5),
    (LIN, 1): (1, 1, 60.0, 60.0),
    ("Alex Lacamoire", 1): (2, 4, 118.0, 119.5),
    ("Alex Lacamoire", 2): (6, 12, 120.0, 125.5),
    (LIN, 3): (5, 10, 185.0, 189.5),
}


def table(minutes: list[records.MinuteScreenTime]) -> dict:
    return {(m.person, m.minute): (m.seconds_on_screen, m.frames_matched, m.first_seen,
                                   m.last_seen) for m in minutes}


def test_the_per_minute_table_of_an_assembled_film_is_the_same_for_one_task_or_five(
    spark, assembled_film, hamilton_cast, sqlite_url: str
) -> None:
    one, one_progress = analyse(spark, assembled_film, hamilton_cast, sqlite_url,
                                segment_seconds=300, analysis_id="one-task")
    five, five_progress = analyse(spark, assembled_film, hamilton_cast, sqlite_url,
                                  segment_seconds=45, analysis_id="five-tasks")

    assert table(one.minutes) == ASSEMBLED_TRUTH
    assert table(five.minutes) == ASSEMBLED_TRUTH
    assert five.minutes == one.minutes
    assert five.people == one.people
    assert [(p.person, p.seconds_on_screen, p.frames_matched) for p in one.people] == [
        (LIN, 19, 37), ("Alex Lacamoire", 8, 16)]
    assert [(a.person, a.start, a.end, a.frames_matched) for a in five.appearances] == [
        ("Alex Lacamoire", 118.0, 125.5, 16),
        (LIN, 10.0, 19.5, 20), (LIN, 57.0, 60.0, 7), (LIN, 185.0, 189.5, 10)]
    assert (one.segments, five.segments) == (1, 5)
    assert one.frames == five.frames == 400
    assert one_progress[-1] == (1, 1) and five_progress[-1] == (5, 5)
    assert [done for done, _ in five_progress] == sorted(done for done, _ in five_progress)

    # What the database holds is what the run returned, and the analysis is complete.
    db = database.open_database(sqlite_url)
    stored = results.read_analysis(db, "five-tasks")
    assert table(results.read_minutes(db, "five-tasks")) == ASSEMBLED_TRUTH
    db.dispose()
    assert (stored.status, stored.segments_done, stored.segments_total) == (
        results.Status.SUCCEEDED, 5, 5)
    assert stored.film_duration == pytest.approx(200.0, abs=0.3)
