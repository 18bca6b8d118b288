"""skaffold.yaml builds the three images and deploys the chart with their tags."""

from __future__ import annotations

import copy
import re
from typing import Any

import deploy_helpers
import helm_python
import jsonpatch
import pytest
import yaml

SKAFFOLD = yaml.safe_load((deploy_helpers.REPOSITORY / "skaffold.yaml").read_text())
DOCKERIGNORE = deploy_helpers.REPOSITORY / ".dockerignore"


def _release(config: dict[str, Any]) -> dict[str, Any]:
    (release,) = config["deploy"]["helm"]["releases"]
    return release


def _profile(name: str) -> dict[str, Any]:
    """skaffold.yaml as `skaffold run -p NAME` sees it: the profile's JSON patches applied."""
    (profile,) = [item for item in SKAFFOLD["profiles"] if item["name"] == name]
    return jsonpatch.apply_patch(copy.deepcopy(SKAFFOLD), profile["patches"])


def _values_for(config: dict[str, Any], tags: dict[str, tuple[str, str]]) -> dict[str, Any]:
    """The chart values skaffold passes: value files, then templates filled with built tags."""
    release = _release(config)
    values: dict[str, Any] = {}
    for path in release.get("valuesFiles", []):
        values = _merged(values, yaml.safe_load((deploy_helpers.REPOSITORY / path).read_text()))
    for key, template in release["setValueTemplates"].items():

        def fill(match: re.Match[str]) -> str:
            kind, artifact = match.group(1), match.group(2)
            repository, tag = tags[artifact]
            return repository if kind == "REPO" else tag

        text = re.sub(r"\{\{\.IMAGE_(REPO|TAG)_(\w+)\}\}", fill, template)
        values = _merged(values, _nested(key.split("."), text))
    return values


def _nested(path: list[str], value: Any) -> dict[str, Any]:
    return {path[0]: value if len(path) == 1 else _nested(path[1:], value)}


def _merged(base: dict[str, Any], update: dict[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in update.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merged(merged[key], value)
        else:
            merged[key] = value
    return merged


def test_skaffold_builds_the_three_images_from_their_dockerfiles() -> None:
    artifacts = {item["image"]: item for item in SKAFFOLD["build"]["artifacts"]}

    assert set(artifacts) == {"wos-operator", "wos-analyzer", "wos-scraper"}
    for image, artifact in artifacts.items():
        context = deploy_helpers.REPOSITORY / artifact["context"]
        dockerfile = context / artifact["docker"]["dockerfile"]
        assert context.is_dir() and dockerfile.is_file(), f"{image}: {dockerfile} is missing"
        assert dockerfile.parent.name == image.removeprefix("wos-")
    assert DOCKERIGNORE.is_file()


def test_skaffold_deploys_the_chart_through_helm() -> None:
    release = _release(SKAFFOLD)

    chart_path = deploy_helpers.REPOSITORY / release["chartPath"]
    assert chart_path == deploy_helpers.CHART_DIR
    assert (chart_path / "Chart.yaml").is_file()
    assert SKAFFOLD["apiVersion"].startswith("skaffold/v4")


def test_every_value_template_names_a_built_artifact_and_a_chart_value() -> None:
    artifacts = {item["image"].replace("-", "_") for item in SKAFFOLD["build"]["artifacts"]}
    chart_values = yaml.safe_load((deploy_helpers.CHART_DIR / "values.yaml").read_text())

    templates = _release(SKAFFOLD)["setValueTemplates"]

    assert len(templates) == 6
    for key, template in templates.items():
        (artifact,) = re.findall(r"\{\{\.IMAGE_(?:REPO|TAG)_(\w+)\}\}", template)
        assert artifact in artifacts, f"{key}: no artifact {artifact}"
        node: Any = chart_values
        for part in key.split("."):
            assert isinstance(node, dict) and part in node, f"{key} is not a chart value"
            node = node[part]


@pytest.mark.parametrize("profile", ["gpu", "cpu"])
def test_each_profile_installs_the_chart_with_the_built_images(
    chart: helm_python.Chart, render: deploy_helpers.Render, profile: str
) -> None:
    tags = {
        "wos_operator": ("registry.local/wos-operator", "3f1c"),
        "wos_analyzer": ("registry.local/wos-analyzer", "9a0e"),
        "wos_scraper": ("registry.local/wos-scraper", "77b2"),
    }
    values = _values_for(_profile(profile), tags)

    chart.validate_schema(values)
    objects = render(values)

    deployment = deploy_helpers.only(objects, "Deployment", "wos-operator")
    assert deploy_helpers.pod_spec(deployment)["containers"][0]["image"] == (
        "registry.local/wos-operator:3f1c"
    )
    environment = deploy_helpers.operator_env(objects)
    assert environment["WOS_ANALYZER_IMAGE"]["value"] == "registry.local/wos-analyzer:9a0e"
    assert environment["WOS_SCRAPER_IMAGE"]["value"] == "registry.local/wos-scraper:77b2"


def test_the_gpu_profile_sends_executors_to_gpu_nodes_and_the_cpu_profile_does_not(
    chart: helm_python.Chart,
) -> None:
    tags = {name: ("r", "t") for name in ("wos_operator", "wos_analyzer", "wos_scraper")}

    gpu = _values_for(_profile("gpu"), tags)
    cpu = _values_for(_profile("cpu"), tags)

    assert gpu["gpu"]["enabled"] is True
    assert gpu["gpu"]["nodeSelector"] == {"nvidia.com/gpu.present": "true"}
    assert cpu["gpu"]["enabled"] is False
    notes = chart.render(cpu, name="wos", namespace="wos")["who-is-on-screen/templates/NOTES.txt"]
    assert "name: sface" in notes and "gpu:" not in notes
