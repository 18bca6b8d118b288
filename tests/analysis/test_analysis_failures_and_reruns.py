"""Re-runs replace rows, failures are recorded, and the spark-submit entry point works."""

from __future__ import annotations

import os
import pathlib
import subprocess
import sys

import pytest
import sqlalchemy

from wos import errors
from wos.analysis import application, settings
from wos.storage import database, results

pytestmark = pytest.mark.spark

REPOSITORY = pathlib.Path(__file__).resolve().parents[2]


def request(film, cast, url: str, analysis_id: str | None = None, **chosen):
    return application.AnalysisRequest(
        film=str(film), cast_dir=pathlib.Path(cast), database_url=url, analysis_id=analysis_id,
        settings=settings.AnalysisSettings(**chosen),
    )



@pytest.mark.mariadb
def test_a_rerun_on_mysql_leaves_row_counts_unchanged(
    spark, hamilton_clip, hamilton_cast, mariadb_url: str, stored_rows
) -> None:
    first = application.run_analysis(
        request(hamilton_clip, hamilton_cast, mariadb_url, segment_seconds=4), spark=spark
    )
    counts = stored_rows(mariadb_url, first.analysis_id)
    second = application.run_analysis(
        request(hamilton_clip, hamilton_cast, mariadb_url, segment_seconds=4), spark=spark
    )

    assert second.analysis_id == first.analysis_id
    assert stored_rows(mariadb_url, first.analysis_id) == counts
    assert counts["detections"] >= 19 and counts["people"] >= 1
    assert second.minutes == first.minutes
    db = database.open_database(mariadb_url)
    assert [a.id for a in results.list_analyses(db)] == [first.analysis_id]
    db.dispose()


def test_a_film_that_is_not_a_video_stores_nothing(
    spark, tmp_path: pathlib.Path, hamilton_cast, sqlite_url: str
) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("not a film\n")
    with pytest.raises(errors.FilmError, match="cannot be read as a video"):
        application.run_analysis(request(notes, hamilton_cast, sqlite_url), spark=spark)

    db = database.open_database(sqlite_url)
    assert results.list_analyses(db) == []
    db.dispose()


def test_a_rerun_refused_before_it_starts_leaves_the_earlier_run_as_it_was(
    spark, hamilton_clip, hamilton_cast, tmp_path: pathlib.Path, sqlite_url: str,
    stored_rows,
) -> None:
    application.run_analysis(
        request(hamilton_clip, hamilton_cast, sqlite_url, analysis_id="hamilton"), spark=spark
    )
    earlier = stored_rows(sqlite_url, "hamilton")
    empty_cast = tmp_path / "empty cast"
    empty_cast.mkdir()

    with pytest.raises(errors.CastError, match="empty cast"):
        application.run_analysis(
            request(hamilton_clip, empty_cast, sqlite_url, analysis_id="hamilton"), spark=spark
        )

    db = database.open_database(sqlite_url)
    stored = results.read_analysis(db, "hamilton")
    db.dispose()
    assert stored.status == results.Status.SUCCEEDED
    assert stored_rows(sqlite_url, "hamilton") == earlier


def test_a_film_lost_while_its_segments_run_fails_the_analysis_and_keeps_earlier_results(
    spark, hamilton_clip, hamilton_cast, tmp_path: pathlib.Path, sqlite_url: str
) -> None:
    film = tmp_path / "film.mp4"
    film.write_bytes(hamilton_clip.read_bytes())
    chosen = dict(analysis_id="lost", segment_seconds=4)
    application.run_analysis(request(film, hamilton_cast, sqlite_url, **chosen), spark=spark)
    db = database.open_database(sqlite_url)
    earlier_minutes = results.read_minutes(db, "lost")

    # The first progress report comes before any task starts: the film goes away then.
    def lose_the_film(done: int, total: int) -> None:
        film.unlink(missing_ok=True)

    with pytest.raises(errors.FilmError, match="ffmpeg could not decode segment"):
        application.run_analysis(request(film, hamilton_cast, sqlite_url, **chosen),
                                 spark=spark, on_progress=lose_the_film)

    stored = results.read_analysis(db, "lost")
    assert results.read_minutes(db, "lost") == earlier_minutes != []
    db.dispose()
    assert stored.status == results.Status.FAILED
    assert "could not decode segment" in (stored.error or "")
    assert stored.results_at is not None and stored.results_at < stored.started_at


def test_the_entry_point_exits_with_one_line_for_a_missing_film(
    spark, hamilton_cast, tmp_path: pathlib.Path, sqlite_url: str, capsys
) -> None:
    missing = tmp_path / "missing.mp4"
    with pytest.raises(SystemExit) as exited:
        application.main([str(missing), "--cast", str(hamilton_cast), "--db", sqlite_url,
                          "--analysis-id", "missing"])
    assert exited.value.code == 1
    error_lines = capsys.readouterr().err.strip().splitlines()
    assert error_lines == [f"error: the film {missing} does not exist; give the path of a "
                           "video file, or an http(s) or s3:// URL"]


def test_spark_submit_runs_an_analysis_from_the_command_line(
    hamilton_clip, hamilton_cast, sqlite_url: str
) -> None:
    environment = dict(os.environ, SPARK_LOCAL_IP="127.0.0.1", PYSPARK_PYTHON=sys.executable,
                       PYSPARK_DRIVER_PYTHON=sys.executable)
    finished = subprocess.run(
        [str(pathlib.Path(sys.executable).parent / "spark-submit"), "--master", "local[2]",
         "--conf", "spark.ui.enabled=false", str(REPOSITORY / "jobs" / "analyze_film.py"),
         str(hamilton_clip), "--cast", str(hamilton_cast), "--db", sqlite_url,
         "--analysis-id", "submitted", "--fps", "2", "--segment-seconds", "5",
         "--engine", "sface"],
        capture_output=True, text=True, env=environment, timeout=300,
    )

    assert finished.returncode == 0, finished.stderr[-3000:]
    # spark-submit passes the Python driver's stderr on through its stdout.
    assert "Analysis submitted of" in finished.stdout + finished.stderr
    db = database.open_database(sqlite_url)
    stored = results.read_analysis(db, "submitted")
    people = results.read_people(db, "submitted")
    db.dispose()
    assert (stored.status, stored.segments_done, stored.segments_total) == (
        results.Status.SUCCEEDED, 2, 2)
    assert "Lin-Manuel Miranda" in [person.person for person in people]


@pytest.mark.mariadb
def test_a_database_lost_while_segments_run_fails_with_one_line_naming_the_fix(
    spark, hamilton_clip, hamilton_cast, mariadb_url: str
) -> None:
    server_url, name = mariadb_url.split("?")[0].rsplit("/", 1)

    # Before any task starts, the database is dropped: no task can store its segment.
    def drop_the_database(done: int, total: int) -> None:
        if done == 0:
            server = sqlalchemy.create_engine(server_url)
            with server.begin() as connection:
                connection.exec_driver_sql(f"DROP DATABASE `{name}`")
            server.dispose()

    with pytest.raises(errors.DatabaseError) as raised:
        application.run_analysis(
            request(hamilton_clip, hamilton_cast, mariadb_url, analysis_id="dropped"),
            spark=spark, on_progress=drop_the_database,
        )
    assert len(str(raised.value).splitlines()) == 1
    assert "create the database first" in str(raised.value)
