"""Paths, value sets and small lookups shared by the deployment tests."""

from __future__ import annotations

import pathlib
import re
from collections.abc import Callable
from typing import Any

import yaml

REPOSITORY = pathlib.Path(__file__).resolve().parents[2]
CHART_DIR = REPOSITORY / "charts" / "who-is-on-screen"
RELEASE = "wos"
NAMESPACE = "films"

# The value sets a user installs with: the defaults, a GPU cluster, a CPU-only cluster, an
# external MySQL, and an operator limited to two namespaces. Each is rendered and checked.
SCENARIOS: dict[str, dict[str, Any]] = {
    "default": {},
    "gpu": yaml.safe_load((CHART_DIR / "ci" / "gpu-values.yaml").read_text()),
    "cpu": yaml.safe_load((CHART_DIR / "ci" / "cpu-values.yaml").read_text()),
    "external-mysql": {
        "mysql": {"enabled": False},
        "database": {"existingSecret": "films-db", "secretKey": "url"},
    },
    "namespaced": {"watch": {"scope": "namespaced", "namespaces": ["films", "archive"]}},
}

Manifest = dict[str, Any]
# render(values, name=release) -> the chart's objects, as the `render` fixture gives them.
Render = Callable[..., list[Manifest]]


def find(objects: list[Manifest], kind: str, name: str | None = None) -> list[Manifest]:
    """The objects of one kind (and name, when given)."""
    return [
        item
        for item in objects
        if item["kind"] == kind and (name is None or item["metadata"]["name"] == name)
    ]


def only(objects: list[Manifest], kind: str, name: str | None = None) -> Manifest:
    """The one object of a kind (and name); fails when there are none or several."""
    matches = find(objects, kind, name)
    assert len(matches) == 1, f"expected one {kind} {name or ''}, found {len(matches)}"
    return matches[0]


def pod_spec(workload: Manifest) -> dict[str, Any]:
    return workload["spec"]["template"]["spec"]


def operator_env(objects: list[Manifest]) -> dict[str, dict[str, Any]]:
    """The operator container's environment, by variable name."""
    deployment = only(objects, "Deployment", f"{RELEASE}-operator")
    (container,) = pod_spec(deployment)["containers"]
    return {variable["name"]: variable for variable in container["env"]}


def operator_settings_variables() -> set[str]:
    """The variables wos_operator's settings read, taken from its source."""
    source = (REPOSITORY / "operator" / "wos_operator" / "settings.py").read_text()
    return set(re.findall(r'"(WOS_[A-Z0-9_]+)"', source))
