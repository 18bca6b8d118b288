"""The parts every child of a FilmAnalysis shares: metadata, owner, Secret ref, Job shell."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from wos_operator import naming, resource, settings, specs

# Containers cannot gain privileges or keep Linux capabilities they do not need; neither
# ffmpeg, Spark nor a headless browser needs any.
CONTAINER_SECURITY = {
    "allowPrivilegeEscalation": False,
    "capabilities": {"drop": ["ALL"]},
    "seccompProfile": {"type": "RuntimeDefault"},
}

# The jobs end their output with an `error: ...` line on failure; the kubelet keeps the
# end of the log as the termination message, where the operator reads why a try failed.
TERMINATION_MESSAGE_POLICY = "FallbackToLogsOnError"

# The user the three images create (uid and gid 10001). fsGroup makes the galleries and
# films claims writable by that user whatever the volume's own ownership.
IMAGE_USER = 10001
POD_SECURITY = {
    "runAsNonRoot": True,
    "runAsUser": IMAGE_USER,
    "runAsGroup": IMAGE_USER,
    "fsGroup": IMAGE_USER,
    "seccompProfile": {"type": "RuntimeDefault"},
}


def owner_reference(film_analysis: Mapping[str, Any]) -> dict[str, Any]:
    """Points the child at its FilmAnalysis: deleting the analysis deletes the child."""
    metadata = film_analysis["metadata"]
    return {
        "apiVersion": resource.API_VERSION,
        "kind": resource.KIND,
        "name": metadata["name"],
        "uid": metadata["uid"],
        "controller": True,
        "blockOwnerDeletion": True,
    }


def metadata(
    film_analysis: Mapping[str, Any], *, name: str, run_id: str, component: str
) -> dict[str, Any]:
    """Name, namespace, labels and owner of one child object."""
    return {
        "name": name,
        "namespace": film_analysis["metadata"]["namespace"],
        "labels": naming.labels(film_analysis["metadata"]["name"], run_id, component),
        "ownerReferences": [owner_reference(film_analysis)],
    }


def database_env(spec: specs.AnalysisSpec, config: settings.OperatorSettings) -> dict[str, Any]:
    """``WOS_DATABASE_URL`` taken from the Secret, so the URL never shows in the Job."""
    return {
        "name": "WOS_DATABASE_URL",
        "valueFrom": {
            "secretKeyRef": {
                "name": spec.database_secret or config.database_secret,
                "key": spec.database_key or config.database_secret_key,
            }
        },
    }


def claim_volume(name: str, claim_name: str, *, read_only: bool) -> dict[str, Any]:
    return {
        "name": name,
        "persistentVolumeClaim": {"claimName": claim_name, "readOnly": read_only},
    }


def job(
    film_analysis: Mapping[str, Any],
    *,
    name: str,
    run_id: str,
    component: str,
    pod_spec: Mapping[str, Any],
    deadline_seconds: int,
) -> dict[str, Any]:
    """A Job that runs its pod once: retries are the operator's, with backoff and Events."""
    job_metadata = metadata(film_analysis, name=name, run_id=run_id, component=component)
    return {
        "apiVersion": "batch/v1",
        "kind": "Job",
        "metadata": job_metadata,
        "spec": {
            "backoffLimit": 0,
            "activeDeadlineSeconds": deadline_seconds,
            "template": {
                "metadata": {"labels": dict(job_metadata["labels"])},
                "spec": {
                    "restartPolicy": "Never",
                    "securityContext": POD_SECURITY,
                    **pod_spec,
                },
            },
        },
    }
