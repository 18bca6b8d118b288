"""The gallery phase's Job: the scraper builds the cast folder the analysis matches against."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from wos_operator import manifests, naming, settings, specs

GALLERIES_MOUNT = "/galleries"
COMPONENT = "gallery"


def gallery_dir(namespace: str, name: str, run_id: str) -> str:
    """Where the run's cast folder lives on the gallery claim, as the jobs see it."""
    return f"{GALLERIES_MOUNT}/{namespace}/{name}/{run_id}"


def job_name(name: str, run_id: str, attempt: int) -> str:
    return naming.child_name(name, run_id, COMPONENT, attempt)


def gallery_job(
    film_analysis: Mapping[str, Any],
    spec: specs.AnalysisSpec,
    config: settings.OperatorSettings,
    *,
    run_id: str,
    attempt: int,
) -> dict[str, Any]:
    """The Job running ``wos gallery build`` for one try of the gallery phase."""
    namespace = film_analysis["metadata"]["namespace"]
    name = film_analysis["metadata"]["name"]
    command = [
        "wos", "gallery", "build",
        "--cast-spec", json.dumps(dict(spec.cast), sort_keys=True),
        "--gallery-dir", gallery_dir(namespace, name, run_id),
        # Photos are checked with the engine the analysis will match with.
        "--engine", spec.engine,
        # Kubernetes puts the Secret's value here when the container starts.
        "--db", "$(WOS_DATABASE_URL)",
    ]
    if config.scraper_base_url:
        # A mirror or proxy of the cast site; without it the scraper reads IMDb itself.
        command += ["--base-url", config.scraper_base_url]
    container = {
        "name": "gallery",
        "image": config.scraper_image,
        "imagePullPolicy": config.image_pull_policy,
        "command": command,
        "env": [manifests.database_env(spec, config)],
        "volumeMounts": [{"name": "galleries", "mountPath": GALLERIES_MOUNT}],
        # Headless Chromium needs about a gigabyte for image-heavy pages.
        "resources": {
            "requests": {"cpu": "500m", "memory": "1Gi"},
            "limits": {"memory": "2Gi"},
        },
        "securityContext": manifests.CONTAINER_SECURITY,
        "terminationMessagePolicy": manifests.TERMINATION_MESSAGE_POLICY,
    }
    pod_spec = {
        "containers": [container],
        "volumes": [
            manifests.claim_volume("galleries", config.gallery_claim, read_only=False)
        ],
    }
    return manifests.job(
        film_analysis,
        name=job_name(name, run_id, attempt),
        run_id=run_id,
        component=COMPONENT,
        pod_spec=pod_spec,
        deadline_seconds=spec.deadline_seconds,
    )
