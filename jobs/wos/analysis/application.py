"""The analysis application: one film, one cast, per-minute screen time in the database.

The driver probes the film, cuts it into segments, embeds the cast into a gallery and
broadcasts it; each Spark task analyses one segment and stores its detections itself
(``wos.analysis.tasks``); the driver then reads all detections back, computes screen time
(``wos.analysis.screentime``) and stores it in one transaction. ``main`` is what
``spark-submit jobs/analyze_film.py`` runs.
"""

from __future__ import annotations

import argparse
import dataclasses
import logging
import pathlib
import sys
import threading
import time
import uuid
from collections.abc import Callable, Sequence

import sqlalchemy
from pyspark import SparkContext
from pyspark.sql import SparkSession

from wos import errors, records
from wos.analysis import identity, screentime, sessions, tasks
from wos.analysis import settings as analysis_settings
from wos.faces import engines
from wos.film import probing, segments
from wos.gallery import galleries
from wos.storage import database, results

logger = logging.getLogger(__name__)

ProgressCallback = Callable[[int, int], None]

# How often the driver looks at Spark's task counts to report progress.
_PROGRESS_POLL_SECONDS = 0.5


@dataclasses.dataclass(frozen=True)
class AnalysisRequest:
    """One analysis to run: which film, against which cast, stored where, and how."""

    # A path, an http(s) URL, or an s3 URL (read through a presigned URL).
    film: str
    # One sub-folder per person, named with the display name, holding their photos.
    cast_dir: pathlib.Path
    # SQLAlchemy URL of the results database.
    database_url: str
    # None: derived from the film, the cast and the settings (wos.analysis.identity).
    analysis_id: str | None = None
    settings: analysis_settings.AnalysisSettings = analysis_settings.AnalysisSettings()


@dataclasses.dataclass(frozen=True)
class AnalysisOutcome:
    """What a finished analysis found; the same rows are in the database."""

    analysis_id: str
    film_duration: float
    people: list[records.PersonSummary]
    minutes: list[records.MinuteScreenTime]
    appearances: list[records.Appearance]
    segments: int
    frames: int
    detections: int
    seconds: float


def run_analysis(
    request: AnalysisRequest,
    *,
    spark: SparkSession | None = None,
    on_progress: ProgressCallback | None = None,
) -> AnalysisOutcome:
    """Run one analysis and store its results; on failure mark it failed and raise."""
    started = time.monotonic()
    db = database.open_database(request.database_url)
    analysis_id = request.analysis_id
    try:
        # Everything the user can get wrong is checked before any task starts.
        film = probing.probe_film(request.film)
        plan = segments.plan_segments(film, segment_seconds=request.settings.segment_seconds)
        analysis_id = analysis_id or identity.analysis_id(
            film=request.film, cast_dir=request.cast_dir, settings=request.settings.stored()
        )
        gallery = _load_gallery(request)

        results.start_analysis(
            db, analysis_id=analysis_id, film=film.name, cast=str(request.cast_dir),
            settings=request.settings.stored(), segments_total=len(plan),
            film_duration=film.duration,
        )
        outcome = _analyse(
            request, db=db, analysis_id=analysis_id, film=film, plan=plan, gallery=gallery,
            spark=spark, on_progress=on_progress, started=started,
        )
    except BaseException as error:
        if analysis_id is not None:
            _record_failure(db, analysis_id=analysis_id, error=error)
        raise
    finally:
        db.dispose()
    return outcome


def _record_failure(db: sqlalchemy.Engine, *, analysis_id: str, error: BaseException) -> None:
    """Mark the analysis failed, unless the database is what failed: then only log it."""
    try:
        results.fail_analysis(db, analysis_id=analysis_id, error=_one_line(error))
    except errors.DatabaseError as unrecorded:
        # Raising this would hide the error that made the analysis fail.
        logger.warning("Analysis %s failed, and so did recording it: %s", analysis_id,
                       unrecorded)


