"""Writing and reading one analysis's results: progress, detections, screen time.

The writes are idempotent. ``start_analysis`` on an existing id starts that analysis over;
``record_segment`` replaces the segment's detections, so a retried Spark task stores them
once; ``finish_analysis`` replaces the people, minutes and appearances in the same
transaction that marks the analysis succeeded, so a run that fails midway leaves the
earlier run's results in place and never marks half-written ones complete.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime
import enum
import logging
from collections.abc import Iterator, Sequence
from typing import Any

import sqlalchemy
import sqlalchemy.exc
from sqlalchemy.dialects import mysql, sqlite

from wos import errors, records
from wos.storage import tables

logger = logging.getLogger(__name__)


class Status(enum.StrEnum):
    """Where an analysis stands; the operator reads it to set the FilmAnalysis phase."""

    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"


@dataclasses.dataclass(frozen=True)
class Analysis:
    """One analysis as stored: what it looks at, how far it got, and how it ended."""

    id: str
    film: str
    cast: str
    engine: str
    settings: dict[str, Any]
    status: Status
    segments_done: int
    segments_total: int
    film_duration: float
    started_at: datetime.datetime  # UTC
    finished_at: datetime.datetime | None  # UTC; None while running
    results_at: datetime.datetime | None  # UTC; when the stored results were written
    error: str | None  # why the last run failed; None unless status is failed


def start_analysis(
    db: sqlalchemy.Engine,
    *,
    analysis_id: str,
    film: str,
    cast: str,
    settings: dict[str, Any],
    segments_total: int,
    film_duration: float,
) -> None:
    """Record that an analysis is running; an existing one with this id starts over.

    The earlier run's people, minutes and appearances stay until this run finishes, but its
    detections go now: the new run may cut the film into different segments, and its
    summaries are computed from the detections stored under this id.
    """
    _check_analysis_id(analysis_id)
    row = {
        "id": analysis_id,
        "film": film,
        "cast": cast,
        "settings": settings,
        "engine": str(settings.get("engine", "")),
        "status": Status.RUNNING.value,
        "segments_total": segments_total,
        "segments_done": 0,
        "film_duration": film_duration,
        "error": None,
        "started_at": _now(),
        "finished_at": None,
    }
    with _transaction(db) as connection:
        _upsert(connection, tables.analyses, row, keys=("id",))
        for table in (tables.detections, tables.analysis_segments):
            connection.execute(table.delete().where(table.c.analysis_id == analysis_id))
    logger.info(
        "Started analysis %s of %s: %d segments, %.1f s of film",
        analysis_id, film, segments_total, film_duration,
    )


def record_segment(
    db: sqlalchemy.Engine,
    *,
    analysis_id: str,
    segment_index: int,
    detections: Sequence[records.Detection],
) -> None:
    """Store one segment's detections, replacing any from an earlier try of that segment."""
    with _transaction(db) as connection:
        # Lock the analysis row first: concurrent segments then count each other's rows
        # one after the other, and nothing else locks in another order (no deadlocks).
        _lock_analysis(connection, analysis_id)

        connection.execute(
            tables.detections.delete().where(
                tables.detections.c.analysis_id == analysis_id,
                tables.detections.c.segment_index == segment_index,
            )
        )
        if detections:
            connection.execute(
                tables.detections.insert(),
                [_detection_row(analysis_id, detection) for detection in detections],
            )
        _upsert(
            connection,
            tables.analysis_segments,
            {"analysis_id": analysis_id, "segment_index": segment_index, "done_at": _now()},
            keys=("analysis_id", "segment_index"),
        )
        done = _count_segments(connection, analysis_id)
        connection.execute(
            tables.analyses.update()
            .where(tables.analyses.c.id == analysis_id)
            .values(segments_done=done)
        )
    logger.debug(
        "Stored %d detections of segment %d of analysis %s",
        len(detections), segment_index, analysis_id,
    )


def finish_analysis(
    db: sqlalchemy.Engine,
    *,
    analysis_id: str,
    people: Sequence[records.PersonSummary],
    minutes: Sequence[records.MinuteScreenTime],
    appearances: Sequence[records.Appearance],
) -> None:
    """Replace the analysis's results and mark it succeeded, all in one transaction."""
    finished_at = _now()
    with _transaction(db) as connection:
        _lock_analysis(connection, analysis_id)

        # Delete then insert: a re-run may find fewer people or minutes than the last run.
        results = (
            (tables.people, [_person_row(analysis_id, person) for person in people]),
            (tables.screen_time_minutes, [_minute_row(analysis_id, m) for m in minutes]),
            (tables.appearances, [_appearance_row(analysis_id, a) for a in appearances]),
        )
        for table, rows in results:
            connection.execute(table.delete().where(table.c.analysis_id == analysis_id))
            if rows:
                connection.execute(table.insert(), rows)

        connection.execute(
            tables.analyses.update()
            .where(tables.analyses.c.id == analysis_id)
            .values(
                status=Status.SUCCEEDED.value,
                error=None,
                finished_at=finished_at,
                results_at=finished_at,
            )
        )
    logger.info(
        "Finished analysis %s: %d people on screen, %d person-minutes, %d appearances",
        analysis_id, len(people), len(minutes), len(appearances),
    )


