"""The operator's settings, read once at start-up from the environment the chart sets."""

from __future__ import annotations

import dataclasses
import json
import os
import urllib.parse
from collections.abc import Mapping
from typing import Any

from wos import errors


@dataclasses.dataclass(frozen=True)
class OperatorSettings:
    """What the operator needs to know about the cluster it runs in.

    Every default is what the Helm chart installs, so an operator started by hand next to
    the chart behaves the same.
    """

    # Empty: watch every namespace, as a cluster-wide install of the chart does.
    watch_namespaces: tuple[str, ...] = ()
    # The images the chart's release builds; the version matches the chart's appVersion.
    analyzer_image: str = "ghcr.io/who-is-on-screen/analyzer:0.1.0"
    scraper_image: str = "ghcr.io/who-is-on-screen/scraper:0.1.0"
    # Unset: the scraper reads its own default site (IMDb); a mirror or proxy replaces it.
    scraper_base_url: str | None = None
    # Pinned version tags do not change, so pulling them again is wasted time.
    image_pull_policy: str = "IfNotPresent"
    # The API server as seen from inside any pod of the cluster.
    spark_master: str = "k8s://https://kubernetes.default.svc"
    # The chart creates this account with the rights to manage executor pods.
    spark_service_account: str = "wos-spark"
    # NVIDIA's device plugin advertises this resource; other vendors name theirs.
    gpu_resource_name: str = "nvidia.com/gpu"
    # No selector and no tolerations: clusters whose GPU nodes need none work as they are.
    gpu_node_selector: Mapping[str, str] = dataclasses.field(default_factory=dict)
    gpu_tolerations: tuple[Mapping[str, Any], ...] = ()
    # The Secret the chart creates beside its MySQL server.
    database_secret: str = "wos-database"
    database_secret_key: str = "database-url"
    # Unset: progress is only known per job (0 %, then 100 %) and no results are read.
    database_url: str | None = None
    # The claim the chart creates for cast folders; every gallery job writes below it.
    gallery_claim: str = "wos-galleries"
    # How often a running analysis is looked at: progress moves a segment at a time, and a
    # segment takes tens of seconds, so checking more often only loads the API server.
    poll_seconds: float = 10.0
    # First wait before a failed job is tried again; it doubles with each try, so a cluster
    # short of GPUs for a minute is not hammered.
    retry_backoff_seconds: float = 30.0
    # The longest wait between tries, however many came before.
    retry_backoff_max_seconds: float = 600.0
    # The port of the liveness endpoint (/healthz) the chart's probe calls.
    health_port: int = 8080


def from_environment(environ: Mapping[str, str] | None = None) -> OperatorSettings:
    """The settings in ``environ`` (the process environment by default), checked."""
    env = os.environ if environ is None else environ
    defaults = OperatorSettings()

    def text(name: str, default: str) -> str:
        return env.get(name, "").strip() or default

    return OperatorSettings(
        watch_namespaces=_namespaces(env.get("WOS_WATCH_NAMESPACES", "")),
        analyzer_image=text("WOS_ANALYZER_IMAGE", defaults.analyzer_image),
        scraper_image=text("WOS_SCRAPER_IMAGE", defaults.scraper_image),
        scraper_base_url=_base_url(env.get("WOS_SCRAPER_BASE_URL", "")),
        image_pull_policy=_pull_policy(text("WOS_IMAGE_PULL_POLICY", defaults.image_pull_policy)),
        spark_master=text("WOS_SPARK_MASTER", defaults.spark_master),
        spark_service_account=text("WOS_SPARK_SERVICE_ACCOUNT", defaults.spark_service_account),
        gpu_resource_name=text("WOS_GPU_RESOURCE_NAME", defaults.gpu_resource_name),
        gpu_node_selector=_node_selector(env.get("WOS_GPU_NODE_SELECTOR", "")),
        gpu_tolerations=_tolerations(env.get("WOS_GPU_TOLERATIONS", "")),
        database_secret=text("WOS_DATABASE_SECRET", defaults.database_secret),
        database_secret_key=text("WOS_DATABASE_SECRET_KEY", defaults.database_secret_key),
        database_url=env.get("WOS_DATABASE_URL", "").strip() or None,
        gallery_claim=text("WOS_GALLERY_CLAIM", defaults.gallery_claim),
        poll_seconds=_positive_number(env, "WOS_POLL_SECONDS", defaults.poll_seconds),
        retry_backoff_seconds=_positive_number(
            env, "WOS_RETRY_BACKOFF_SECONDS", defaults.retry_backoff_seconds
        ),
        retry_backoff_max_seconds=_positive_number(
            env, "WOS_RETRY_BACKOFF_MAX_SECONDS", defaults.retry_backoff_max_seconds
        ),
        health_port=int(_positive_number(env, "WOS_HEALTH_PORT", defaults.health_port)),
    )


def _namespaces(value: str) -> tuple[str, ...]:
    return tuple(name.strip() for name in value.split(",") if name.strip())


def _pull_policy(value: str) -> str:
    if value not in ("Always", "IfNotPresent", "Never"):
        raise errors.SettingsError(
            f"WOS_IMAGE_PULL_POLICY is {value!r}: give Always, IfNotPresent or Never"
        )
    return value


def _base_url(value: str) -> str | None:
    value = value.strip()
    if not value:
        return None
    parts = urllib.parse.urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise errors.SettingsError(
            f"WOS_SCRAPER_BASE_URL is {value!r}: give an http(s) URL such as "
            "https://www.imdb.com, or leave it unset for the scraper's default"
        )
    return value


def _json(name: str, value: str, default: Any) -> Any:
    if not value.strip():
        return default
    try:
        return json.loads(value)
    except json.JSONDecodeError as error:
        raise errors.SettingsError(
            f"{name} is not valid JSON ({error.msg} at character {error.pos}): {value[:60]!r}"
        ) from None


def _node_selector(value: str) -> dict[str, str]:
    selector = _json("WOS_GPU_NODE_SELECTOR", value, {})
    if not isinstance(selector, dict) or not all(
        isinstance(key, str) and isinstance(label, str) for key, label in selector.items()
    ):
        raise errors.SettingsError(
            f"WOS_GPU_NODE_SELECTOR is {value!r}: give a JSON object of label names to "
            'label values, e.g. {"nvidia.com/gpu.present": "true"}'
        )
    return selector


def _tolerations(value: str) -> tuple[dict[str, Any], ...]:
    tolerations = _json("WOS_GPU_TOLERATIONS", value, [])
    if not isinstance(tolerations, list) or not all(isinstance(t, dict) for t in tolerations):
        raise errors.SettingsError(
            f"WOS_GPU_TOLERATIONS is {value!r}: give a JSON list of tolerations, e.g. "
            '[{"key": "nvidia.com/gpu", "operator": "Exists", "effect": "NoSchedule"}]'
        )
    return tuple(tolerations)


def _positive_number(env: Mapping[str, str], name: str, default: float) -> float:
    value = env.get(name, "").strip()
    if not value:
        return default
    try:
        seconds = float(value)
    except ValueError:
        seconds = -1.0
    if seconds <= 0:
        raise errors.SettingsError(f"{name} is {value!r}: give a positive number")
    return seconds
