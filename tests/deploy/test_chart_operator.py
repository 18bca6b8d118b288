"""The operator Deployment hands wos_operator exactly the settings it reads."""

from __future__ import annotations

import json

import deploy_helpers


def test_the_operator_gets_exactly_the_variables_its_settings_read(
    rendered: list[deploy_helpers.Manifest],
) -> None:
    expected = deploy_helpers.operator_settings_variables()
    assert len(expected) >= 13, "the operator's settings module was not parsed"

    # Unset, the scraper's site is the scraper's own default, so the chart leaves it out.
    assert set(deploy_helpers.operator_env(rendered)) == expected - {"WOS_SCRAPER_BASE_URL"}


def test_a_scraper_site_completes_the_variables_its_settings_read(
    render: deploy_helpers.Render,
) -> None:
    environment = deploy_helpers.operator_env(
        render({"scraper": {"baseUrl": "https://imdb-mirror.example.org"}})
    )

    assert set(environment) == deploy_helpers.operator_settings_variables()


def test_a_scraper_site_reaches_the_operator_only_when_set(
    render: deploy_helpers.Render,
) -> None:
    from wos_operator import settings

    environment = deploy_helpers.operator_env(
        render({"scraper": {"baseUrl": "http://imdb-proxy.films.svc:8080"}})
    )
    plain = {
        name: variable["value"] for name, variable in environment.items() if "value" in variable
    }

    assert environment["WOS_SCRAPER_BASE_URL"] == {
        "name": "WOS_SCRAPER_BASE_URL", "value": "http://imdb-proxy.films.svc:8080"
    }
    assert settings.from_environment(plain).scraper_base_url == "http://imdb-proxy.films.svc:8080"
    assert "WOS_SCRAPER_BASE_URL" not in deploy_helpers.operator_env(render({}))


def test_the_operator_runs_its_console_script_from_the_operator_image(
    render: deploy_helpers.Render,
) -> None:
    pyproject = (deploy_helpers.REPOSITORY / "pyproject.toml").read_text()
    deployment = deploy_helpers.only(render({}), "Deployment", "wos-operator")
    (container,) = deploy_helpers.pod_spec(deployment)["containers"]

    assert container["command"] == ["wos-operator"]
    assert 'wos-operator = "wos_operator.main:main"' in pyproject
    assert container["image"] == "ghcr.io/who-is-on-screen/operator:0.1.0"


def test_image_names_and_tags_reach_the_operator_for_the_jobs_it_creates(
    render: deploy_helpers.Render,
) -> None:
    objects = render(
        {
            "operator": {"image": {"repository": "registry.local/wos/operator", "tag": "a1"}},
            "analyzer": {"image": {"repository": "registry.local/wos/analyzer", "tag": "b2"}},
            "scraper": {"image": {"repository": "registry.local/wos/scraper", "tag": "c3"}},
            "jobs": {"imagePullPolicy": "Always"},
        }
    )

    environment = deploy_helpers.operator_env(objects)
    deployment = deploy_helpers.only(objects, "Deployment", "wos-operator")
    assert deploy_helpers.pod_spec(deployment)["containers"][0]["image"] == (
        "registry.local/wos/operator:a1"
    )
    assert environment["WOS_ANALYZER_IMAGE"]["value"] == "registry.local/wos/analyzer:b2"
    assert environment["WOS_SCRAPER_IMAGE"]["value"] == "registry.local/wos/scraper:c3"
    assert environment["WOS_IMAGE_PULL_POLICY"]["value"] == "Always"


def test_gpu_settings_reach_the_operator_as_json_it_can_parse(
    render: deploy_helpers.Render,
) -> None:
    environment = deploy_helpers.operator_env(render(deploy_helpers.SCENARIOS["gpu"]))

    assert environment["WOS_GPU_RESOURCE_NAME"]["value"] == "nvidia.com/gpu"
    assert json.loads(environment["WOS_GPU_NODE_SELECTOR"]["value"]) == {
        "nvidia.com/gpu.present": "true"
    }
    assert json.loads(environment["WOS_GPU_TOLERATIONS"]["value"]) == [
        {"key": "nvidia.com/gpu", "operator": "Exists", "effect": "NoSchedule"}
    ]


