"""One FilmAnalysis moved as far as it can go now: Pending -> Gallery -> Analyzing -> done.

Each step starts from the FilmAnalysis and its children as the API server has them now,
and each write is one that can be repeated: children have names derived from the run id
and the try, and are created only if absent. An operator stopped at any point therefore
picks up where it stopped, without a second child for the same step. The Event of a step
is posted after its status is stored, so no Event tells of a change that did not happen.
"""

from __future__ import annotations

import dataclasses
import datetime
import logging
from collections.abc import Mapping
from typing import Any, cast

import kopf

from wos import errors

from wos_operator import cluster, conditions, gallery, jobs, naming, results, settings, spark
from wos_operator import specs
from wos_operator.resource import FINISHED, Condition, Phase

# Steps taken in one visit: start run, launch the first job, and room for a retry.
_MAX_STEPS = 4

# The fields of one run; a new run clears those it does not set (merge patch: None deletes).
_RUN_FIELDS = (
    "runId", "analysisId", "observedGeneration", "attempt", "retryAt", "jobName",
    "startTime", "finishTime", "sparkApplicationId", "progress", "peopleFound",
    "filmDuration", "filmDurationSeconds", "topScreenTime", "conditions",
)


@dataclasses.dataclass(frozen=True)
class Runtime:
    """What every step needs: the settings, the cluster, and the results (if configured)."""

    settings: settings.OperatorSettings
    cluster: cluster.Cluster
    results: results.ResultsReader | None  # None: WOS_DATABASE_URL is not set


@dataclasses.dataclass(frozen=True)
class Notice:
    """A Kubernetes Event to post on the FilmAnalysis once its status holds the change."""

    reason: str
    message: str
    warning: bool = False


@dataclasses.dataclass(frozen=True)
class Step:
    """A change of status, the Events that tell of it, and whether to go on at once."""

    status: dict[str, Any]
    notices: tuple[Notice, ...] = ()
    again: bool = False


@dataclasses.dataclass(frozen=True)
class _Visit:
    """One FilmAnalysis as read at the start of a step."""

    runtime: Runtime
    film_analysis: Mapping[str, Any]
    logger: logging.Logger | logging.LoggerAdapter[Any]
    now: datetime.datetime

    @property
    def namespace(self) -> str:
        return str(self.film_analysis["metadata"]["namespace"])

    @property
    def name(self) -> str:
        return str(self.film_analysis["metadata"]["name"])

    @property
    def status(self) -> Mapping[str, Any]:
        return self.film_analysis.get("status") or {}

    @property
    def stamp(self) -> str:
        return _timestamp(self.now)


def reconcile(
    runtime: Runtime,
    *,
    namespace: str,
    name: str,
    logger: logging.Logger | logging.LoggerAdapter[Any],
) -> None:
    """Take every step the FilmAnalysis is ready for, storing each before the next."""
    for _ in range(_MAX_STEPS):
        film_analysis = runtime.cluster.read_film_analysis(namespace, name)
        if film_analysis is None or film_analysis["metadata"].get("deletionTimestamp"):
            return  # deleting: the delete handler stops the children
        visit = _Visit(runtime, film_analysis, logger, datetime.datetime.now(datetime.UTC))
        step = _next_step(visit)
        if step is None:
            return
        runtime.cluster.patch_status(namespace, name, step.status)
        for notice in step.notices:
            _announce(visit, notice)
        if not step.again:
            return


def is_current_run(film_analysis: Mapping[str, Any]) -> bool:
    """Whether the status tells of a run of the spec as it is now."""
    status = film_analysis.get("status") or {}
    generation = (film_analysis.get("metadata") or {}).get("generation")
    if generation is not None and status.get("observedGeneration") is not None:
        # The API server bumps the generation on spec changes only: defaults that a newer
        # CRD adds to stored objects change the spec's hash, not its generation.
        return bool(generation == status["observedGeneration"])
    return status.get("specHash") == specs.spec_hash(film_analysis.get("spec") or {})


