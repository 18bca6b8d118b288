"""An operator restarted in any phase resumes the run and never makes a second child."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

import kubernetes.client
import pytest
from film_analyses import FAST, NAMESPACE, UserView, example
from kube.fixtures import OperatorRunner, eventually

from wos_operator import gallery, naming, specs

pytestmark = pytest.mark.asyncio

Drive = Callable[[UserView], Awaitable[None]]


async def jobs_count(user: UserView, count: int) -> list[str] | None:
    names = await user.job_names()
    return names if len(names) == count else None


async def phase_is(user: UserView, phase: str) -> bool:
    return (await user.film_analysis("hamilton")).get("status", {}).get("phase") == phase


async def until_gallery(user: UserView) -> None:
    await eventually(lambda: jobs_count(user, 1), what="the gallery job")


async def until_analyzing(user: UserView) -> None:
    [job] = await eventually(lambda: jobs_count(user, 1), what="the gallery job")
    await user.finish_job(job, succeeded=True)
    await eventually(lambda: jobs_count(user, 2), what="the driver job")


async def until_waiting_to_retry(user: UserView) -> None:
    [job] = await eventually(lambda: jobs_count(user, 1), what="the gallery job")
    await user.finish_job(job, succeeded=False)
    await eventually(lambda: _has_retry_at(user), what="a retry planned")


async def until_succeeded(user: UserView) -> None:
    await until_analyzing(user)
    await user.finish_job((await user.job_names())[1], succeeded=True)
    await eventually(lambda: phase_is(user, "Succeeded"), what="Succeeded")


async def _has_retry_at(user: UserView) -> bool:
    return bool((await user.film_analysis("hamilton"))["status"].get("retryAt"))


async def to_the_end(user: UserView) -> None:
    """Finish whatever job runs, until the run succeeds."""
    while not await phase_is(user, "Succeeded"):
        for job in await user.jobs():
            if not job.get("status"):
                await user.finish_job(job["metadata"]["name"], succeeded=True)
        await asyncio.sleep(0.1)


@pytest.mark.parametrize(
    ("stop_at", "jobs_at_the_end"),
    [
        (until_gallery, ["gallery-1", "driver-1"]),
        (until_analyzing, ["gallery-1", "driver-1"]),
        (until_waiting_to_retry, ["gallery-1", "gallery-2", "driver-1"]),
        (until_succeeded, ["gallery-1", "driver-1"]),
    ],
    ids=["gallery", "analyzing", "waiting-to-retry", "succeeded"],
)
async def test_a_restarted_operator_resumes_the_run_without_a_second_child(
    user: UserView, running_operator: OperatorRunner, stop_at: Drive, jobs_at_the_end: list[str]
) -> None:
    async with running_operator():
        await user.submit(example("hamilton.yaml"))
        await stop_at(user)
        before = await user.film_analysis("hamilton")
        jobs_before = await user.job_names()
        events_before = len(await user.settled_events("hamilton", 1))

    async with running_operator():
        # A few polls with nothing to do: the new operator creates nothing again.
        await asyncio.sleep(0.6)
        assert (await user.job_names())[: len(jobs_before)] == jobs_before
        await asyncio.wait_for(to_the_end(user), timeout=15)
        after = await user.film_analysis("hamilton")
        events = await user.settled_events("hamilton", events_before)

    run_id = before["status"]["runId"]
    assert after["status"]["runId"] == run_id
    assert await user.job_names() == [
        naming.child_name("hamilton", run_id, *kind.split("-")[:1], int(kind.split("-")[1]))
        for kind in jobs_at_the_end
    ]
    assert len(await user.config_maps()) == 1 and len(await user.services()) == 1
    reasons = [reason for _, reason, _ in events]
    assert reasons.count("Accepted") == 1 and reasons.count("Succeeded") == 1
    assert reasons.count("AnalysisStarted") == 1


async def test_a_job_created_just_before_a_crash_is_adopted_not_made_twice(
    user: UserView, running_operator: OperatorRunner, api_client: kubernetes.client.ApiClient
) -> None:
    # The state an operator leaves when it stops after creating the gallery job but before
    # recording the Gallery phase.
    film_analysis = await user.submit(example("hamilton.yaml"))
    run_id = "0badc0de"
    custom = kubernetes.client.CustomObjectsApi(api_client)
    await asyncio.to_thread(
        custom.patch_namespaced_custom_object_status,
        "whoisonscreen.io", "v1alpha1", NAMESPACE, "filmanalyses", "hamilton",
        {"status": {
            "phase": "Pending", "runId": run_id,
            "analysisId": naming.analysis_id(NAMESPACE, "hamilton", run_id),
            "specHash": specs.spec_hash(film_analysis["spec"]),
            "startTime": film_analysis["metadata"]["creationTimestamp"],
        }},
    )
    spec = specs.read_spec(film_analysis["spec"])

    job = gallery.gallery_job(film_analysis, spec, FAST, run_id=run_id, attempt=1)
    batch = kubernetes.client.BatchV1Api(api_client)
    await asyncio.to_thread(batch.create_namespaced_job, NAMESPACE, job)

    async with running_operator():
        await eventually(lambda: phase_is(user, "Gallery"), what="the Gallery phase")
        await asyncio.sleep(0.5)
    assert await user.job_names() == [job["metadata"]["name"]]
    assert (await user.film_analysis("hamilton"))["status"]["jobName"] == job["metadata"]["name"]