def test_another_gpu_vendor_is_one_value_away(render: deploy_helpers.Render) -> None:
    environment = deploy_helpers.operator_env(
        render({"gpu": {"resourceName": "amd.com/gpu", "nodeSelector": {"gpu": "mi300"}}})
    )

    assert environment["WOS_GPU_RESOURCE_NAME"]["value"] == "amd.com/gpu"
    assert json.loads(environment["WOS_GPU_NODE_SELECTOR"]["value"]) == {"gpu": "mi300"}
    assert json.loads(environment["WOS_GPU_TOLERATIONS"]["value"]) == []


def test_the_operator_reads_its_database_url_from_the_secret_the_jobs_read(
    rendered: list[deploy_helpers.Manifest],
) -> None:
    environment = deploy_helpers.operator_env(rendered)
    secret_name = environment["WOS_DATABASE_SECRET"]["value"]
    secret_key = environment["WOS_DATABASE_SECRET_KEY"]["value"]

    assert environment["WOS_DATABASE_URL"] == {
        "name": "WOS_DATABASE_URL",
        "valueFrom": {"secretKeyRef": {"name": secret_name, "key": secret_key}},
    }


def test_gallery_jobs_are_pointed_at_a_claim_that_exists(render: deploy_helpers.Render) -> None:
    objects = render({})

    claim_name = deploy_helpers.operator_env(objects)["WOS_GALLERY_CLAIM"]["value"]

    claim = deploy_helpers.only(objects, "PersistentVolumeClaim", claim_name)
    assert claim["spec"]["resources"]["requests"]["storage"] == "2Gi"
    # The gallery job, the driver and the executors mount it from different nodes.
    assert claim["spec"]["accessModes"] == ["ReadWriteMany"]
    assert claim["metadata"]["annotations"]["helm.sh/resource-policy"] == "keep"


def test_an_existing_gallery_claim_is_used_and_none_is_created(
    render: deploy_helpers.Render,
) -> None:
    objects = render({"galleries": {"existingClaim": "shared-casts"}})

    assert deploy_helpers.find(objects, "PersistentVolumeClaim") == []
    environment = deploy_helpers.operator_env(objects)
    assert environment["WOS_GALLERY_CLAIM"]["value"] == "shared-casts"


def test_operator_timings_reach_the_operator_as_numbers(render: deploy_helpers.Render) -> None:
    environment = deploy_helpers.operator_env(
        render({"operator": {"pollSeconds": 2.5, "retryBackoffSeconds": 5}})
    )

    assert float(environment["WOS_POLL_SECONDS"]["value"]) == 2.5
    assert float(environment["WOS_RETRY_BACKOFF_SECONDS"]["value"]) == 5
    assert float(environment["WOS_RETRY_BACKOFF_MAX_SECONDS"]["value"]) == 600


def test_the_operators_settings_accept_the_environment_the_chart_renders(
    rendered: list[deploy_helpers.Manifest],
) -> None:
    from wos_operator import settings

    environment = deploy_helpers.operator_env(rendered)
    plain = {
        name: variable["value"] for name, variable in environment.items() if "value" in variable
    }
    # The kubelet fills this one from the Secret.
    plain["WOS_DATABASE_URL"] = "mysql+pymysql://wos:secret@wos-mysql.films.svc:3306/wos"

    loaded = settings.from_environment(plain)

    assert loaded.analyzer_image == environment["WOS_ANALYZER_IMAGE"]["value"]
    assert loaded.gpu_resource_name == environment["WOS_GPU_RESOURCE_NAME"]["value"]
    assert dict(loaded.gpu_node_selector) == json.loads(
        environment["WOS_GPU_NODE_SELECTOR"]["value"]
    )
    assert loaded.health_port == 8080
    assert loaded.database_url == plain["WOS_DATABASE_URL"]