def _next_step(visit: _Visit) -> Step | None:
    """The step the FilmAnalysis's phase and its current job call for, if any."""
    if not is_current_run(visit.film_analysis):
        return _start_run(visit)

    phase = visit.status.get("phase")
    if phase is None or phase in FINISHED:
        return None
    spec = specs.read_spec(visit.film_analysis["spec"])  # checked when the run started
    if _past_deadline(visit, spec):
        return _stop_at_deadline(visit, spec)
    if phase == Phase.PENDING:
        first = Phase.GALLERY if spec.needs_gallery else Phase.ANALYZING
        return _launch(visit, spec, first, attempt=1)
    return _follow_job(visit, spec, Phase(phase))


def _start_run(visit: _Visit) -> Step:
    """A new run for a new or changed spec; the children of an earlier run are stopped."""
    notices: list[Notice] = []
    old_run = visit.status.get("runId")
    if old_run:
        stopped = visit.runtime.cluster.delete_children(visit.namespace, visit.name)
        notices.append(Notice(
            "Restarted",
            f"The spec changed: stopped run {old_run} ({len(stopped)} children deleted) "
            "and started a new run.",
        ))
    elif visit.status.get("specHash"):
        notices.append(Notice("Restarted", "The spec changed: checking it again."))
    cleared: dict[str, Any] = {field: None for field in _RUN_FIELDS}
    # What the run (or the refusal) is for, so the next visit does not start it again.
    started_from = {
        "specHash": specs.spec_hash(visit.film_analysis.get("spec") or {}),
        "observedGeneration": visit.film_analysis["metadata"].get("generation"),
    }

    # A spec the operator cannot run ends here, until the user changes it.
    try:
        spec = specs.read_spec(visit.film_analysis.get("spec") or {})
        run_id = naming.new_run_id()
        analysis_id = naming.analysis_id(visit.namespace, visit.name, run_id)
    except specs.SpecError as error:
        message = f"The spec cannot run: {error}."
        status = {
            **cleared,
            **started_from,
            "phase": Phase.FAILED.value,
            "message": message,
            "finishTime": visit.stamp,
            "conditions": conditions.with_condition(
                [], Condition.SPEC_VALID, true=False, reason="InvalidSpec",
                message=str(error), now=visit.stamp,
            ),
        }
        return Step(status, (*notices, Notice("InvalidSpec", message, warning=True)))

    message = (
        f"Accepted run {run_id} (analysis id {analysis_id}); "
        + ("the cast's gallery is built first." if spec.needs_gallery else
           "the cast folder on the volume is used as it is.")
    )
    status = {
        **cleared,
        **started_from,
        "phase": Phase.PENDING.value,
        "runId": run_id,
        "analysisId": analysis_id,
        "startTime": visit.stamp,
        "message": message,
        "progress": _progress(0, 0),
        "conditions": conditions.with_condition(
            [], Condition.SPEC_VALID, true=True, reason="Accepted",
            message="The spec passed the operator's checks.", now=visit.stamp,
        ),
    }
    return Step(status, (*notices, Notice("Accepted", message)), again=True)


def _launch(
    visit: _Visit,
    spec: specs.AnalysisSpec,
    phase: Phase,
    *,
    attempt: int,
    extra: Mapping[str, Any] | None = None,
) -> Step:
    """Create the children of one try of a phase (those not there yet) and enter it."""
    run_id = str(visit.status["runId"])
    tries = f"try {attempt} of {spec.retry_limit + 1}"
    status: dict[str, Any] = {"phase": phase.value, "attempt": attempt, "retryAt": None}
    if phase == Phase.GALLERY:
        job = gallery.gallery_job(
            visit.film_analysis, spec, visit.runtime.settings, run_id=run_id, attempt=attempt
        )
        children = [job]
        message = f"Building the cast's gallery with job {job['metadata']['name']} ({tries})."
        reason = "GalleryStarted"
    else:
        job = spark.driver_job(
            visit.film_analysis, spec, visit.runtime.settings, run_id=run_id,
            analysis_id=str(visit.status["analysisId"]), attempt=attempt,
        )
        children = [
            spark.config_map(visit.film_analysis, spec, visit.runtime.settings, run_id=run_id),
            spark.driver_service(visit.film_analysis, run_id=run_id),
            job,
        ]
        status["sparkApplicationId"] = spark.application_id(visit.name, run_id, attempt)
        message = (
            f"Analysing the film with Spark application {status['sparkApplicationId']}, "
            f"driver job {job['metadata']['name']} ({tries})."
        )
        reason = "AnalysisStarted"
        if not spec.needs_gallery and attempt == 1:
            status["conditions"] = conditions.with_condition(
                visit.status.get("conditions") or [], Condition.GALLERY_READY, true=True,
                reason="CastFromVolume", message="The cast folder on the volume is used.",
                now=visit.stamp,
            )

    for child in children:
        visit.runtime.cluster.ensure(child)
    status.update(jobName=job["metadata"]["name"], message=message, **(extra or {}))
    if attempt > 1:
        reason = "Retrying"
    return Step(status, (Notice(reason, message),))


