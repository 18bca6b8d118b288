"""The Kubernetes API calls the operator makes, through the official client.

Every write is safe to repeat: creating a child that exists already is a no-op, deleting
one that is gone is a no-op. A restarted operator can therefore redo any step it may or
may not have finished before it stopped.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Mapping
from typing import Any, cast

import kubernetes.client
from kubernetes.client.exceptions import ApiException

from wos_operator import naming, resource

logger = logging.getLogger(__name__)

_NOT_FOUND = 404
_CONFLICT = 409
# The label the Job controller puts on the pods it creates.
_JOB_NAME_LABEL = "job-name"
# A status message stays readable in `kubectl get` and `describe`.
_MAX_CAUSE_CHARACTERS = 300


class Cluster:
    """The FilmAnalyses, and the Jobs, ConfigMaps and Services made for them."""

    def __init__(self, api_client: kubernetes.client.ApiClient) -> None:
        self._core = kubernetes.client.CoreV1Api(api_client)
        self._batch = kubernetes.client.BatchV1Api(api_client)
        self._custom = kubernetes.client.CustomObjectsApi(api_client)

    def read_film_analysis(self, namespace: str, name: str) -> dict[str, Any] | None:
        """The FilmAnalysis as stored now, or None once it is gone."""
        return _absent_as_none(
            lambda: self._custom.get_namespaced_custom_object(
                resource.GROUP, resource.VERSION, namespace, resource.PLURAL, name,
                _preload_content=False,
            )
        )

    def patch_status(self, namespace: str, name: str, status: Mapping[str, Any]) -> None:
        """Merge ``status`` into the FilmAnalysis's status; None values remove fields."""
        self._custom.patch_namespaced_custom_object_status(
            resource.GROUP, resource.VERSION, namespace, resource.PLURAL, name,
            {"status": dict(status)},
        )

    def read_job(self, namespace: str, name: str) -> dict[str, Any] | None:
        return _absent_as_none(
            lambda: self._batch.read_namespaced_job(name, namespace, _preload_content=False)
        )

    def failure_cause(self, namespace: str, job_name: str) -> str | None:
        """Why the Job's pod failed, in the program's own words, when its pod says so.

        The jobs' containers end their logs with one ``error: ...`` line, and their
        termination message falls back to the end of the logs, so that line is the cause.
        """
        response = self._core.list_namespaced_pod(
            namespace, label_selector=f"{_JOB_NAME_LABEL}={job_name}", _preload_content=False
        )
        messages = [
            terminated["message"]
            for pod in json.loads(response.data)["items"]
            # A server that ignores selectors must not lend us another Job's reason.
            if (pod["metadata"].get("labels") or {}).get(_JOB_NAME_LABEL) == job_name
            for container in (pod.get("status") or {}).get("containerStatuses") or ()
            if (terminated := (container.get("state") or {}).get("terminated"))
            and terminated.get("message")
        ]
        return _error_line(messages[-1]) if messages else None

    def ensure(self, child: Mapping[str, Any]) -> bool:
        """Create ``child`` unless one of that name exists; True if it was created now."""
        namespace = child["metadata"]["namespace"]
        creators: dict[str, Callable[..., Any]] = {
            "Job": self._batch.create_namespaced_job,
            "ConfigMap": self._core.create_namespaced_config_map,
            "Service": self._core.create_namespaced_service,
        }
        create = creators[child["kind"]]
        try:
            create(namespace, dict(child), _preload_content=False)
        except ApiException as error:
            if error.status != _CONFLICT:
                raise
            logger.debug("%s %s exists already", child["kind"], child["metadata"]["name"])
            return False
        logger.debug("Created %s %s", child["kind"], child["metadata"]["name"])
        return True

    def delete_children(self, namespace: str, name: str) -> list[str]:
        """Delete every child of the FilmAnalysis; the names of those deleted.

        Jobs go with their pods (background propagation), and the executors go with the
        driver pod that owns them.
        """
        selector = f"{naming.FILM_ANALYSIS_LABEL}={naming.label_value(name)}"
        kinds: tuple[tuple[str, Callable[..., Any], Callable[..., Any]], ...] = (
            ("Job", self._batch.list_namespaced_job, self._batch.delete_namespaced_job),
            ("Service", self._core.list_namespaced_service,
             self._core.delete_namespaced_service),
            ("ConfigMap", self._core.list_namespaced_config_map,
             self._core.delete_namespaced_config_map),
        )
        deleted: list[str] = []
        for kind, list_children, delete_child in kinds:
            response = list_children(namespace, label_selector=selector, _preload_content=False)
            for child in json.loads(response.data)["items"]:
                if not _is_child_of(child, name):
                    continue  # a server that ignores selectors must not cost us others' objects
                child_name = child["metadata"]["name"]
                _absent_as_none(
                    lambda: delete_child(
                        child_name, namespace, propagation_policy="Background",
                        _preload_content=False,
                    )
                )
                deleted.append(f"{kind} {child_name}")
        return deleted


def _error_line(termination_message: str) -> str:
    """The last ``error: ...`` line of a termination message, else its last line."""
    lines = [line.strip() for line in termination_message.splitlines() if line.strip()]
    errors = [line.removeprefix("error: ") for line in lines if line.startswith("error: ")]
    cause = (errors or lines or [""])[-1]
    return cause[:_MAX_CAUSE_CHARACTERS]


def _is_child_of(child: Mapping[str, Any], name: str) -> bool:
    labels = child.get("metadata", {}).get("labels") or {}
    return labels.get(naming.FILM_ANALYSIS_LABEL) == naming.label_value(name)


def _absent_as_none(call: Callable[[], Any]) -> dict[str, Any] | None:
    """The object the call returns, or None when the API answers 404."""
    try:
        response = call()
    except ApiException as error:
        if error.status == _NOT_FOUND:
            return None
        raise
    return cast(dict[str, Any], json.loads(response.data))
