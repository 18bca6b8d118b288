"""What one Spark task does with one segment: decode, find faces, match, store.

This runs on executors. It gets everything as plain picklable values (the film, the
segment, the settings, the database URL) plus the broadcast gallery, and opens its own
face engine and database connection: engines hold model sessions and database engines
hold sockets, neither of which survive pickling.
"""

from __future__ import annotations

import dataclasses
import functools
import logging
import re
import time

import numpy as np

from wos import errors, records
from wos.faces import engine as face_engine
from wos.faces import engines
from wos.film import decoding, probing, segments
from wos.gallery import galleries, matching
from wos.storage import database, results

logger = logging.getLogger(__name__)


@dataclasses.dataclass(frozen=True)
class SegmentWork:
    """One element of the analysis's RDD: a segment and how to analyse it."""

    analysis_id: str
    film: probing.Film
    segment: segments.Segment
    frames_per_second: float
    engine: str
    # None: the engine's own default threshold.
    threshold: float | None
    database_url: str


@dataclasses.dataclass(frozen=True)
class SegmentOutcome:
    """What a task tells the driver about its segment."""

    segment_index: int
    frames: int
    detections: int
    matched: int
    seconds: float
    # A user-fixable problem met on the executor ("FilmError", message), returned rather
    # than raised: retrying cannot fix it, and the driver raises it again as the same kind.
    failure: tuple[str, str] | None = None


def analyse_segment(work: SegmentWork, gallery: galleries.Gallery) -> SegmentOutcome:
    """Find and match the faces of one segment and store them under the analysis."""
    started = time.monotonic()
    try:
        engine = _engine(work.engine)
        threshold = engine.default_threshold if work.threshold is None else work.threshold
        found, frames = _detections(work, engine, gallery, threshold=threshold)
        db = database.open_database(work.database_url)
        try:
            results.record_segment(
                db, analysis_id=work.analysis_id, segment_index=work.segment.index,
                detections=found,
            )
        finally:
            db.dispose()
    except errors.DatabaseError:
        # Possibly a passing network or server hiccup: fail the task so Spark retries it;
        # the retry replaces whatever the first try stored.
        raise
    except errors.WosError as error:
        return SegmentOutcome(
            segment_index=work.segment.index, frames=0, detections=0, matched=0,
            seconds=time.monotonic() - started, failure=(type(error).__name__, str(error)),
        )

    return SegmentOutcome(
        segment_index=work.segment.index,
        frames=frames,
        detections=len(found),
        matched=sum(detection.person is not None for detection in found),
        seconds=time.monotonic() - started,
    )


def _detections(
    work: SegmentWork,
    engine: face_engine.FaceEngine,
    gallery: galleries.Gallery,
    *,
    threshold: float,
) -> tuple[list[records.Detection], int]:
    """Every face in the segment's sampled frames, matched; and how many frames there were."""
    found: list[records.Detection] = []
    frames = 0
    for frame in decoding.decode_segment(
        work.film, work.segment, frames_per_second=work.frames_per_second
    ):
        frames += 1
        faces = engine.faces(frame.image)
        if not faces:
            continue
        embeddings = np.stack([face.embedding for face in faces])
        matches = matching.match_faces(gallery, embeddings, threshold)
        found.extend(
            records.Detection(
                segment_index=work.segment.index,
                frame_time=frame.time,
                face_index=index,
                box=tuple(float(value) for value in face.box),  # type: ignore[arg-type]
                person=match.person,
                similarity=match.similarity,
            )
            for index, (face, match) in enumerate(zip(faces, matches))
        )
    return found, frames


@functools.cache
def _engine(name: str) -> face_engine.FaceEngine:
    """The face engine, loaded once per Python worker and kept for its later segments."""
    started = time.monotonic()
    engine = engines.load_engine(name)
    logger.info("Loaded the %s face engine in %.2f s", name, time.monotonic() - started)
    return engine


def raise_failure(failure: tuple[str, str]) -> None:
    """Raise a task's user-fixable problem on the driver, as the kind it was."""
    kind, message = failure
    raise _error_class(kind)(message)


def user_error_in(error: Exception) -> errors.WosError | None:
    """The WosError that made a Spark job fail, found in the traceback Spark passes on."""
    for line in reversed(str(error).splitlines()):
        if match := _RAISED_WOS_ERROR.match(line.strip()):
            return _error_class(match["kind"])(match["message"])
    return None


# The last line of a Python traceback that ends in one of the project's errors.
_RAISED_WOS_ERROR = re.compile(r"wos\.errors\.(?P<kind>\w+): (?P<message>.+)$")


def _error_class(kind: str) -> type[errors.WosError]:
    error_class = getattr(errors, kind, errors.WosError)
    if isinstance(error_class, type) and issubclass(error_class, errors.WosError):
        return error_class
    return errors.WosError