def _follow_job(visit: _Visit, spec: specs.AnalysisSpec, phase: Phase) -> Step | None:
    """Act on the current job: wait, report progress, move on, retry, or fail."""
    attempt = int(visit.status.get("attempt") or 1)

    # A failed try waits out its backoff before the next one starts.
    retry_at = visit.status.get("retryAt")
    if retry_at:
        if visit.now < datetime.datetime.fromisoformat(retry_at):
            return None
        return _launch(visit, spec, phase, attempt=attempt + 1)

    job_name = str(visit.status.get("jobName"))
    job = visit.runtime.cluster.read_job(visit.namespace, job_name)
    if job is None:
        state = jobs.JobState(jobs.Outcome.FAILED, "JobDeleted", "it was deleted")
    else:
        state = jobs.job_state(job)

    if state.outcome is jobs.Outcome.RUNNING:
        return _progress_step(visit) if phase == Phase.ANALYZING else None
    if state.outcome is jobs.Outcome.FAILED:
        return _job_failed(visit, spec, phase, attempt, job_name, state)
    if phase == Phase.GALLERY:
        message = f"Job {job_name} built the cast's gallery."
        ready = conditions.with_condition(
            visit.status.get("conditions") or [], Condition.GALLERY_READY, true=True,
            reason="GalleryBuilt", message=message, now=visit.stamp,
        )
        step = _launch(visit, spec, Phase.ANALYZING, attempt=1, extra={"conditions": ready})
        return Step(step.status, (Notice("GalleryReady", message), *step.notices))
    return _succeed(visit)


def _job_failed(
    visit: _Visit,
    spec: specs.AnalysisSpec,
    phase: Phase,
    attempt: int,
    job_name: str,
    state: jobs.JobState,
) -> Step:
    """Retry after a backoff while tries are left, else fail the run with the reason."""
    cause = visit.runtime.cluster.failure_cause(visit.namespace, job_name)
    if cause:
        detail = f"Job {job_name} failed: {cause}"
    else:
        detail = f"Job {job_name} failed ({state.reason}: {state.message})"
    if attempt <= spec.retry_limit:
        delay = _backoff(visit.runtime.settings, attempt)
        retry_at = visit.now + datetime.timedelta(seconds=delay)
        message = (
            f"{detail}; trying again in {delay:g} s (try {attempt + 1} of "
            f"{spec.retry_limit + 1})."
        )
        status = {"retryAt": retry_at.isoformat().replace("+00:00", "Z"), "message": message}
        return Step(status, (Notice("JobFailed", message, warning=True),))
    reason = "GalleryFailed" if phase == Phase.GALLERY else "AnalysisFailed"
    tries = "try" if attempt == 1 else "tries"
    return _fail(visit, reason, f"{detail}; gave up after {attempt} {tries}.")


def _progress_step(visit: _Visit) -> Step | None:
    """The driver's progress from the database, when it moved since last stored."""
    reader = visit.runtime.results
    if reader is None:
        return None  # no database: the job's end is the only progress there is
    try:
        progress = reader.progress(str(visit.status["analysisId"]))
    except errors.DatabaseError as error:
        visit.logger.warning("Cannot read progress: %s", error)
        return None
    if progress is None:
        return None
    status = {
        "progress": _progress(progress.segments_done, progress.segments_total),
        **_film_duration(progress.film_duration),
    }
    if all(visit.status.get(key) == value for key, value in status.items()):
        return None
    return Step(status)


