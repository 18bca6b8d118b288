"""Fixtures for the deployment tests: the chart rendered by the real Helm library."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import deploy_helpers
import helm_python
import pytest
import yaml

RenderFiles = Callable[..., dict[str, str]]


@pytest.fixture(scope="session")
def chart() -> Iterator[helm_python.Chart]:
    loaded = helm_python.Chart.load(deploy_helpers.CHART_DIR)
    yield loaded
    loaded.close()


@pytest.fixture(scope="session")
def render_files(chart: helm_python.Chart) -> RenderFiles:
    """Renders the chart as `helm install` would; returns template path -> text."""

    def render(
        values: dict[str, Any] | None = None, *, name: str = deploy_helpers.RELEASE
    ) -> dict[str, str]:
        return chart.render(
            values or {}, name=name, namespace=deploy_helpers.NAMESPACE, is_install=True
        )

    return render


@pytest.fixture(scope="session")
def render(render_files: RenderFiles) -> deploy_helpers.Render:
    """Renders the chart and parses every Kubernetes object out of the templates."""

    def render_objects(
        values: dict[str, Any] | None = None, **options: Any
    ) -> list[deploy_helpers.Manifest]:
        objects = []
        for path, text in render_files(values, **options).items():
            if not path.endswith("NOTES.txt"):
                objects.extend(document for document in yaml.safe_load_all(text) if document)
        return objects

    return render_objects


@pytest.fixture(scope="session", params=sorted(deploy_helpers.SCENARIOS))
def scenario(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture(scope="session")
def rendered(render: deploy_helpers.Render, scenario: str) -> list[deploy_helpers.Manifest]:
    """The objects of one scenario of `deploy_helpers.SCENARIOS`."""
    return render(deploy_helpers.SCENARIOS[scenario])