def _load_gallery(request: AnalysisRequest) -> galleries.Gallery:
    """The cast's reference faces, embedded on the driver by the analysis's engine."""
    started = time.monotonic()
    engine = engines.load_engine(request.settings.engine)
    gallery = galleries.load_gallery(request.cast_dir, engine)
    logger.info(
        "Embedded the cast %s: %d people, %d photos, with %s in %.1f s",
        request.cast_dir, len(gallery.people), len(gallery.photos), request.settings.engine,
        time.monotonic() - started,
    )
    return gallery


def _analyse(
    request: AnalysisRequest,
    *,
    db: sqlalchemy.Engine,
    analysis_id: str,
    film: probing.Film,
    plan: Sequence[segments.Segment],
    gallery: galleries.Gallery,
    spark: SparkSession | None,
    on_progress: ProgressCallback | None,
    started: float,
) -> AnalysisOutcome:
    """Analyse the segments on Spark, then aggregate and store the screen time."""
    settings = request.settings
    work = [
        tasks.SegmentWork(
            analysis_id=analysis_id, film=film, segment=segment,
            frames_per_second=settings.frames_per_second, engine=settings.engine,
            threshold=settings.threshold, database_url=request.database_url,
        )
        for segment in plan
    ]
    logger.info(
        "Analysis %s: %d segments of %g s at %g frames/s with %s",
        analysis_id, len(plan), settings.segment_seconds, settings.frames_per_second,
        settings.engine,
    )

    # A session made here is stopped here; one the caller made (or had running) is theirs.
    session = spark or SparkSession.getActiveSession()
    own_session = session is None
    if session is None:
        session = sessions.start_session(master=settings.master, app_name="wos-analysis")
    try:
        outcomes = _run_segments(session, work, gallery, analysis_id, on_progress)
    finally:
        if own_session:
            session.stop()
    for outcome in outcomes:
        if outcome.failure is not None:
            tasks.raise_failure(outcome.failure)

    # Detections come back from the database: they are what the tasks stored, once each.
    detections = results.read_detections(db, analysis_id)
    screen = screentime.summarise(
        detections, appearance_gap_seconds=settings.effective_gap_seconds
    )
    results.finish_analysis(
        db, analysis_id=analysis_id, people=screen.people, minutes=screen.minutes,
        appearances=screen.appearances,
    )
    return AnalysisOutcome(
        analysis_id=analysis_id,
        film_duration=film.duration,
        people=screen.people,
        minutes=screen.minutes,
        appearances=screen.appearances,
        segments=len(plan),
        frames=sum(outcome.frames for outcome in outcomes),
        detections=len(detections),
        seconds=time.monotonic() - started,
    )


def _run_segments(
    spark: SparkSession,
    work: Sequence[tasks.SegmentWork],
    gallery: galleries.Gallery,
    analysis_id: str,
    on_progress: ProgressCallback | None,
) -> list[tasks.SegmentOutcome]:
    """One task per segment, in parallel; progress reported while they run."""
    context = spark.sparkContext
    shared = context.broadcast(gallery)
    group = f"wos-{analysis_id}-{uuid.uuid4().hex[:8]}"
    context.setJobGroup(group, f"who-is-on-screen analysis {analysis_id}")

    watcher = _ProgressWatcher(context, group, total=len(work), on_progress=on_progress,
                               analysis_id=analysis_id)
    # "0 done" is reported before any task is submitted, so a caller sees the total first.
    watcher.report(0)
    watcher.start()
    try:
        # One partition per segment: the segment is the unit of parallelism and of retry.
        rdd = context.parallelize(list(work), numSlices=len(work))
        outcomes = rdd.map(lambda item: tasks.analyse_segment(item, shared.value)).collect()
    except Exception as error:
        # A task that failed for good with one of our errors (the database, after Spark's
        # retries) is reported as that error, not as Spark's page of traceback.
        user_error = tasks.user_error_in(error)
        if user_error is None:
            raise
        raise user_error from error
    finally:
        watcher.stop()
        context.setLocalProperty("spark.jobGroup.id", None)  # type: ignore[arg-type]
        shared.unpersist()
    watcher.report(len(work))
    return outcomes


