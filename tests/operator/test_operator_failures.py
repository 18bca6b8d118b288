"""Failed jobs retried with backoff, then the run Failed with the reason; deadlines."""

from __future__ import annotations

import datetime

import pytest
from film_analyses import UserView, example
from kube.fixtures import OperatorRunner, eventually

pytestmark = pytest.mark.asyncio


def with_retries(manifest: str, retry_limit: int) -> dict[str, object]:
    document = example(manifest)
    document["spec"]["retryLimit"] = retry_limit
    return document


async def status_of(user: UserView, name: str) -> dict[str, object]:
    return (await user.film_analysis(name)).get("status", {})


async def jobs_count(user: UserView, count: int) -> list[str] | None:
    names = await user.job_names()
    return names if len(names) == count else None


async def test_a_failed_gallery_job_is_retried_then_the_analysis_fails_with_the_reason(
    user: UserView, running_operator: OperatorRunner
) -> None:
    async with running_operator():
        await user.submit(with_retries("hamilton.yaml", 1))
        [first] = await eventually(lambda: jobs_count(user, 1), what="the first gallery job")
        await user.finish_job(first, succeeded=False, message="IMDb answered 503")

        # The next try waits out the backoff, then runs as a second Job.
        status = await eventually(lambda: _retrying(user), what="a retry planned")
        assert "trying again in 0.3 s (try 2 of 2)" in status["message"]
        first_again, second = await eventually(lambda: jobs_count(user, 2), what="try 2")
        assert first_again == first and second.endswith("-gallery-2")
        await user.finish_job(second, succeeded=False, message="IMDb answered 503")

        status = await eventually(lambda: _phase(user, "Failed"), what="Failed")
        events = await user.settled_events("hamilton", 5)
    assert status["message"] == (
        f"Job {second} failed (BackoffLimitExceeded: IMDb answered 503); gave up after 2 tries."
    )
    failed = {c["type"]: c for c in status["conditions"]}["Failed"]
    assert (failed["status"], failed["reason"]) == ("True", "GalleryFailed")
    assert [(kind, reason) for kind, reason, _ in events] == [
        ("Normal", "Accepted"), ("Normal", "GalleryStarted"), ("Warning", "JobFailed"),
        ("Normal", "Retrying"), ("Warning", "GalleryFailed"),
    ]
    assert await user.job_names() == [first, second]  # no third try beyond the limit


async def test_a_failed_try_reports_the_programs_own_error_line_not_the_job_controllers(
    user: UserView, running_operator: OperatorRunner
) -> None:
    cause = "the film URL http://127.0.0.1:9/missing.mp4 cannot be read (Connection refused)"
    async with running_operator():
        await user.submit(with_retries("own-photos.yaml", 0))
        [driver] = await eventually(lambda: jobs_count(user, 1), what="the driver job")
        await user.fail_pod(driver, log_end=f"INFO starting\nerror: {cause}\n")
        await user.finish_job(driver, succeeded=False)

        status = await eventually(lambda: _phase(user, "Failed", "short-clip"), what="Failed")
        events = await user.settled_events("short-clip", 3)
    assert status["message"] == f"Job {driver} failed: {cause}; gave up after 1 try."
    assert ("Warning", "AnalysisFailed", status["message"]) in events


async def test_a_driver_that_fails_once_succeeds_on_its_second_try(
    user: UserView, running_operator: OperatorRunner
) -> None:
    async with running_operator():
        await user.submit(with_retries("own-photos.yaml", 2))
        [first] = await eventually(lambda: jobs_count(user, 1), what="the first driver job")
        first_app = (await user.recorded_job("short-clip"))["sparkApplicationId"]
        await user.finish_job(first, succeeded=False, message="executor lost")
        _, second = await eventually(lambda: jobs_count(user, 2), what="the second try")
        status = await user.recorded_job("short-clip")
        assert second.endswith("-driver-2") and status["attempt"] == 2
        assert status["sparkApplicationId"] != first_app
        await user.finish_job(second, succeeded=True)
        await eventually(lambda: _phase(user, "Succeeded", "short-clip"), what="Succeeded")


@pytest.mark.parametrize("retry_limit", [0, 3])
async def test_the_retry_limit_bounds_the_tries(
    user: UserView, running_operator: OperatorRunner, retry_limit: int
) -> None:
    async with running_operator():
        await user.submit(with_retries("own-photos.yaml", retry_limit))
        for tries in range(1, retry_limit + 2):
            names = await eventually(lambda: jobs_count(user, tries), what=f"try {tries}")
            await user.finish_job(names[-1], succeeded=False)
        status = await eventually(lambda: _phase(user, "Failed", "short-clip"), what="Failed")
    assert len(await user.job_names()) == retry_limit + 1
    assert status["message"].endswith(
        f"gave up after {retry_limit + 1} {'try' if retry_limit == 0 else 'tries'}."
    )


async def test_a_deleted_job_counts_as_a_failed_try(
    user: UserView, running_operator: OperatorRunner, api_client: object
) -> None:
    import kubernetes.client

    async with running_operator():
        await user.submit(with_retries("own-photos.yaml", 0))
        [driver] = await eventually(lambda: jobs_count(user, 1), what="the driver job")
        batch = kubernetes.client.BatchV1Api(api_client)
        await _in_thread(batch.delete_namespaced_job, driver, "films")
        status = await eventually(lambda: _phase(user, "Failed", "short-clip"), what="Failed")
    assert status["message"] == (
        f"Job {driver} failed (JobDeleted: it was deleted); gave up after 1 try."
    )


async def test_a_run_past_its_deadline_is_stopped_and_fails(
    user: UserView, running_operator: OperatorRunner, api_client: object
) -> None:
    import kubernetes.client

    async with running_operator():
        await user.submit(example("own-photos.yaml"))
        await eventually(lambda: jobs_count(user, 1), what="the driver job")

        # Play the clock: the run started a day ago, past the default deadline.
        custom = kubernetes.client.CustomObjectsApi(api_client)
        yesterday = datetime.datetime.now(datetime.UTC) - datetime.timedelta(days=1, seconds=1)
        await _in_thread(
            custom.patch_namespaced_custom_object_status,
            "whoisonscreen.io", "v1alpha1", "films", "filmanalyses", "short-clip",
            {"status": {"startTime": yesterday.strftime("%Y-%m-%dT%H:%M:%SZ")}},
        )
        status = await eventually(lambda: _phase(user, "Failed", "short-clip"), what="Failed")
    assert status["message"] == (
        "The run took longer than its deadline of 86400 s; stopped it (3 children deleted)."
    )
    assert await user.job_names() == []
    assert {c["type"]: c["reason"] for c in status["conditions"]}["Failed"] == "DeadlineExceeded"


async def _in_thread(method: object, *args: object) -> None:
    import asyncio

    await asyncio.to_thread(method, *args)  # type: ignore[arg-type]


async def _retrying(user: UserView) -> dict[str, object] | None:
    status = await status_of(user, "hamilton")
    return status if status.get("retryAt") else None


async def _phase(user: UserView, phase: str, name: str = "hamilton") -> dict[str, object] | None:
    status = await status_of(user, name)
    return status if status.get("phase") == phase else None