def _succeed(visit: _Visit) -> Step:
    """The run's results in the status, read from the database when there is one."""
    status: dict[str, Any] = {"phase": Phase.SUCCEEDED.value, "finishTime": visit.stamp}
    reader = visit.runtime.results
    previous = visit.status.get("progress") or {}
    if reader is None:
        total = int(previous.get("segmentsTotal") or 0)
        status["progress"] = _progress(total, total, finished=True)
        message = (
            "The analysis finished; the operator has no WOS_DATABASE_URL, so "
            "`wos results` shows who was found."
        )
    else:
        analysis_id = str(visit.status["analysisId"])
        progress = reader.progress(analysis_id)
        findings = reader.findings(analysis_id)
        if progress is not None:
            status["progress"] = _progress(
                progress.segments_done, progress.segments_total, finished=True
            )
            status.update(_film_duration(progress.film_duration))
        status["peopleFound"] = findings.people_found
        status["topScreenTime"] = [
            {"person": person, "seconds": seconds} for person, seconds in findings.top_screen_time
        ]
        message = f"The analysis finished: {findings.people_found} of the cast found on screen"
        if findings.top_screen_time:
            person, seconds = findings.top_screen_time[0]
            message += f", {person} the longest ({seconds} s)"
        message += "."
    status["message"] = message
    status["conditions"] = conditions.with_condition(
        visit.status.get("conditions") or [], Condition.ANALYZED, true=True,
        reason="AnalysisComplete", message=message, now=visit.stamp,
    )
    return Step(status, (Notice("Succeeded", message),))


def _fail(visit: _Visit, reason: str, message: str) -> Step:
    status = {
        "phase": Phase.FAILED.value,
        "finishTime": visit.stamp,
        "retryAt": None,
        "message": message,
        "conditions": conditions.with_condition(
            visit.status.get("conditions") or [], Condition.FAILED, true=True,
            reason=reason, message=message, now=visit.stamp,
        ),
    }
    return Step(status, (Notice(reason, message, warning=True),))


def _past_deadline(visit: _Visit, spec: specs.AnalysisSpec) -> bool:
    started = visit.status.get("startTime")
    if not started:
        return False
    elapsed = visit.now - datetime.datetime.fromisoformat(started)
    return elapsed.total_seconds() > spec.deadline_seconds


def _stop_at_deadline(visit: _Visit, spec: specs.AnalysisSpec) -> Step:
    stopped = visit.runtime.cluster.delete_children(visit.namespace, visit.name)
    return _fail(
        visit,
        "DeadlineExceeded",
        f"The run took longer than its deadline of {spec.deadline_seconds} s; "
        f"stopped it ({len(stopped)} children deleted).",
    )


def _backoff(config: settings.OperatorSettings, attempt: int) -> float:
    """Seconds before the next try: doubling with each failed try, up to the maximum."""
    delay = config.retry_backoff_seconds * 2.0 ** (attempt - 1)
    return min(delay, config.retry_backoff_max_seconds)


def _progress(done: int, total: int, *, finished: bool = False) -> dict[str, Any]:
    """Progress as segments and percent; the Progress column shows the summary."""
    percent = 100 if finished else (min(100, done * 100 // total) if total else 0)
    summary = f"{done}/{total} ({percent}%)" if total else f"{percent}%"
    return {"segmentsDone": done, "segmentsTotal": total, "percent": percent, "summary": summary}


def _film_duration(seconds: float) -> dict[str, Any]:
    if seconds <= 0:
        return {}
    whole = round(seconds)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        text = f"{hours}h{minutes:02d}m{secs:02d}s"
    elif minutes:
        text = f"{minutes}m{secs:02d}s"
    else:
        text = f"{secs}s"
    return {"filmDuration": text, "filmDurationSeconds": round(seconds, 3)}


def _announce(visit: _Visit, notice: Notice) -> None:
    """The notice as a Kubernetes Event on the FilmAnalysis, and as a log line."""
    kind = "Warning" if notice.warning else "Normal"
    body = cast(kopf.Body, visit.film_analysis)  # Kopf reads only its reference fields
    kopf.event(body, type=kind, reason=notice.reason, message=notice.message)
    level = logging.WARNING if notice.warning else logging.INFO
    visit.logger.log(level, "%s: %s", notice.reason, notice.message)


def _timestamp(moment: datetime.datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")
