"""MySQL runs as a StatefulSet with its own volume; passwords live only in Secrets."""

from __future__ import annotations

import base64
import urllib.parse
from typing import Any

import deploy_helpers
import helm_python
import pytest
import yaml


def _decoded(secret: deploy_helpers.Manifest) -> dict[str, str]:
    return {key: base64.b64decode(value).decode() for key, value in secret["data"].items()}


def test_mysql_keeps_its_data_on_a_claim_from_the_statefulsets_template(
    render: deploy_helpers.Render,
) -> None:
    objects = render({"mysql": {"persistence": {"size": "20Gi", "storageClass": "fast-ssd"}}})

    statefulset = deploy_helpers.only(objects, "StatefulSet", "wos-mysql")

    (template,) = statefulset["spec"]["volumeClaimTemplates"]
    assert template["metadata"]["name"] == "data"
    assert template["spec"]["resources"]["requests"]["storage"] == "20Gi"
    assert template["spec"]["storageClassName"] == "fast-ssd"
    assert template["spec"]["accessModes"] == ["ReadWriteOnce"]
    (container,) = deploy_helpers.pod_spec(statefulset)["containers"]
    assert {"name": "data", "mountPath": "/var/lib/mysql"} in container["volumeMounts"]
    assert container["image"].startswith("docker.io/library/mysql:8.")


def test_mysql_is_reached_through_a_headless_service_named_by_the_statefulset(
    render: deploy_helpers.Render,
) -> None:
    objects = render({})

    statefulset = deploy_helpers.only(objects, "StatefulSet", "wos-mysql")
    headless = deploy_helpers.only(objects, "Service", statefulset["spec"]["serviceName"])

    assert headless["spec"]["clusterIP"] == "None"
    assert headless["spec"]["selector"] == statefulset["spec"]["selector"]["matchLabels"]


def test_mysql_resources_come_from_the_values(render: deploy_helpers.Render) -> None:
    resources = {"requests": {"cpu": "1", "memory": "2Gi"}, "limits": {"memory": "4Gi"}}
    objects = render({"mysql": {"resources": resources}})

    statefulset = deploy_helpers.only(objects, "StatefulSet", "wos-mysql")

    assert deploy_helpers.pod_spec(statefulset)["containers"][0]["resources"] == resources


def test_the_generated_database_url_names_the_mysql_service_and_the_generated_password(
    render: deploy_helpers.Render,
) -> None:
    objects = render({})

    credentials = _decoded(deploy_helpers.only(objects, "Secret", "wos-mysql"))
    url = urllib.parse.urlsplit(
        _decoded(deploy_helpers.only(objects, "Secret", "wos-database"))["database-url"]
    )

    assert url.scheme == "mysql+pymysql"
    assert url.username == "wos"
    assert url.password == credentials["mysql-password"]
    assert len(credentials["mysql-password"]) == 32
    assert credentials["mysql-root-password"] != credentials["mysql-password"]
    assert (url.hostname, url.port, url.path) == ("wos-mysql.films.svc", 3306, "/wos")


def test_mysql_reads_its_passwords_from_the_secret(render: deploy_helpers.Render) -> None:
    statefulset = deploy_helpers.only(render({}), "StatefulSet", "wos-mysql")

    environment = {
        item["name"]: item for item in deploy_helpers.pod_spec(statefulset)["containers"][0]["env"]
    }

    for name, key in (
        ("MYSQL_ROOT_PASSWORD", "mysql-root-password"),
        ("MYSQL_PASSWORD", "mysql-password"),
    ):
        assert environment[name]["valueFrom"] == {
            "secretKeyRef": {"name": "wos-mysql", "key": key}
        }


def test_no_password_appears_outside_a_secret(rendered: list[deploy_helpers.Manifest]) -> None:
    secrets = deploy_helpers.find(rendered, "Secret")
    passwords = {
        value for secret in secrets for key, value in _decoded(secret).items() if "password" in key
    }
    urls = {value for secret in secrets for value in _decoded(secret).values() if "://" in value}

    others = yaml.safe_dump_all([item for item in rendered if item["kind"] != "Secret"])

    for secret_value in passwords | urls:
        assert secret_value not in others
    for workload in deploy_helpers.find(rendered, "Deployment") + deploy_helpers.find(
        rendered, "StatefulSet"
    ):
        for container in deploy_helpers.pod_spec(workload)["containers"]:
            for variable in container.get("env", []):
                if any(word in variable["name"] for word in ("PASSWORD", "DATABASE_URL")):
                    assert "value" not in variable, f"{variable['name']} is a plain value"


def test_the_generated_secret_survives_helm_uninstall(render: deploy_helpers.Render) -> None:
    secret = deploy_helpers.only(render({}), "Secret", "wos-mysql")

    assert secret["metadata"]["annotations"]["helm.sh/resource-policy"] == "keep"


def test_every_job_namespace_gets_the_database_secret(render: deploy_helpers.Render) -> None:
    objects = render(deploy_helpers.SCENARIOS["namespaced"])

    secrets = deploy_helpers.find(objects, "Secret", "wos-database")

    assert sorted(secret["metadata"]["namespace"] for secret in secrets) == ["archive", "films"]
    assert len({secret["data"]["database-url"] for secret in secrets}) == 1


def test_an_external_mysql_is_used_through_an_existing_secret_and_no_server_runs(
    render: deploy_helpers.Render,
) -> None:
    objects = render(deploy_helpers.SCENARIOS["external-mysql"])

    assert deploy_helpers.find(objects, "StatefulSet") == []
    assert deploy_helpers.find(objects, "Secret") == []
    assert [
        service["metadata"]["name"] for service in deploy_helpers.find(objects, "Service")
    ] == []
    environment = deploy_helpers.operator_env(objects)
    assert environment["WOS_DATABASE_SECRET"]["value"] == "films-db"
    assert environment["WOS_DATABASE_SECRET_KEY"]["value"] == "url"


def test_existing_mysql_credentials_are_used_without_generating_any(
    render: deploy_helpers.Render,
) -> None:
    objects = render(
        {
            "mysql": {"auth": {"existingSecret": "my-mysql"}},
            "database": {"existingSecret": "my-url"},
        }
    )

    assert deploy_helpers.find(objects, "Secret") == []
    statefulset = deploy_helpers.only(objects, "StatefulSet", "wos-mysql")
    references = {
        item["valueFrom"]["secretKeyRef"]["name"]
        for item in deploy_helpers.pod_spec(statefulset)["containers"][0]["env"]
        if "valueFrom" in item
    }
    assert references == {"my-mysql"}
    assert deploy_helpers.operator_env(objects)["WOS_DATABASE_SECRET"]["value"] == "my-url"


@pytest.mark.parametrize(
    "values",
    [{"mysql": {"enabled": False}}, {"mysql": {"auth": {"existingSecret": "my-mysql"}}}],
)
def test_a_database_without_a_url_secret_is_refused_before_anything_is_installed(
    chart: helm_python.Chart, values: dict[str, Any]
) -> None:
    with pytest.raises(helm_python.HelmValuesError) as refused:
        chart.validate_schema(values)

    assert "at '/database/existingSecret': minLength: got 0, want 1" in str(refused.value)
