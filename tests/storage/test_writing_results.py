"""Writing and reading an analysis's results: idempotent, and safe when a run fails."""

from __future__ import annotations

import multiprocessing

import pytest
import sqlalchemy

from wos import errors, records
from wos.storage import database, results, tables

FILM_SECONDS = 125.0


def start(db: sqlalchemy.Engine, analysis_id: str = "hamilton", segments: int = 3) -> None:
    results.start_analysis(
        db,
        analysis_id=analysis_id,
        film="films/hamilton.mp4",
        cast="casts/hamilton",
        settings={"engine": "sface", "frames_per_second": 2.0},
        segments_total=segments,
        film_duration=FILM_SECONDS,
    )


def detections_of(segment: int, faces: int, person: str = "Lin-Manuel Miranda") -> list:
    """``faces`` faces in the first sampled frame of the segment, the first one matched."""
    time = segment * 60.0 + 0.852
    return [
        records.Detection(
            segment_index=segment,
            frame_time=time,
            face_index=face,
            box=(10.0 * face, 20.0, 40.0, 44.0),
            person=person if face == 0 else None,
            similarity=0.61 if face == 0 else 0.12,
        )
        for face in range(faces)
    ]


def finish(db: sqlalchemy.Engine, names: list[str], analysis_id: str = "hamilton") -> None:
    """Finish with each person on screen in minutes 0 and 1, seen once in each."""
    results.finish_analysis(
        db,
        analysis_id=analysis_id,
        people=[
            records.PersonSummary(name, 12 - rank, 24, 0.55, 0.71, 0.852, 70.0)
            for rank, name in enumerate(names)
        ],
        minutes=[
            records.MinuteScreenTime(name, minute, 6, 12, 0.55, 0.71, minute * 60.0, 70.0)
            for name in names
            for minute in (0, 1)
        ],
        appearances=[
            records.Appearance(name, start, start + 5.0, 10)
            for name in names
            for start in (0.852, 65.0)
        ],
    )


def run_whole_analysis(db: sqlalchemy.Engine, names: list[str]) -> None:
    start(db)
    for segment in range(3):
        results.record_segment(
            db, analysis_id="hamilton", segment_index=segment,
            detections=detections_of(segment, faces=2),
        )
    finish(db, names)


def row_counts(db: sqlalchemy.Engine) -> dict[str, int]:
    """How many rows each table holds, as a user would count them with SQL."""
    with db.connect() as connection:
        return {
            table.name: connection.execute(
                sqlalchemy.select(sqlalchemy.func.count()).select_from(table)
            ).scalar_one()
            for table in tables.metadata.sorted_tables
        }


def test_a_whole_analysis_reads_back_as_written(database_url: str) -> None:
    db = database.open_database(database_url)
    run_whole_analysis(db, ["Lin-Manuel Miranda", "Alex Lacamoire"])

    analysis = results.read_analysis(db, "hamilton")
    assert analysis.status is results.Status.SUCCEEDED
    assert (analysis.segments_done, analysis.segments_total) == (3, 3)
    assert analysis.film_duration == FILM_SECONDS
    assert analysis.settings == {"engine": "sface", "frames_per_second": 2.0}
    assert analysis.error is None
    assert analysis.finished_at is not None and analysis.finished_at >= analysis.started_at

    people = results.read_people(db, "hamilton")
    assert [person.person for person in people] == ["Lin-Manuel Miranda", "Alex Lacamoire"]
    assert people[0].seconds_on_screen == 12 and people[0].first_seen == 0.852
    assert [(m.minute, m.person) for m in results.read_minutes(db, "hamilton")] == [
        (0, "Alex Lacamoire"), (0, "Lin-Manuel Miranda"),
        (1, "Alex Lacamoire"), (1, "Lin-Manuel Miranda"),
    ]
    assert len(results.read_appearances(db, "hamilton")) == 4
    assert results.read_detections(db, "hamilton") == [
        detection for segment in range(3) for detection in detections_of(segment, faces=2)
    ]


