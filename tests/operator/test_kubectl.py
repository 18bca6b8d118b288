"""`kubectl apply` a film.yaml and `kubectl get filmanalysis`, as the README tells users."""

from __future__ import annotations

import asyncio
import pathlib
import re

import pytest
from film_analyses import EXAMPLES, FAST, NAMESPACE, UserView
from kube.fixtures import OperatorRunner, eventually

from wos import records
from wos.storage import database, results
from wos_operator import settings

pytestmark = pytest.mark.asyncio

KUBECTL = pathlib.Path(__file__).resolve().parents[2] / ".venv" / "bin" / "kubectl"


async def kubectl(kubeconfig: pathlib.Path, *args: str) -> str:
    """kubectl's output; a non-zero exit fails the test with kubectl's error."""
    process = await asyncio.create_subprocess_exec(
        str(KUBECTL), "--kubeconfig", str(kubeconfig), "--namespace", NAMESPACE, *args,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(process.communicate(), timeout=60)
    assert process.returncode == 0, err.decode()
    return out.decode()


def table(text: str) -> list[list[str]]:
    """kubectl's rows cut at the columns of its header (an empty cell stays empty)."""
    header, *rows = text.rstrip().splitlines()
    starts = [match.start() for match in re.finditer(r"\S+", header)]
    bounds = list(zip(starts, [*starts[1:], None]))
    return [[line[start:end].strip() for start, end in bounds] for line in [header, *rows]]


async def test_kubectl_get_shows_phase_progress_people_duration_and_age(
    user: UserView, running_operator: OperatorRunner, kubeconfig: pathlib.Path
) -> None:
    applied = await kubectl(
        kubeconfig, "apply", "--validate=false", "-f", str(EXAMPLES / "hamilton.yaml")
    )
    assert applied.strip() == "filmanalysis.whoisonscreen.io/hamilton created"

    async with running_operator():
        [gallery] = await eventually(user.job_names, what="the gallery job")
        rows = table(await kubectl(kubeconfig, "get", "filmanalysis"))
        assert rows[0] == ["NAME", "PHASE", "PROGRESS", "PEOPLE", "DURATION", "AGE"]
        name, phase, progress, people, duration, age = rows[1]
        assert (name, phase, progress, people, duration) == (
            "hamilton", "Gallery", "0%", "", "")
        assert age.endswith("s")

        await user.finish_job(gallery, succeeded=True)
        await eventually(lambda: _phase_is(user, "Analyzing"), what="the Analyzing phase")
        [_, _, _, _, _, _, engine, run, message] = table(
            await kubectl(kubeconfig, "get", "fa", "hamilton", "-o", "wide")
        )[1]
    status = (await user.film_analysis("hamilton"))["status"]
    assert (engine, run) == ("sface", status["runId"])
    assert message == status["message"]
    assert message.startswith("Analysing the film with Spark application ")


async def _phase_is(user: UserView, phase: str) -> bool:
    return (await user.film_analysis("hamilton")).get("status", {}).get("phase") == phase


async def test_kubectl_delete_removes_the_analysis_and_its_jobs(
    user: UserView, running_operator: OperatorRunner, kubeconfig: pathlib.Path
) -> None:
    await kubectl(kubeconfig, "apply", "--validate=false", "-f", str(EXAMPLES / "gpu.yaml"))
    async with running_operator():
        await eventually(user.job_names, what="the gallery job")
        deleted = await kubectl(kubeconfig, "delete", "fa", "feature-film", "--wait=false")
        assert deleted.strip() == (
            'filmanalysis.whoisonscreen.io "feature-film" deleted from films namespace'
        )
        await eventually(lambda: _no_analyses(user), what="the FilmAnalysis gone")
    assert await user.job_names() == []
    listing = await kubectl(kubeconfig, "get", "filmanalyses")
    assert listing.strip() == ""


async def _no_analyses(user: UserView) -> bool:
    return await user.film_analyses() == []


async def test_kubectl_get_shows_the_people_found_and_the_film_duration_when_done(
    user: UserView, running_operator: OperatorRunner, kubeconfig: pathlib.Path,
    sqlite_url: str,
) -> None:
    config = settings.OperatorSettings(**{**FAST.__dict__, "database_url": sqlite_url})
    db = database.open_database(sqlite_url)
    await kubectl(kubeconfig, "apply", "--validate=false", "-f", str(EXAMPLES / "own-photos.yaml"))
    async with running_operator(config):
        [driver] = await eventually(user.job_names, what="the driver job")
        analysis_id = (await user.film_analysis("short-clip"))["status"]["analysisId"]

        # Play the analysis driver: three segments of a 75 s clip, two people found.
        results.start_analysis(
            db, analysis_id=analysis_id, film="/film/clip.mp4", cast="/cast",
            settings={}, segments_total=3, film_duration=75.2,
        )
        results.record_segment(db, analysis_id=analysis_id, segment_index=0, detections=[])
        await eventually(lambda: _progress_shown(kubeconfig, "1/3 (33%)"), what="33 %")
        for segment in (1, 2):
            results.record_segment(db, analysis_id=analysis_id, segment_index=segment,
                                   detections=[])
        people = [
            records.PersonSummary(person=name, seconds_on_screen=seconds, frames_matched=9,
                                  mean_similarity=0.6, best_similarity=0.7, first_seen=1.0,
                                  last_seen=70.0)
            for name, seconds in (("Lin-Manuel Miranda", 41), ("Phillipa Soo", 12))
        ]
        results.finish_analysis(db, analysis_id=analysis_id, people=people, minutes=[],
                                appearances=[])
        await user.finish_job(driver, succeeded=True)
        row = await eventually(lambda: _row_when(kubeconfig, "Succeeded"), what="Succeeded")
    db.dispose()
    assert row[:5] == ["short-clip", "Succeeded", "3/3 (100%)", "2", "1m15s"]


async def _progress_shown(kubeconfig: pathlib.Path, progress: str) -> bool:
    rows = table(await kubectl(kubeconfig, "get", "fa"))
    return rows[1][2] == progress


async def _row_when(kubeconfig: pathlib.Path, phase: str) -> list[str] | None:
    rows = table(await kubectl(kubeconfig, "get", "fa"))
    return rows[1] if rows[1][1] == phase else None