class _ProgressWatcher(threading.Thread):
    """Polls Spark's status tracker for finished tasks of the analysis's job group."""

    def __init__(self, context: SparkContext, group: str, *, total: int,
                 on_progress: ProgressCallback | None, analysis_id: str) -> None:
        super().__init__(name=f"progress-{analysis_id}", daemon=True)
        self._context = context
        self._group = group
        self._total = total
        self._on_progress = on_progress
        self._analysis_id = analysis_id
        self._stopped = threading.Event()
        self._reported = -1

    def run(self) -> None:
        while not self._stopped.wait(_PROGRESS_POLL_SECONDS):
            self.report(self._completed_tasks())

    def stop(self) -> None:
        self._stopped.set()
        self.join()

    def report(self, done: int) -> None:
        """Tell the caller and the log, once per change."""
        done = min(done, self._total)
        if done == self._reported:
            return
        self._reported = done
        logger.info("Analysis %s: %d of %d segments done", self._analysis_id, done, self._total)
        if self._on_progress is not None:
            self._on_progress(done, self._total)

    def _completed_tasks(self) -> int:
        tracker = self._context.statusTracker()
        done = 0
        for job_id in tracker.getJobIdsForGroup(self._group):
            job = tracker.getJobInfo(job_id)
            for stage_id in job.stageIds if job else ():
                stage = tracker.getStageInfo(stage_id)
                done += stage.numCompletedTasks if stage else 0
        return done


def _one_line(error: BaseException) -> str:
    """The error as one line for the database: Spark's errors carry whole tracebacks."""
    if isinstance(error, errors.WosError):
        return str(error)
    lines = [line.strip() for line in str(error).strip().splitlines() if line.strip()]
    return f"{type(error).__name__}: {lines[-1] if lines else 'no message'}"[:1000]


def parse_arguments(argv: Sequence[str]) -> AnalysisRequest:
    """The request described by spark-submit's arguments (see docs/architecture.md)."""
    defaults = analysis_settings.AnalysisSettings()
    parser = argparse.ArgumentParser(
        prog="analyze_film.py", description="Per-minute screen time of a film's cast."
    )
    parser.add_argument("film", help="path, http(s) or s3 URL of the film")
    parser.add_argument("--cast", required=True, type=pathlib.Path,
                        help="cast folder: one sub-folder of photos per person")
    parser.add_argument("--db", required=True, help="SQLAlchemy URL of the results database")
    parser.add_argument("--analysis-id", default=None,
                        help="id of the analysis's rows (default: derived from the inputs)")
    parser.add_argument("--fps", type=float, default=defaults.frames_per_second,
                        help="frames sampled per second of film")
    parser.add_argument("--segment-seconds", type=float, default=defaults.segment_seconds,
                        help="seconds of film per Spark task")
    parser.add_argument("--engine", default=defaults.engine, help="face engine")
    parser.add_argument("--threshold", type=float, default=None,
                        help="cosine similarity a face needs to match (default: the engine's)")
    arguments = parser.parse_args(argv)

    settings = analysis_settings.AnalysisSettings(
        frames_per_second=arguments.fps, segment_seconds=arguments.segment_seconds,
        engine=arguments.engine, threshold=arguments.threshold,
    )
    return AnalysisRequest(
        film=arguments.film, cast_dir=arguments.cast, database_url=arguments.db,
        analysis_id=arguments.analysis_id, settings=settings,
    )


def main(argv: Sequence[str] | None = None) -> None:
    """Run the analysis named on the command line in spark-submit's session."""
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    try:
        request = parse_arguments(sys.argv[1:] if argv is None else argv)
        spark = SparkSession.builder.getOrCreate()
        outcome = run_analysis(request, spark=spark)
    except errors.WosError as error:
        print(f"error: {error}", file=sys.stderr)
        sys.exit(1)

    logger.info(
        "Analysis %s of %s done in %.1f s: %d segments, %d frames, %d faces, %d people on "
        "screen, %d person-minutes, %d appearances",
        outcome.analysis_id, request.film, outcome.seconds, outcome.segments, outcome.frames,
        outcome.detections, len(outcome.people), len(outcome.minutes), len(outcome.appearances),
    )
