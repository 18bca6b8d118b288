"""The chart renders, lints clean and yields objects two Kubernetes versions accept."""

from __future__ import annotations

import deploy_helpers
import helm_python
import kubernetes_validate
import pytest
import yaml

# The oldest Kubernetes the chart supports (Chart.yaml's kubeVersion) and the newest schema.
KUBERNETES_VERSIONS = ("1.25", "1.37")
WARNING = 2


@pytest.mark.parametrize("scenario_name", sorted(deploy_helpers.SCENARIOS))
def test_the_chart_lints_without_warnings_or_errors(scenario_name: str) -> None:
    report = helm_python.lint(
        deploy_helpers.CHART_DIR,
        deploy_helpers.SCENARIOS[scenario_name],
        strict=True,
        namespace=deploy_helpers.NAMESPACE,
    )

    problems = [message for message in report["messages"] if message["severity"] >= WARNING]
    assert problems == []
    assert report["errors"] == []


@pytest.mark.parametrize("version", KUBERNETES_VERSIONS)
def test_every_rendered_object_is_valid_for_kubernetes(
    rendered: list[deploy_helpers.Manifest], version: str
) -> None:
    assert rendered, "the chart rendered no objects"
    for manifest in rendered:
        kubernetes_validate.validate(manifest, version, strict=True)


@pytest.mark.parametrize("version", KUBERNETES_VERSIONS)
def test_the_chart_ships_a_valid_filmanalysis_crd(chart: helm_python.Chart, version: str) -> None:
    (crd_file,) = chart.crds
    crd = yaml.safe_load(crd_file["data"])

    kubernetes_validate.validate(crd, version, strict=True)
    assert crd["metadata"]["name"] == "filmanalyses.whoisonscreen.io"
    assert crd["spec"]["names"]["shortNames"] == ["fa"]


def test_every_object_carries_the_standard_labels(rendered: list[deploy_helpers.Manifest]) -> None:
    for manifest in rendered:
        labels = manifest["metadata"]["labels"]
        assert labels["app.kubernetes.io/name"] == "who-is-on-screen"
        assert labels["app.kubernetes.io/instance"] == deploy_helpers.RELEASE
        assert labels["app.kubernetes.io/managed-by"] == "Helm"
        assert labels["app.kubernetes.io/part-of"] == "who-is-on-screen"
        assert labels["app.kubernetes.io/component"]
        assert labels["helm.sh/chart"] == "who-is-on-screen-0.1.0"


def test_selectors_hold_only_the_labels_that_never_change(
    rendered: list[deploy_helpers.Manifest],
) -> None:
    workloads = deploy_helpers.find(rendered, "Deployment") + deploy_helpers.find(
        rendered, "StatefulSet"
    )
    for workload in workloads:
        selector = workload["spec"]["selector"]["matchLabels"]
        assert set(selector) == {
            "app.kubernetes.io/name",
            "app.kubernetes.io/instance",
            "app.kubernetes.io/component",
        }
        pod_labels = workload["spec"]["template"]["metadata"]["labels"]
        assert selector.items() <= pod_labels.items()


def test_names_and_labels_stay_within_63_characters_for_the_longest_release_name(
    render: deploy_helpers.Render,
) -> None:
    longest = "a-release-name-that-is-as-long-as-helm-allows-it-1234"
    assert len(longest) == 53  # Helm refuses longer release names.

    objects = render({}, name=longest)

    for manifest in objects:
        assert len(manifest["metadata"]["name"]) <= 63, manifest["metadata"]["name"]
        for value in manifest["metadata"]["labels"].values():
            assert len(value) <= 63
    identities = [
        (item["kind"], item["metadata"].get("namespace"), item["metadata"]["name"])
        for item in objects
    ]
    assert len(identities) == len(set(identities)), "two objects got the same name"
    deployment = deploy_helpers.only(objects, "Deployment")
    assert deployment["metadata"]["name"] == f"{longest[:50]}-operator"


def test_a_release_named_wos_gets_the_names_the_operator_expects_by_default(
    render: deploy_helpers.Render,
) -> None:
    objects = render({})

    assert deploy_helpers.find(objects, "ServiceAccount", "wos-spark")
    assert deploy_helpers.find(objects, "Secret", "wos-database")
    assert deploy_helpers.find(objects, "PersistentVolumeClaim", "wos-galleries")
    assert deploy_helpers.find(objects, "Service", "wos-mysql")
