"""The operator and the Spark driver get exactly the rights they use, and no wildcard."""

from __future__ import annotations

import re

import deploy_helpers
import pytest

# (API group, resource) -> verbs: the calls wos_operator.cluster and Kopf make in a
# namespace with films (see the comments in templates/operator/_helpers.tpl).
OPERATOR_NAMESPACED_RULES = {
    ("whoisonscreen.io", "filmanalyses"): {"get", "list", "watch", "patch"},
    ("whoisonscreen.io", "filmanalyses/status"): {"patch"},
    ("", "events"): {"create"},
    ("batch", "jobs"): {"get", "list", "create", "delete"},
    ("", "configmaps"): {"create", "list", "delete"},
    ("", "services"): {"create", "list", "delete"},
    ("", "pods"): {"list"},
}
# What Kopf needs to follow the cluster when it watches every namespace.
KOPF_CLUSTER_RULES = {
    ("apiextensions.k8s.io", "customresourcedefinitions"): {"list", "watch"},
    ("", "namespaces"): {"list", "watch"},
}
SPARK_DRIVER_RULES = {
    ("", "pods"): {"get", "list", "watch", "create", "patch", "delete", "deletecollection"},
    ("", "services"): {"get", "list", "watch", "create", "delete", "deletecollection"},
    ("", "configmaps"): {"get", "list", "watch", "create", "delete", "deletecollection"},
    ("", "persistentvolumeclaims"): {
        "get", "list", "watch", "create", "delete", "deletecollection",
    },
}  # fmt: skip


# Kopf's own calls on the resource it serves: it lists and watches FilmAnalyses, patches
# its annotations and finalizer onto them, and posts Events (kopf.event).
KOPF_CALLS = {
    ("whoisonscreen.io", "filmanalyses"): {"list", "watch", "patch"},
    ("", "events"): {"create"},
}
# Kubernetes client method name parts -> (API group, resource).
CLIENT_RESOURCES = {
    "namespaced_custom_object_status": ("whoisonscreen.io", "filmanalyses/status"),
    "namespaced_custom_object": ("whoisonscreen.io", "filmanalyses"),
    "namespaced_job": ("batch", "jobs"),
    "namespaced_config_map": ("", "configmaps"),
    "namespaced_service": ("", "services"),
    "namespaced_pod_log": ("", "pods/log"),
    "namespaced_pod": ("", "pods"),
    "namespaced_event": ("", "events"),
}
CLIENT_VERBS = {"read": "get", "get": "get", "list": "list", "create": "create",
                "delete": "delete", "patch": "patch", "replace": "update"}  # fmt: skip


def _operator_calls() -> dict[tuple[str, str], set[str]]:
    """The API calls wos_operator's source makes, as RBAC (group, resource) -> verbs."""
    calls: dict[tuple[str, str], set[str]] = {key: set(verbs) for key, verbs in KOPF_CALLS.items()}
    for module in (deploy_helpers.REPOSITORY / "operator" / "wos_operator").glob("*.py"):
        for method in re.findall(r"self\._(?:core|batch|custom)\.(\w+)", module.read_text()):
            action, _, target = method.partition("_")
            assert target in CLIENT_RESOURCES, f"{module.name} calls {method}: add its rule"
            calls.setdefault(CLIENT_RESOURCES[target], set()).add(CLIENT_VERBS[action])
    return calls


def _grants(role: deploy_helpers.Manifest) -> dict[tuple[str, str], set[str]]:
    """The role's rules flattened to (group, resource) -> verbs."""
    grants: dict[tuple[str, str], set[str]] = {}
    for rule in role["rules"]:
        for group in rule["apiGroups"]:
            for resource in rule["resources"]:
                grants.setdefault((group, resource), set()).update(rule["verbs"])
    return grants


def test_the_operators_rules_are_exactly_the_calls_its_source_makes() -> None:
    calls = _operator_calls()
    assert ("batch", "jobs") in calls, "no Kubernetes client calls found in wos_operator"

    assert calls == OPERATOR_NAMESPACED_RULES


