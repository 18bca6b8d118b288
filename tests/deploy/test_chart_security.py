"""Every pod the chart runs is locked down: non-root, read-only, no privileges, no token."""

from __future__ import annotations

import deploy_helpers
import pytest


def _workloads(objects: list[deploy_helpers.Manifest]) -> list[deploy_helpers.Manifest]:
    return deploy_helpers.find(objects, "Deployment") + deploy_helpers.find(objects, "StatefulSet")


def test_every_pod_runs_as_a_fixed_non_root_user_with_the_runtime_seccomp_profile(
    rendered: list[deploy_helpers.Manifest],
) -> None:
    for workload in _workloads(rendered):
        pod = deploy_helpers.pod_spec(workload)["securityContext"]
        assert pod["runAsNonRoot"] is True
        assert pod["runAsUser"] > 0
        assert pod["seccompProfile"] == {"type": "RuntimeDefault"}


def test_every_container_drops_all_capabilities_and_cannot_escalate(
    rendered: list[deploy_helpers.Manifest],
) -> None:
    for workload in _workloads(rendered):
        for container in deploy_helpers.pod_spec(workload)["containers"]:
            context = container["securityContext"]
            assert context["runAsNonRoot"] is True
            assert context["runAsUser"] > 0
            assert context["allowPrivilegeEscalation"] is False
            assert context["privileged"] is False
            assert context["capabilities"] == {"drop": ["ALL"]}
            assert context["seccompProfile"] == {"type": "RuntimeDefault"}


@pytest.mark.parametrize(
    ("workload_name", "writable_paths"),
    [
        ("wos-operator", {"/tmp"}),
        ("wos-mysql", {"/var/lib/mysql", "/var/run/mysqld", "/tmp", "/var/lib/mysql-files"}),
    ],
)
def test_root_filesystems_are_read_only_with_only_the_needed_folders_writable(
    render: deploy_helpers.Render, workload_name: str, writable_paths: set[str]
) -> None:
    objects = render({})
    workload = next(
        item for item in _workloads(objects) if item["metadata"]["name"] == workload_name
    )

    (container,) = deploy_helpers.pod_spec(workload)["containers"]

    assert container["securityContext"]["readOnlyRootFilesystem"] is True
    assert {mount["mountPath"] for mount in container["volumeMounts"]} == writable_paths


def test_the_operator_runs_as_uid_10001_the_user_its_image_creates(
    render: deploy_helpers.Render,
) -> None:
    dockerfile = (deploy_helpers.REPOSITORY / "images" / "operator" / "Dockerfile").read_text()
    deployment = deploy_helpers.only(render({}), "Deployment", "wos-operator")

    assert deploy_helpers.pod_spec(deployment)["securityContext"]["runAsUser"] == 10001
    assert "USER 10001:10001" in dockerfile


def test_mysql_gets_no_service_account_token_and_the_operator_does(
    render: deploy_helpers.Render,
) -> None:
    objects = render({})
    mysql = deploy_helpers.only(objects, "StatefulSet", "wos-mysql")
    operator = deploy_helpers.only(objects, "Deployment", "wos-operator")

    assert deploy_helpers.pod_spec(mysql)["automountServiceAccountToken"] is False
    # The operator talks to the Kubernetes API, so it needs its token.
    assert deploy_helpers.pod_spec(operator)["serviceAccountName"] == "wos-operator"
    assert deploy_helpers.pod_spec(operator)["automountServiceAccountToken"] is True


def test_the_operator_is_restarted_when_kopfs_health_endpoint_stops_answering(
    render: deploy_helpers.Render,
) -> None:
    deployment = deploy_helpers.only(render({}), "Deployment", "wos-operator")
    (container,) = deploy_helpers.pod_spec(deployment)["containers"]

    probe = container["livenessProbe"]
    assert probe["httpGet"] == {"path": "/healthz", "port": "health"}
    assert {"name": "health", "containerPort": 8080, "protocol": "TCP"} in container["ports"]
    environment = deploy_helpers.operator_env(render({}))
    assert environment["WOS_HEALTH_PORT"]["value"] == "8080"
    # The operator serves Kopf's liveness endpoint on that port and path.
    main = (deploy_helpers.REPOSITORY / "operator" / "wos_operator" / "main.py").read_text()
    assert 'liveness_endpoint=f"http://0.0.0.0:{config.health_port}/healthz"' in main
