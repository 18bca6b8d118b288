"""The Helm chart as `helm install` puts it on the emulated cluster.

The chart is rendered by the real Helm library with the values a user with an external
MySQL server gives; the rendered objects are what `kubectl apply` then sends to the API.
"""

from __future__ import annotations

import dataclasses
import pathlib
from collections.abc import Mapping
from typing import Any

import deploy_helpers
import helm_python
import yaml

RELEASE = deploy_helpers.RELEASE
NAMESPACE = deploy_helpers.NAMESPACE
# The Secret the user creates for an external database, as the chart's README tells.
DATABASE_SECRET = "wos-results-db"
DATABASE_KEY = "database-url"


@dataclasses.dataclass(frozen=True)
class Release:
    """One rendering of the chart: its objects, its CRDs and the notes `helm install` prints."""

    objects: list[dict[str, Any]]
    crds: list[dict[str, Any]]
    notes: str

    def only(self, kind: str, name: str | None = None) -> dict[str, Any]:
        return deploy_helpers.only(self.objects, kind, name)

    @property
    def operator_deployment(self) -> dict[str, Any]:
        return self.only("Deployment", f"{RELEASE}-operator")

    def images(self) -> dict[str, str]:
        """The jobs' images the operator is told to use, by variable name."""
        env = deploy_helpers.operator_env(self.objects)
        return {name: env[name]["value"] for name in ("WOS_ANALYZER_IMAGE", "WOS_SCRAPER_IMAGE")}

    def write(self, path: pathlib.Path) -> pathlib.Path:
        """The objects as one YAML stream, the file `kubectl apply -f` takes."""
        path.write_text(yaml.safe_dump_all(self.objects, sort_keys=False))
        return path


def install_values(
    *,
    health_port: int,
    scraper_base_url: str,
    watch_scope: str = "cluster",
    poll_seconds: float = 1.0,
) -> dict[str, Any]:
    """Values of an install on a CPU cluster whose results go to an existing MySQL server.

    ``scraper_base_url`` is the chart's ``scraper.baseUrl``: the site the gallery jobs
    scrape in place of IMDb (here the local stand-in), which the operator passes them.

    ``watch_scope`` is the chart's ``watch.scope``: ``cluster`` (every namespace, the
    default) or ``namespaced`` (only the release namespace, with a Role instead of a
    ClusterRole). The operator looks at a running analysis every second, and retries after
    a second, instead of every 10 and 30 s: the clip is analysed in seconds, not hours.
    """
    return {
        "watch": {"scope": watch_scope},
        "mysql": {"enabled": False},
        "database": {"existingSecret": DATABASE_SECRET, "secretKey": DATABASE_KEY},
        "gpu": {"enabled": False},
        "scraper": {"baseUrl": scraper_base_url},
        "operator": {
            "healthPort": health_port,
            "pollSeconds": poll_seconds,
            "retryBackoffSeconds": 1,
            "retryBackoffMaxSeconds": 2,
        },
    }


def render(values: Mapping[str, Any]) -> Release:
    """The chart rendered as `helm install wos --namespace films` renders it."""
    chart = helm_python.Chart.load(deploy_helpers.CHART_DIR)
    try:
        files = chart.render(dict(values), name=RELEASE, namespace=NAMESPACE, is_install=True)
        crds = [yaml.safe_load(crd["data"]) for crd in chart.crds]
    finally:
        chart.close()
    objects: list[dict[str, Any]] = []
    notes = ""
    for path, text in sorted(files.items()):
        if path.endswith("NOTES.txt"):
            notes = text
        else:
            objects.extend(document for document in yaml.safe_load_all(text) if document)
    return Release(objects=objects, crds=crds, notes=notes)