def fail_analysis(db: sqlalchemy.Engine, *, analysis_id: str, error: str) -> None:
    """Mark the running analysis failed with the reason; the results of an earlier run stay.

    Only a running analysis changes: a run refused before it started (a missing film, say)
    must not mark an earlier, finished run of the same id as failed.
    """
    with _transaction(db) as connection:
        updated = connection.execute(
            tables.analyses.update()
            .where(
                tables.analyses.c.id == analysis_id,
                tables.analyses.c.status == Status.RUNNING.value,
            )
            .values(status=Status.FAILED.value, error=error, finished_at=_now())
        )
    if updated.rowcount == 0:
        # Raising here would hide the error that made the run fail.
        logger.warning("Analysis %s failed before it started: %s", analysis_id, error)
        return
    logger.info("Analysis %s failed: %s", analysis_id, error)


def read_analysis(db: sqlalchemy.Engine, analysis_id: str) -> Analysis:
    """The stored analysis with this id."""
    with _reading(db) as connection:
        row = connection.execute(
            sqlalchemy.select(tables.analyses).where(tables.analyses.c.id == analysis_id)
        ).one_or_none()
    if row is None:
        raise _unknown_analysis(db, analysis_id)
    return _analysis(row)


def list_analyses(db: sqlalchemy.Engine) -> list[Analysis]:
    """Every stored analysis, the most recently started first."""
    query = sqlalchemy.select(tables.analyses).order_by(
        tables.analyses.c.started_at.desc(), tables.analyses.c.id
    )
    with _reading(db) as connection:
        return [_analysis(row) for row in connection.execute(query)]


def read_detections(db: sqlalchemy.Engine, analysis_id: str) -> list[records.Detection]:
    """Every face stored for the analysis, in film order."""
    table = tables.detections
    query = (
        sqlalchemy.select(table)
        .where(table.c.analysis_id == analysis_id)
        .order_by(table.c.frame_time, table.c.face_index)
    )
    with _reading(db) as connection:
        return [
            records.Detection(
                segment_index=row.segment_index,
                frame_time=row.frame_time,
                face_index=row.face_index,
                box=(row.box_x, row.box_y, row.box_width, row.box_height),
                person=row.person,
                similarity=row.similarity,
            )
            for row in connection.execute(query)
        ]


def read_people(db: sqlalchemy.Engine, analysis_id: str) -> list[records.PersonSummary]:
    """Each person's screen time over the film, the longest on screen first."""
    table = tables.people
    query = (
        sqlalchemy.select(table)
        .where(table.c.analysis_id == analysis_id)
        .order_by(table.c.seconds_on_screen.desc(), table.c.person)
    )
    with _reading(db) as connection:
        return [
            records.PersonSummary(**_fields(row, records.PersonSummary))
            for row in connection.execute(query)
        ]


def read_minutes(db: sqlalchemy.Engine, analysis_id: str) -> list[records.MinuteScreenTime]:
    """Screen time per person and minute, by minute then person."""
    table = tables.screen_time_minutes
    query = (
        sqlalchemy.select(table)
        .where(table.c.analysis_id == analysis_id)
        .order_by(table.c.minute, table.c.person)
    )
    with _reading(db) as connection:
        return [
            records.MinuteScreenTime(**_fields(row, records.MinuteScreenTime))
            for row in connection.execute(query)
        ]


def read_appearances(db: sqlalchemy.Engine, analysis_id: str) -> list[records.Appearance]:
    """Every stretch of film in which a person was seen, by start time."""
    table = tables.appearances
    query = (
        sqlalchemy.select(table)
        .where(table.c.analysis_id == analysis_id)
        .order_by(table.c.start, table.c.person)
    )
    with _reading(db) as connection:
        return [
            records.Appearance(**_fields(row, records.Appearance))
            for row in connection.execute(query)
        ]


def _check_analysis_id(analysis_id: str) -> None:
    """An id must fit its column, else MySQL would cut it and SQLite would not."""
    if not analysis_id or len(analysis_id) > tables.ANALYSIS_ID_LENGTH:
        raise errors.SettingsError(
            f"the analysis id {analysis_id!r} must be 1 to {tables.ANALYSIS_ID_LENGTH} "
            "characters long; choose a shorter one"
        )


@contextlib.contextmanager
def _transaction(db: sqlalchemy.Engine) -> Iterator[sqlalchemy.Connection]:
    """One transaction, committed on success; a lost server becomes a DatabaseError."""
    with _database_errors(db), db.begin() as connection:
        yield connection


