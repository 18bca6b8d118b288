"""Deleting a running FilmAnalysis stops its children; changing its spec restarts the run."""

from __future__ import annotations

import asyncio

import pytest
from film_analyses import UserView, example
from kube.fixtures import OperatorRunner, eventually

pytestmark = pytest.mark.asyncio


async def jobs_count(user: UserView, count: int) -> list[str] | None:
    names = await user.job_names()
    return names if len(names) == count else None


async def status_of(user: UserView, name: str = "hamilton") -> dict[str, object]:
    return (await user.film_analysis(name)).get("status", {})


async def test_deleting_a_running_analysis_deletes_its_jobs_and_spark_children(
    user: UserView, running_operator: OperatorRunner
) -> None:
    async with running_operator():
        await user.submit(example("hamilton.yaml"))
        [gallery] = await eventually(lambda: jobs_count(user, 1), what="the gallery job")
        await user.finish_job(gallery, succeeded=True)
        await eventually(lambda: jobs_count(user, 2), what="the driver job")
        assert (await user.recorded_job("hamilton"))["phase"] == "Analyzing"

        await user.delete("hamilton")
        await eventually(lambda: _gone(user), what="the FilmAnalysis gone")
        await asyncio.sleep(0.5)  # and nothing is created after it
        assert await user.job_names() == []
        assert await user.config_maps() == []
        assert await user.services() == []


async def _gone(user: UserView) -> bool:
    return await user.film_analyses() == []


async def test_a_spec_change_mid_run_stops_the_run_and_starts_a_new_one(
    user: UserView, running_operator: OperatorRunner
) -> None:
    async with running_operator():
        await user.submit(example("hamilton.yaml"))
        [old_job] = await eventually(lambda: jobs_count(user, 1), what="the gallery job")
        old_run = (await status_of(user))["runId"]

        spec = example("hamilton.yaml")["spec"]
        spec["engine"] = {"name": "insightface", "threshold": 0.3}
        await user.change_spec("hamilton", spec)
        await eventually(lambda: _new_run(user, old_run), what="a new run")
        [new_job] = await eventually(lambda: _one_new_job(user, old_job), what="new gallery job")
        status = await user.recorded_job("hamilton")
        events = await user.settled_events("hamilton", 5)

    assert new_job != old_job and status["runId"] in new_job
    assert status["phase"] == "Gallery"
    restarted = [message for _, reason, message in events if reason == "Restarted"]
    assert restarted == [
        f"The spec changed: stopped run {old_run} (1 children deleted) and started a new run."
    ]


async def _new_run(user: UserView, old_run: object) -> dict[str, object] | None:
    status = await status_of(user)
    return status if status.get("runId") not in (None, old_run) else None


async def test_a_finished_analysis_runs_again_when_its_spec_changes(
    user: UserView, running_operator: OperatorRunner
) -> None:
    async with running_operator():
        await user.submit(example("own-photos.yaml"))
        [driver] = await eventually(lambda: jobs_count(user, 1), what="the driver job")
        await user.finish_job(driver, succeeded=True)
        await eventually(lambda: _phase(user, "Succeeded"), what="Succeeded")
        first_run = (await status_of(user, "short-clip"))["runId"]

        spec = example("own-photos.yaml")["spec"]
        spec["sampling"] = {"framesPerSecond": 4, "segmentSeconds": 30}
        await user.change_spec("short-clip", spec)
        await eventually(lambda: _one_new_job(user, driver), what="the new driver job")
        status = await user.recorded_job("short-clip")
    assert status["phase"] == "Analyzing" and status["runId"] != first_run
    assert "finishTime" not in status and status["progress"]["percent"] == 0


async def _phase(user: UserView, phase: str) -> bool:
    return (await status_of(user, "short-clip")).get("phase") == phase


async def _one_new_job(user: UserView, old: str) -> list[str] | None:
    names = await user.job_names()
    return names if len(names) == 1 and names != [old] else None


async def test_fixing_an_invalid_spec_starts_a_run(
    user: UserView, running_operator: OperatorRunner
) -> None:
    document = example("own-photos.yaml")
    document["spec"]["executors"] = {"min": 3, "max": 2}
    async with running_operator():
        await user.submit(document)
        await eventually(lambda: _phase(user, "Failed"), what="Failed")
        document["spec"]["executors"] = {"min": 1, "max": 2}
        await user.change_spec("short-clip", document["spec"])
        await eventually(lambda: _phase(user, "Analyzing"), what="Analyzing")
    status = await status_of(user, "short-clip")
    conditions = {c["type"]: c["status"] for c in status["conditions"]}
    assert conditions["SpecValid"] == "True" and "Failed" not in conditions


async def test_defaults_a_newer_crd_adds_to_the_stored_spec_start_no_new_run(
    user: UserView, running_operator: OperatorRunner, kube_emulator: object
) -> None:
    async with running_operator():
        await user.submit(example("own-photos.yaml"))
        [driver] = await eventually(lambda: jobs_count(user, 1), what="the driver job")
        run_id = (await user.recorded_job("short-clip"))["runId"]

        # The API server fills a new default into the stored object: the spec differs,
        # its generation does not.
        stored = kube_emulator.objects[  # type: ignore[attr-defined]
            "whoisonscreen.io/v1alpha1/filmanalyses", "films", "short-clip"
        ]
        stored.patch({"spec": {"gpu": {"enabled": False, "count": 1}}})
        await asyncio.sleep(0.6)
    assert (await status_of(user, "short-clip"))["runId"] == run_id
    assert await user.job_names() == [driver]


async def test_a_label_change_starts_no_new_run(
    user: UserView, running_operator: OperatorRunner, api_client: object
) -> None:
    import kubernetes.client

    async with running_operator():
        await user.submit(example("own-photos.yaml"))
        [driver] = await eventually(lambda: jobs_count(user, 1), what="the driver job")
        run_id = (await user.recorded_job("short-clip"))["runId"]
        custom = kubernetes.client.CustomObjectsApi(api_client)
        await asyncio.to_thread(
            custom.patch_namespaced_custom_object,
            "whoisonscreen.io", "v1alpha1", "films", "filmanalyses", "short-clip",
            {"metadata": {"labels": {"team": "research"}}},
        )
        await asyncio.sleep(0.6)
    assert (await status_of(user, "short-clip"))["runId"] == run_id
    assert await user.job_names() == [driver]