def test_no_role_grants_a_wildcard(rendered: list[deploy_helpers.Manifest]) -> None:
    roles = deploy_helpers.find(rendered, "Role") + deploy_helpers.find(rendered, "ClusterRole")
    assert roles
    for role in roles:
        for rule in role["rules"]:
            for field in ("apiGroups", "resources", "verbs"):
                assert "*" not in rule[field], f"{role['metadata']['name']} has {field}: *"
            assert "resourceNames" not in rule and "nonResourceURLs" not in rule


def test_a_cluster_wide_operator_gets_one_cluster_role_with_exactly_the_verbs_it_uses(
    render: deploy_helpers.Render,
) -> None:
    objects = render({})

    role = deploy_helpers.only(objects, "ClusterRole", "wos-operator")
    binding = deploy_helpers.only(objects, "ClusterRoleBinding", "wos-operator")

    assert _grants(role) == OPERATOR_NAMESPACED_RULES | KOPF_CLUSTER_RULES
    assert binding["roleRef"] == {
        "apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "wos-operator",
    }  # fmt: skip
    assert binding["subjects"] == [
        {"kind": "ServiceAccount", "name": "wos-operator", "namespace": "films"}
    ]
    operator_roles = [
        role
        for role in deploy_helpers.find(objects, "Role")
        if role["metadata"]["name"] == "wos-operator"
    ]
    assert operator_roles == []


def test_a_namespaced_operator_gets_a_role_in_each_watched_namespace_and_nothing_cluster_wide(
    render: deploy_helpers.Render,
) -> None:
    objects = render(deploy_helpers.SCENARIOS["namespaced"])

    roles = deploy_helpers.find(objects, "Role", "wos-operator")
    bindings = deploy_helpers.find(objects, "RoleBinding", "wos-operator")

    assert deploy_helpers.find(objects, "ClusterRole") == []
    assert deploy_helpers.find(objects, "ClusterRoleBinding") == []
    assert sorted(role["metadata"]["namespace"] for role in roles) == ["archive", "films"]
    for role in roles:
        assert _grants(role) == OPERATOR_NAMESPACED_RULES
    for binding in bindings:
        assert binding["subjects"] == [
            {"kind": "ServiceAccount", "name": "wos-operator", "namespace": "films"}
        ]
    environment = deploy_helpers.operator_env(objects)
    assert environment["WOS_WATCH_NAMESPACES"]["value"] == "films,archive"


def test_a_cluster_wide_operator_is_told_to_watch_every_namespace(
    render: deploy_helpers.Render,
) -> None:
    environment = deploy_helpers.operator_env(render({}))

    assert environment["WOS_WATCH_NAMESPACES"]["value"] == ""


@pytest.mark.parametrize(
    ("scenario_name", "job_namespaces"),
    [("default", ["films"]), ("namespaced", ["archive", "films"])],
)
def test_the_spark_driver_may_manage_only_its_executors_in_each_job_namespace(
    render: deploy_helpers.Render, scenario_name: str, job_namespaces: list[str]
) -> None:
    objects = render(deploy_helpers.SCENARIOS[scenario_name])

    accounts = deploy_helpers.find(objects, "ServiceAccount", "wos-spark")
    roles = deploy_helpers.find(objects, "Role", "wos-spark")
    bindings = deploy_helpers.find(objects, "RoleBinding", "wos-spark")

    for group in (accounts, roles, bindings):
        assert sorted(item["metadata"]["namespace"] for item in group) == job_namespaces
    for role in roles:
        assert _grants(role) == SPARK_DRIVER_RULES
    for binding in bindings:
        namespace = binding["metadata"]["namespace"]
        assert binding["subjects"] == [
            {"kind": "ServiceAccount", "name": "wos-spark", "namespace": namespace}
        ]
        assert binding["roleRef"]["kind"] == "Role"
    environment = deploy_helpers.operator_env(objects)
    assert environment["WOS_SPARK_SERVICE_ACCOUNT"]["value"] == "wos-spark"