def test_a_rerun_leaves_row_counts_unchanged(database_url: str) -> None:
    db = database.open_database(database_url)
    run_whole_analysis(db, ["Lin-Manuel Miranda", "Alex Lacamoire"])
    counts_after_first_run = row_counts(db)

    run_whole_analysis(db, ["Lin-Manuel Miranda", "Alex Lacamoire"])

    assert row_counts(db) == counts_after_first_run
    assert counts_after_first_run == {
        "analyses": 1, "people": 2, "screen_time_minutes": 4, "appearances": 4,
        "detections": 6, "analysis_segments": 3,
    }


def test_a_rerun_that_finds_fewer_people_drops_the_others(database_url: str) -> None:
    db = database.open_database(database_url)
    run_whole_analysis(db, ["Lin-Manuel Miranda", "Alex Lacamoire"])

    run_whole_analysis(db, ["Lin-Manuel Miranda"])

    assert [person.person for person in results.read_people(db, "hamilton")] == [
        "Lin-Manuel Miranda"
    ]
    assert {minute.person for minute in results.read_minutes(db, "hamilton")} == {
        "Lin-Manuel Miranda"
    }


def test_a_retried_segment_replaces_its_detections(database_url: str) -> None:
    db = database.open_database(database_url)
    start(db)
    results.record_segment(
        db, analysis_id="hamilton", segment_index=1, detections=detections_of(1, faces=3)
    )

    # The retry of the same Spark task finds one face fewer (a different frame decoded).
    results.record_segment(
        db, analysis_id="hamilton", segment_index=1, detections=detections_of(1, faces=2)
    )

    assert results.read_detections(db, "hamilton") == detections_of(1, faces=2)
    assert results.read_analysis(db, "hamilton").segments_done == 1


def test_a_segment_without_faces_still_counts_as_done(database_url: str) -> None:
    db = database.open_database(database_url)
    start(db)

    results.record_segment(db, analysis_id="hamilton", segment_index=2, detections=[])

    assert results.read_analysis(db, "hamilton").segments_done == 1
    assert results.read_detections(db, "hamilton") == []


def test_a_failed_rerun_keeps_the_earlier_results_but_is_not_marked_succeeded(
    database_url: str,
) -> None:
    db = database.open_database(database_url)
    run_whole_analysis(db, ["Lin-Manuel Miranda", "Alex Lacamoire"])
    earlier_people = results.read_people(db, "hamilton")
    earlier_minutes = results.read_minutes(db, "hamilton")

    # The re-run stores one segment, then dies.
    start(db)
    results.record_segment(
        db, analysis_id="hamilton", segment_index=0, detections=detections_of(0, faces=1)
    )
    results.fail_analysis(db, analysis_id="hamilton", error="executor lost: out of memory")

    analysis = results.read_analysis(db, "hamilton")
    assert analysis.status is results.Status.FAILED
    assert analysis.error == "executor lost: out of memory"
    assert (analysis.segments_done, analysis.segments_total) == (1, 3)
    assert analysis.results_at is not None and analysis.results_at < analysis.started_at
    assert results.read_people(db, "hamilton") == earlier_people
    assert results.read_minutes(db, "hamilton") == earlier_minutes


def test_a_first_run_that_fails_has_no_results(database_url: str) -> None:
    db = database.open_database(database_url)
    start(db)
    results.record_segment(
        db, analysis_id="hamilton", segment_index=0, detections=detections_of(0, faces=1)
    )

    results.fail_analysis(db, analysis_id="hamilton", error="the film ended early")

    analysis = results.read_analysis(db, "hamilton")
    assert analysis.status is results.Status.FAILED and analysis.results_at is None
    assert results.read_people(db, "hamilton") == []
    assert results.read_minutes(db, "hamilton") == []


def test_failing_an_analysis_that_was_never_started_writes_nothing(database_url: str) -> None:
    db = database.open_database(database_url)

    results.fail_analysis(db, analysis_id="ghost", error="the film is missing")

    assert row_counts(db)["analyses"] == 0


