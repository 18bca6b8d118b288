"""A FilmAnalysis from submission to results, as a user follows it."""

from __future__ import annotations

import asyncio

import pytest
from film_analyses import FAST, NAMESPACE, UserView, example
from kube.fixtures import OperatorRunner, eventually

from wos import records
from wos.storage import database, results
from wos_operator import settings

pytestmark = pytest.mark.asyncio


async def phase_of(user: UserView, name: str) -> str | None:
    return (await user.film_analysis(name)).get("status", {}).get("phase")


async def test_a_film_analysis_goes_from_gallery_to_analysis_to_succeeded(
    user: UserView, running_operator: OperatorRunner
) -> None:
    async with running_operator():
        await user.submit(example("hamilton.yaml"))

        # The gallery job comes first; the analysis waits for it.
        await eventually(lambda: _phase_is(user, "hamilton", "Gallery"), what="Gallery phase")
        [gallery_job] = await user.job_names()
        assert "-gallery-1" in gallery_job
        await user.finish_job(gallery_job, succeeded=True)

        await eventually(lambda: _phase_is(user, "hamilton", "Analyzing"), what="Analyzing")
        jobs = await user.job_names()
        assert len(jobs) == 2 and jobs[0] == gallery_job and "-driver-1" in jobs[1]
        await user.finish_job(jobs[1], succeeded=True)

        await eventually(lambda: _phase_is(user, "hamilton", "Succeeded"), what="Succeeded")
        film_analysis = await user.film_analysis("hamilton")
        status = film_analysis["status"]
        assert status["progress"]["percent"] == 100
        assert status["finishTime"] >= status["startTime"]
        conditions = {c["type"]: (c["status"], c["reason"]) for c in status["conditions"]}
        assert conditions == {
            "SpecValid": ("True", "Accepted"),
            "GalleryReady": ("True", "GalleryBuilt"),
            "Analyzed": ("True", "AnalysisComplete"),
        }
        events = await user.settled_events("hamilton", 5)
        reasons = [reason for _, reason, _ in events]
        assert reasons == [
            "Accepted", "GalleryStarted", "GalleryReady", "AnalysisStarted", "Succeeded"
        ]


async def _phase_is(user: UserView, name: str, phase: str) -> bool:
    return await phase_of(user, name) == phase


async def test_progress_and_results_come_from_the_database_the_driver_writes(
    user: UserView, running_operator: OperatorRunner, sqlite_url: str
) -> None:
    config = settings.OperatorSettings(**{**FAST.__dict__, "database_url": sqlite_url})
    db = database.open_database(sqlite_url)
    async with running_operator(config):
        await user.submit(example("hamilton.yaml"))
        [gallery] = await eventually(user.job_names, what="the gallery job")
        await user.finish_job(gallery, succeeded=True)
        await eventually(lambda: _phase_is(user, "hamilton", "Analyzing"), what="Analyzing")
        film_analysis = await user.film_analysis("hamilton")
        analysis_id = film_analysis["status"]["analysisId"]
        assert film_analysis["status"]["progress"]["summary"] == "0%"

        # Play the analysis driver: it cuts the film into 5 segments and finishes 2.
        results.start_analysis(
            db, analysis_id=analysis_id, film="hamilton.mp4", cast="/galleries/cast",
            settings={"engine": "sface"}, segments_total=5, film_duration=9732.4,
        )
        for segment in (0, 1):
            results.record_segment(db, analysis_id=analysis_id, segment_index=segment,
                                   detections=[])
        progress = await eventually(
            lambda: _progress_is(user, "hamilton", "2/5 (40%)"), what="40 % progress"
        )
        assert progress == {"segmentsDone": 2, "segmentsTotal": 5, "percent": 40,
                            "summary": "2/5 (40%)"}
        assert (await user.film_analysis("hamilton"))["status"]["filmDuration"] == "2h42m12s"

        # Six people found; the status keeps the five longest on screen.
        people = [_person(name, seconds) for name, seconds in SCREEN_TIME]
        for segment in (2, 3, 4):
            results.record_segment(db, analysis_id=analysis_id, segment_index=segment,
                                   detections=[])
        results.finish_analysis(db, analysis_id=analysis_id, people=people, minutes=[],
                                appearances=[])
        driver = (await user.job_names())[1]
        await user.finish_job(driver, succeeded=True)
        await eventually(lambda: _phase_is(user, "hamilton", "Succeeded"), what="Succeeded")

    status = (await user.film_analysis("hamilton"))["status"]
    assert status["peopleFound"] == 6
    assert status["topScreenTime"] == [
        {"person": name, "seconds": seconds} for name, seconds in SCREEN_TIME[:5]
    ]
    assert status["progress"]["summary"] == "5/5 (100%)"
    assert status["message"] == (
        "The analysis finished: 6 of the cast found on screen, "
        "Lin-Manuel Miranda the longest (2712 s)."
    )
    db.dispose()


SCREEN_TIME = [
    ("Lin-Manuel Miranda", 2712), ("Leslie Odom Jr.", 2406), ("Phillipa Soo", 1501),
    ("Renée Elise Goldsberry", 1210), ("Daveed Diggs", 990), ("Jonathan Groff", 412),
]


def _person(name: str, seconds: int) -> records.PersonSummary:
    return records.PersonSummary(
        person=name, seconds_on_screen=seconds, frames_matched=seconds * 2,
        mean_similarity=0.6, best_similarity=0.8, first_seen=10.0, last_seen=9000.0,
    )


async def _progress_is(user: UserView, name: str, summary: str) -> dict[str, object] | None:
    progress = (await user.film_analysis(name)).get("status", {}).get("progress", {})
    return progress if progress.get("summary") == summary else None


async def test_an_operator_watching_other_namespaces_leaves_the_film_analysis_alone(
    user: UserView, running_operator: OperatorRunner
) -> None:
    async with running_operator(namespaces=("elsewhere",)):
        await user.submit(example("hamilton.yaml"))
        await asyncio.sleep(1.0)  # five polls of an operator that would have acted
    assert "status" not in await user.film_analysis("hamilton")
    assert await user.job_names() == []


async def test_the_same_operator_acts_once_its_namespace_is_watched(
    user: UserView, running_operator: OperatorRunner
) -> None:
    async with running_operator(namespaces=(NAMESPACE,)):
        await user.submit(example("hamilton.yaml"))
        await eventually(lambda: _phase_is(user, "hamilton", "Gallery"), what="Gallery phase")
