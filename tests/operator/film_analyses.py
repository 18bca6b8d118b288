"""What the operator tests share: the examples, fast settings, and a user's view of the cluster."""

from __future__ import annotations

import asyncio
import dataclasses
import json
import pathlib
import time
from collections.abc import Callable, Mapping
from typing import Any

import kubernetes.client
import yaml
from kube.fixtures import eventually

from wos_operator import resource, settings

REPOSITORY = pathlib.Path(__file__).resolve().parents[2]
EXAMPLES = REPOSITORY / "examples"
NAMESPACE = "films"

# Fast enough for a test to see several steps per second, slow enough to spare two cores.
FAST = settings.OperatorSettings(
    poll_seconds=0.2,
    retry_backoff_seconds=0.3,
    retry_backoff_max_seconds=1.0,
    gpu_node_selector={"nvidia.com/gpu.present": "true"},
    gpu_tolerations=({"key": "nvidia.com/gpu", "operator": "Exists", "effect": "NoSchedule"},),
)


def example(name: str) -> dict[str, Any]:
    """One of the example FilmAnalyses users start from, in the test namespace."""
    document = yaml.safe_load((EXAMPLES / name).read_text())
    document["metadata"]["namespace"] = NAMESPACE
    return document


@dataclasses.dataclass
class UserView:
    """What a user sees and does with kubectl, through the official client."""

    client: kubernetes.client.ApiClient

    async def _call(self, method: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        # The client blocks; the emulator and the operator share this test's event loop.
        response = await asyncio.to_thread(method, *args, _preload_content=False, **kwargs)
        return json.loads(response.data)

    @property
    def _custom(self) -> kubernetes.client.CustomObjectsApi:
        return kubernetes.client.CustomObjectsApi(self.client)

    @property
    def _batch(self) -> kubernetes.client.BatchV1Api:
        return kubernetes.client.BatchV1Api(self.client)

    @property
    def _core(self) -> kubernetes.client.CoreV1Api:
        return kubernetes.client.CoreV1Api(self.client)

    async def submit(self, film_analysis: Mapping[str, Any]) -> dict[str, Any]:
        return await self._call(
            self._custom.create_namespaced_custom_object,
            resource.GROUP, resource.VERSION, NAMESPACE, resource.PLURAL, dict(film_analysis),
        )

    async def film_analysis(self, name: str) -> dict[str, Any]:
        return await self._call(
            self._custom.get_namespaced_custom_object,
            resource.GROUP, resource.VERSION, NAMESPACE, resource.PLURAL, name,
        )

    async def change_spec(self, name: str, spec: Mapping[str, Any]) -> None:
        await self._call(
            self._custom.patch_namespaced_custom_object,
            resource.GROUP, resource.VERSION, NAMESPACE, resource.PLURAL, name,
            {"spec": dict(spec)},
        )

    async def delete(self, name: str) -> None:
        await self._call(
            self._custom.delete_namespaced_custom_object,
            resource.GROUP, resource.VERSION, NAMESPACE, resource.PLURAL, name,
        )

    async def film_analyses(self) -> list[dict[str, Any]]:
        listing = await self._call(
            self._custom.list_namespaced_custom_object,
            resource.GROUP, resource.VERSION, NAMESPACE, resource.PLURAL,
        )
        return listing["items"]

    async def jobs(self) -> list[dict[str, Any]]:
        listing = await self._call(self._batch.list_namespaced_job, NAMESPACE)
        return sorted(listing["items"], key=lambda job: job["metadata"]["creationTimestamp"])

    async def job_names(self) -> list[str]:
        return [job["metadata"]["name"] for job in await self.jobs()]

    async def config_maps(self) -> list[dict[str, Any]]:
        return (await self._call(self._core.list_namespaced_config_map, NAMESPACE))["items"]

    async def services(self) -> list[dict[str, Any]]:
        return (await self._call(self._core.list_namespaced_service, NAMESPACE))["items"]

    async def events(self, name: str) -> list[tuple[str, str, str]]:
        """(type, reason, message) of the Events about the FilmAnalysis, oldest first."""
        listing = await self._call(self._core.list_namespaced_event, NAMESPACE)
        return [
            (event["type"], event["reason"], event["message"])
            for event in listing["items"]
            if event["involvedObject"].get("name") == name
            and event["involvedObject"].get("kind") == resource.KIND
        ]

    async def recorded_job(self, name: str) -> dict[str, Any]:
        """The status once it names the newest Job (the operator records a Job just after
        creating it)."""

        async def recorded() -> dict[str, Any] | None:
            names = await self.job_names()
            status = (await self.film_analysis(name)).get("status", {})
            return status if names and status.get("jobName") == names[-1] else None

        return await eventually(recorded, what=f"the newest Job recorded in {name}")

    async def settled_events(self, name: str, count: int) -> list[tuple[str, str, str]]:
        """The Events about the FilmAnalysis once there are ``count`` (Kopf posts them late)."""

        async def enough() -> list[tuple[str, str, str]] | None:
            events = await self.events(name)
            return events if len(events) >= count else None

        await eventually(enough, what=f"{count} Events about {name}")
        await asyncio.sleep(0.3)  # and no more after them
        return await self.events(name)

    async def fail_pod(self, job_name: str, *, log_end: str) -> None:
        """Play the kubelet: the Job's pod ended with exit 1, its log ending in ``log_end``."""
        pod = {
            "apiVersion": "v1",
            "kind": "Pod",
            "metadata": {"name": f"{job_name}-pod", "namespace": NAMESPACE,
                         "labels": {"job-name": job_name}},
            "spec": {"containers": [{"name": "main", "image": "wos"}]},
        }
        await self._call(self._core.create_namespaced_pod, NAMESPACE, pod)
        status = {"phase": "Failed", "containerStatuses": [{
            "name": "main", "ready": False, "restartCount": 0, "image": "wos", "imageID": "",
            "state": {"terminated": {"exitCode": 1, "reason": "Error", "message": log_end}},
        }]}
        await self._call(
            self._core.patch_namespaced_pod_status, pod["metadata"]["name"], NAMESPACE,
            {"status": status},
        )

    async def finish_job(self, name: str, *, succeeded: bool, message: str = "") -> None:
        """Play the Job controller: mark the Job's pod as done."""
        now = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
        if succeeded:
            status = {"succeeded": 1, "conditions": [
                {"type": "Complete", "status": "True", "lastTransitionTime": now}]}
        else:
            status = {"failed": 1, "conditions": [
                {"type": "Failed", "status": "True", "reason": "BackoffLimitExceeded",
                 "message": message or "Job has reached the specified backoff limit",
                 "lastTransitionTime": now}]}
        await self._call(
            self._batch.patch_namespaced_job_status, name, NAMESPACE, {"status": status}
        )