def test_failing_a_run_that_never_started_leaves_the_earlier_run_succeeded(
    database_url: str,
) -> None:
    db = database.open_database(database_url)
    run_whole_analysis(db, ["Lin-Manuel Miranda"])

    # A re-run under the same id whose film turned out to be missing: start was never called.
    results.fail_analysis(db, analysis_id="hamilton", error="the film x.mp4 does not exist")

    analysis = results.read_analysis(db, "hamilton")
    assert analysis.status is results.Status.SUCCEEDED and analysis.error is None
    assert len(results.read_detections(db, "hamilton")) == 6


def test_a_segment_of_an_analysis_that_was_never_started_is_refused(database_url: str) -> None:
    db = database.open_database(database_url)

    with pytest.raises(errors.WosError, match="'ghost' was never started"):
        results.record_segment(
            db, analysis_id="ghost", segment_index=0, detections=detections_of(0, faces=1)
        )
    assert row_counts(db)["detections"] == 0


@pytest.mark.parametrize(
    "names",
    [
        ["Zoë Saldaña", "Zoe Saldana"],  # differ only by accents: two people, not one
        ["Renée Elise Goldsberry", "RENÉE ELISE GOLDSBERRY"],  # differ only by case
        ["梁朝偉", "Тильда Суинтон"],
        ["Ngũgĩ wa Thiong'o", "🎭 Performer"],  # four-byte UTF-8 needs utf8mb4
    ],
)
def test_non_ascii_person_names_round_trip(database_url: str, names: list[str]) -> None:
    db = database.open_database(database_url)
    start(db)
    results.record_segment(
        db, analysis_id="hamilton", segment_index=0,
        detections=detections_of(0, faces=1, person=names[0]),
    )
    finish(db, names)

    assert [person.person for person in results.read_people(db, "hamilton")] == names
    assert results.read_detections(db, "hamilton")[0].person == names[0]
    assert {appearance.person for appearance in results.read_appearances(db, "hamilton")} == (
        set(names)
    )


def test_analyses_are_listed_latest_first(database_url: str) -> None:
    db = database.open_database(database_url)
    start(db, analysis_id="first")
    start(db, analysis_id="second")

    listed = results.list_analyses(db)

    assert [analysis.id for analysis in listed] == ["second", "first"]
    assert all(analysis.status is results.Status.RUNNING for analysis in listed)


def test_reading_an_unknown_analysis_names_it_and_how_to_list_ids(database_url: str) -> None:
    db = database.open_database(database_url)

    with pytest.raises(errors.WosError) as raised:
        results.read_analysis(db, "no-such-run")

    assert "'no-such-run'" in str(raised.value)
    assert "wos analyses" in str(raised.value)


@pytest.mark.parametrize("analysis_id", ["", "x" * (tables.ANALYSIS_ID_LENGTH + 1)])
def test_an_analysis_id_that_does_not_fit_is_refused(database_url: str, analysis_id: str) -> None:
    db = database.open_database(database_url)

    with pytest.raises(errors.SettingsError, match="analysis id"):
        start(db, analysis_id=analysis_id)
    assert row_counts(db)["analyses"] == 0


def _write_segments(url: str, segments: list[int]) -> None:
    """What one Spark executor does: open its own engine, write its segments, close it."""
    db = database.open_database(url)
    for segment in segments:
        results.record_segment(
            db, analysis_id="hamilton", segment_index=segment,
            detections=detections_of(segment, faces=2),
        )
    db.dispose()


def test_segments_written_by_several_processes_at_once_are_each_counted_once(
    database_url: str,
) -> None:
    db = database.open_database(database_url)
    start(db, segments=24)

    # Four forked workers, each with a share of the segments and the same two written
    # twice (a retried task), all at the same time.
    shares = [list(range(worker, 24, 4)) + [0, 1] for worker in range(4)]
    context = multiprocessing.get_context("fork")
    with context.Pool(4) as pool:
        pool.starmap(_write_segments, [(database_url, share) for share in shares])

    analysis = results.read_analysis(db, "hamilton")
    assert (analysis.segments_done, analysis.segments_total) == (24, 24)
    assert len(results.read_detections(db, "hamilton")) == 48