@contextlib.contextmanager
def _reading(db: sqlalchemy.Engine) -> Iterator[sqlalchemy.Connection]:
    """A connection for reads; a lost server becomes a DatabaseError."""
    with _database_errors(db), db.connect() as connection:
        yield connection


@contextlib.contextmanager
def _database_errors(db: sqlalchemy.Engine) -> Iterator[None]:
    """Turn a server that went away mid-run into one sentence naming the database."""
    try:
        yield
    except sqlalchemy.exc.OperationalError as error:
        shown = db.url.render_as_string(hide_password=True)
        raise errors.DatabaseError(
            f"the database {shown} failed ({error.orig}); check that it still runs, then retry"
        ) from error


def _lock_analysis(connection: sqlalchemy.Connection, analysis_id: str) -> None:
    """Lock the analysis row for this transaction (MySQL; SQLite locks the whole file)."""
    found = connection.execute(
        sqlalchemy.select(tables.analyses.c.id)
        .where(tables.analyses.c.id == analysis_id)
        .with_for_update()
    ).one_or_none()
    if found is None:
        raise errors.WosError(
            f"the analysis {analysis_id!r} was never started; call start_analysis first"
        )


def _count_segments(connection: sqlalchemy.Connection, analysis_id: str) -> int:
    """How many segments of the analysis have their detections stored."""
    table = tables.analysis_segments
    return connection.execute(
        sqlalchemy.select(sqlalchemy.func.count())
        .select_from(table)
        .where(table.c.analysis_id == analysis_id)
    ).scalar_one()


def _upsert(
    connection: sqlalchemy.Connection,
    table: sqlalchemy.Table,
    row: dict[str, Any],
    *,
    keys: tuple[str, ...],
) -> None:
    """Insert the row, or overwrite the one with the same key, in one statement."""
    changes = {name: value for name, value in row.items() if name not in keys}
    if connection.dialect.name == "sqlite":
        sqlite_insert = sqlite.insert(table).values(row)
        statement: sqlalchemy.Executable = sqlite_insert.on_conflict_do_update(
            index_elements=list(keys), set_=changes
        )
    else:
        statement = mysql.insert(table).values(row).on_duplicate_key_update(changes)
    connection.execute(statement)


def _unknown_analysis(db: sqlalchemy.Engine, analysis_id: str) -> errors.WosError:
    """The error for an id that is not stored, with how to find the ids that are."""
    shown = db.url.render_as_string(hide_password=True)
    return errors.WosError(
        f"no analysis {analysis_id!r} in the database {shown}; "
        "list the stored ones with `wos analyses`"
    )


def _now() -> datetime.datetime:
    """The current UTC time, without zone: both databases store it as a plain DATETIME."""
    return datetime.datetime.now(datetime.UTC).replace(tzinfo=None)


def _utc(moment: datetime.datetime | None) -> datetime.datetime | None:
    """A stored time, marked as the UTC it was written in."""
    return None if moment is None else moment.replace(tzinfo=datetime.UTC)


def _analysis(row: sqlalchemy.Row[Any]) -> Analysis:
    return Analysis(
        id=row.id,
        film=row.film,
        cast=row.cast,
        engine=row.engine,
        settings=dict(row.settings),
        status=Status(row.status),
        segments_done=row.segments_done,
        segments_total=row.segments_total,
        film_duration=row.film_duration,
        started_at=row.started_at.replace(tzinfo=datetime.UTC),
        finished_at=_utc(row.finished_at),
        results_at=_utc(row.results_at),
        error=row.error,
    )


def _fields(row: sqlalchemy.Row[Any], record: type) -> dict[str, Any]:
    """The row's columns that the record has, by name."""
    mapping = row._mapping
    return {field.name: mapping[field.name] for field in dataclasses.fields(record)}


def _detection_row(analysis_id: str, detection: records.Detection) -> dict[str, Any]:
    x, y, width, height = detection.box
    return {
        "analysis_id": analysis_id,
        "segment_index": detection.segment_index,
        "frame_time": detection.frame_time,
        "face_index": detection.face_index,
        "box_x": x,
        "box_y": y,
        "box_width": width,
        "box_height": height,
        "person": detection.person,
        "similarity": detection.similarity,
    }


def _person_row(analysis_id: str, person: records.PersonSummary) -> dict[str, Any]:
    return {"analysis_id": analysis_id, **dataclasses.asdict(person)}


def _minute_row(analysis_id: str, minute: records.MinuteScreenTime) -> dict[str, Any]:
    return {"analysis_id": analysis_id, **dataclasses.asdict(minute)}


def _appearance_row(analysis_id: str, appearance: records.Appearance) -> dict[str, Any]:
    return {"analysis_id": analysis_id, **dataclasses.asdict(appearance)}
