"""The Jobs, ConfigMap and Service the operator creates, as `kubectl get -o yaml` shows them."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

import kubernetes_validate
import pytest
import yaml
from film_analyses import FAST, NAMESPACE, UserView, example
from kube.fixtures import OperatorRunner, eventually

from wos_operator import settings

pytestmark = pytest.mark.asyncio

# A URL with a password, as the chart puts it in the operator's environment.
SECRET_URL = "mysql+pymysql://wos:s3cret-password@mysql:3306/wos"
CONFIG = settings.OperatorSettings(**{**FAST.__dict__, "database_url": None})


async def created_children(
    user: UserView, running_operator: OperatorRunner, name: str, manifest: str, *,
    finish_gallery: bool = True, config: settings.OperatorSettings = CONFIG,
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Submit an example, let its gallery succeed, and return it with its Jobs."""
    async with running_operator(config):
        await user.submit(example(manifest))
        if finish_gallery:
            jobs = await eventually(user.jobs, what="the gallery job")
            await user.finish_job(jobs[0]["metadata"]["name"], succeeded=True)
        await eventually(lambda: _has_jobs(user, 2 if finish_gallery else 1), what="driver job")
        await user.recorded_job(name)
        return await user.film_analysis(name), await user.jobs()


async def _has_jobs(user: UserView, count: int) -> bool:
    return len(await user.jobs()) == count


def container(job: dict[str, Any]) -> dict[str, Any]:
    [only] = job["spec"]["template"]["spec"]["containers"]
    return only


async def test_the_gallery_job_runs_wos_gallery_build_with_the_cast_as_json(
    user: UserView, running_operator: OperatorRunner
) -> None:
    film_analysis, [gallery, _] = await created_children(
        user, running_operator, "hamilton", "hamilton.yaml"
    )
    run_id = film_analysis["status"]["runId"]
    command = container(gallery)["command"]
    assert command[:3] == ["wos", "gallery", "build"]
    assert json.loads(command[command.index("--cast-spec") + 1]) == {
        **example("hamilton.yaml")["spec"]["cast"]
    }
    gallery_dir = command[command.index("--gallery-dir") + 1]
    assert gallery_dir == f"/galleries/{NAMESPACE}/hamilton/{run_id}"
    assert command[command.index("--db") + 1] == "$(WOS_DATABASE_URL)"
    assert command[command.index("--engine") + 1] == "sface"
    assert container(gallery)["image"] == "ghcr.io/who-is-on-screen/scraper:0.1.0"
    assert container(gallery)["volumeMounts"] == [{"name": "galleries", "mountPath": "/galleries"}]
    assert gallery["spec"]["template"]["spec"]["volumes"] == [
        {"name": "galleries",
         "persistentVolumeClaim": {"claimName": "wos-galleries", "readOnly": False}}
    ]


@pytest.mark.parametrize(
    ("base_url", "expected"),
    [
        ("http://imdb-mirror.films.svc:8080", ["--base-url", "http://imdb-mirror.films.svc:8080"]),
        (None, []),
    ],
)
async def test_the_gallery_job_scrapes_the_configured_site_and_otherwise_the_scrapers_own(
    user: UserView, running_operator: OperatorRunner, base_url: str | None, expected: list[str]
) -> None:
    config = dataclasses.replace(CONFIG, scraper_base_url=base_url)
    _, [gallery, _] = await created_children(
        user, running_operator, "hamilton", "hamilton.yaml", config=config
    )
    command = container(gallery)["command"]
    assert command[:3] == ["wos", "gallery", "build"]
    given = command[command.index("--base-url"):][:2] if "--base-url" in command else []
    assert given == expected


async def test_the_driver_job_submits_the_analysis_to_spark_with_the_spec_settings(
    user: UserView, running_operator: OperatorRunner
) -> None:
    film_analysis, [_, driver] = await created_children(
        user, running_operator, "hamilton", "hamilton.yaml"
    )
    run_id = film_analysis["status"]["runId"]
    command = container(driver)["command"]
    application = command.index("/opt/wos/jobs/analyze_film.py")
    assert command[:5] == [
        "spark-submit", "--master", "k8s://https://kubernetes.default.svc",
        "--deploy-mode", "client",
    ]
    assert command[application:] == [
        "/opt/wos/jobs/analyze_film.py", "https://media.example.org/films/hamilton.mp4",
        "--cast", f"/galleries/{NAMESPACE}/hamilton/{run_id}",
        "--db", "$(WOS_DATABASE_URL)",
        "--analysis-id", f"{NAMESPACE}-hamilton-{run_id}",
        "--fps", "2", "--segment-seconds", "60", "--engine", "sface", "--threshold", "0.4",
    ]
    app_id = film_analysis["status"]["sparkApplicationId"]
    assert f"spark.app.id={app_id}" in command
    assert container(driver)["image"] == "ghcr.io/who-is-on-screen/analyzer:0.1.0"
    assert container(driver)["imagePullPolicy"] == "IfNotPresent"
    assert driver["spec"]["template"]["spec"]["serviceAccountName"] == "wos-spark"
    assert driver["spec"]["backoffLimit"] == 0
    assert driver["spec"]["activeDeadlineSeconds"] == 21600


@pytest.mark.parametrize(
    ("manifest", "name", "secret", "key"),
    [
        ("hamilton.yaml", "hamilton", "wos-database", "database-url"),
        ("gpu.yaml", "feature-film", "my-database", "database-url"),
    ],
)
async def test_jobs_take_the_database_url_from_the_secret_never_in_plain_text(
    user: UserView, running_operator: OperatorRunner,
    manifest: str, name: str, secret: str, key: str,
) -> None:
    config = settings.OperatorSettings(**{**CONFIG.__dict__, "database_url": SECRET_URL})
    async with running_operator(config):
        await user.submit(example(manifest))
        jobs = await eventually(user.jobs, what="the gallery job")
        await user.finish_job(jobs[0]["metadata"]["name"], succeeded=True)
        await eventually(lambda: _has_jobs(user, 2), what="the driver job")
        jobs = await user.jobs()
        config_maps = await user.config_maps()
    for job in jobs:
        assert {"name": "WOS_DATABASE_URL", "valueFrom": {"secretKeyRef": {
            "name": secret, "key": key}}} in container(job)["env"]
    for child in [*jobs, *config_maps]:
        assert "s3cret-password" not in json.dumps(child)


async def test_every_child_is_owned_by_and_labelled_with_its_film_analysis(
    user: UserView, running_operator: OperatorRunner
) -> None:
    film_analysis, jobs = await created_children(
        user, running_operator, "hamilton", "hamilton.yaml"
    )
    config_maps, services = await user.config_maps(), await user.services()
    children = [*jobs, *config_maps, *services]
    assert [child["kind"] for child in children] == ["Job", "Job", "ConfigMap", "Service"]
    for child in children:
        assert child["metadata"]["ownerReferences"] == [{
            "apiVersion": "whoisonscreen.io/v1alpha1", "kind": "FilmAnalysis",
            "name": "hamilton", "uid": film_analysis["metadata"]["uid"],
            "controller": True, "blockOwnerDeletion": True,
        }]
        labels = child["metadata"]["labels"]
        assert labels["whoisonscreen.io/film-analysis"] == "hamilton"
        assert labels["whoisonscreen.io/run-id"] == film_analysis["status"]["runId"]
        assert labels["app.kubernetes.io/name"] == "who-is-on-screen"
        assert labels["app.kubernetes.io/managed-by"] == "wos-operator"
    # The pods of each Job carry the same labels, so `kubectl logs -l` finds them.
    for job in jobs:
        pod_labels = job["spec"]["template"]["metadata"]["labels"]
        assert pod_labels["whoisonscreen.io/run-id"] == film_analysis["status"]["runId"]


async def test_the_headless_service_selects_the_driver_pod_on_the_spark_ports(
    user: UserView, running_operator: OperatorRunner
) -> None:
    film_analysis, [_, driver] = await created_children(
        user, running_operator, "hamilton", "hamilton.yaml"
    )
    [service] = await user.services()
    [config_map] = await user.config_maps()
    pod_labels = driver["spec"]["template"]["metadata"]["labels"]
    assert service["spec"]["clusterIP"] == "None"
    assert service["spec"]["selector"].items() <= pod_labels.items()
    assert [p["port"] for p in service["spec"]["ports"]] == [7078, 7079, 4040]
    defaults = _properties(config_map["data"]["spark-defaults.conf"])
    assert defaults["spark.driver.host"] == f"{service['metadata']['name']}.{NAMESPACE}.svc"
    assert defaults["spark.driver.port"] == "7078"


def _properties(text: str) -> dict[str, str]:
    return dict(line.split(" ", 1) for line in text.splitlines() if line.strip())


async def test_spark_scales_executors_between_the_spec_bounds_with_shuffle_tracking(
    user: UserView, running_operator: OperatorRunner
) -> None:
    await created_children(user, running_operator, "feature-film", "gpu.yaml")
    [config_map] = await user.config_maps()
    defaults = _properties(config_map["data"]["spark-defaults.conf"])
    assert defaults["spark.dynamicAllocation.enabled"] == "true"
    assert defaults["spark.dynamicAllocation.shuffleTracking.enabled"] == "true"
    assert defaults["spark.dynamicAllocation.minExecutors"] == "2"
    assert defaults["spark.dynamicAllocation.maxExecutors"] == "16"
    assert defaults["spark.kubernetes.container.image"] == (
        "ghcr.io/who-is-on-screen/analyzer:0.1.0"
    )
    assert defaults["spark.kubernetes.executor.podTemplateFile"] == (
        "/opt/wos/spark/executor-pod-template.yaml"
    )


@pytest.mark.parametrize(
    ("manifest", "name", "gpus"),
    [("gpu.yaml", "feature-film", 1), ("hamilton.yaml", "hamilton", 0)],
)
async def test_gpu_executors_request_the_gpu_resource_on_tolerated_gpu_nodes(
    user: UserView, running_operator: OperatorRunner, manifest: str, name: str, gpus: int
) -> None:
    await created_children(user, running_operator, name, manifest)
    [config_map] = await user.config_maps()
    template = yaml.safe_load(config_map["data"]["executor-pod-template.yaml"])
    [executor] = template["spec"]["containers"]
    if gpus:
        assert executor["resources"] == {"limits": {"nvidia.com/gpu": gpus}}
        assert template["spec"]["nodeSelector"] == {"nvidia.com/gpu.present": "true"}
        assert template["spec"]["tolerations"] == [
            {"key": "nvidia.com/gpu", "operator": "Exists", "effect": "NoSchedule"}
        ]
    else:
        assert "resources" not in executor
        assert "nodeSelector" not in template["spec"]
        assert "tolerations" not in template["spec"]
    assert template["metadata"]["labels"]["app.kubernetes.io/component"] == "executor"
    assert template["spec"]["securityContext"]["runAsNonRoot"] is True


async def test_job_pods_run_as_the_images_non_root_user_and_can_write_their_claims(
    user: UserView, running_operator: OperatorRunner
) -> None:
    _, jobs = await created_children(user, running_operator, "hamilton", "hamilton.yaml")
    for job in jobs:
        pod = job["spec"]["template"]["spec"]
        assert pod["securityContext"]["runAsNonRoot"] is True
        assert pod["securityContext"]["runAsUser"] == 10001
        assert pod["securityContext"]["fsGroup"] == 10001
        assert container(job)["securityContext"]["allowPrivilegeEscalation"] is False
        assert container(job)["securityContext"]["capabilities"] == {"drop": ["ALL"]}


async def test_a_cast_folder_on_a_volume_skips_the_gallery_and_is_mounted_read_only(
    user: UserView, running_operator: OperatorRunner
) -> None:
    film_analysis, [driver] = await created_children(
        user, running_operator, "short-clip", "own-photos.yaml", finish_gallery=False
    )
    command = container(driver)["command"]
    application = command.index("/opt/wos/jobs/analyze_film.py")
    assert command[application + 1:application + 4] == [
        "/film/hamilton/short_hamilton_clip.mp4", "--cast", "/cast/hamilton/cast",
    ]
    assert "--threshold" not in command  # the engine's default
    mounts = {m["name"]: m for m in container(driver)["volumeMounts"]}
    assert mounts["film"] == {"name": "film", "mountPath": "/film", "readOnly": True}
    assert mounts["cast"] == {"name": "cast", "mountPath": "/cast", "readOnly": True}
    conditions = {c["type"]: c["reason"] for c in film_analysis["status"]["conditions"]}
    assert conditions["GalleryReady"] == "CastFromVolume"


@pytest.mark.parametrize("manifest", ["hamilton.yaml", "gpu.yaml"])
async def test_every_child_is_a_valid_kubernetes_object(
    user: UserView, running_operator: OperatorRunner, manifest: str
) -> None:
    name = example(manifest)["metadata"]["name"]
    await created_children(user, running_operator, name, manifest)
    children = [*(await user.jobs()), *(await user.config_maps()), *(await user.services())]
    [config_map] = await user.config_maps()
    template = yaml.safe_load(config_map["data"]["executor-pod-template.yaml"])
    for child in [*children, template]:
        kubernetes_validate.validate(_as_submitted(child), "1.33", strict=True)


def _as_submitted(child: dict[str, Any]) -> dict[str, Any]:
    """The object without what the emulator added (status, uid and other server fields)."""
    metadata = {
        key: value for key, value in child.get("metadata", {}).items()
        if key not in ("uid", "creationTimestamp", "generation", "resourceVersion")
    }
    return {key: value for key, value in {**child, "metadata": metadata}.items()
            if key != "status"}


async def test_an_s3_film_gives_the_driver_alone_its_credentials_secret_endpoint_and_region(
    user: UserView, running_operator: OperatorRunner
) -> None:
    _, [driver] = await created_children(
        user, running_operator, "stored-film", "s3-film.yaml", finish_gallery=False
    )
    [config_map] = await user.config_maps()
    template = yaml.safe_load(config_map["data"]["executor-pod-template.yaml"])
    [executor] = template["spec"]["containers"]

    command = container(driver)["command"]
    application = command.index("/opt/wos/jobs/analyze_film.py")
    assert command[application + 1] == "s3://films/hamilton/short_hamilton_clip.mp4"
    assert container(driver)["envFrom"] == [{"secretRef": {"name": "film-store"}}]
    env = {variable["name"]: variable.get("value") for variable in container(driver)["env"]}
    assert env["AWS_ENDPOINT_URL_S3"] == "http://minio.storage.svc:9000"
    assert env["AWS_REGION"] == "us-east-1"
    # Executors read the presigned URL the driver signed: no credentials, no store settings.
    assert "envFrom" not in executor
    assert not [v for v in executor["env"] if v["name"].startswith("AWS_")]
    assert "film-store" not in config_map["data"]["executor-pod-template.yaml"]
    for child in [driver, template]:
        kubernetes_validate.validate(_as_submitted(child), "1.33", strict=True)


async def test_a_film_from_a_url_gives_the_driver_no_s3_settings(
    user: UserView, running_operator: OperatorRunner
) -> None:
    _, [_, driver] = await created_children(user, running_operator, "hamilton", "hamilton.yaml")
    assert "envFrom" not in container(driver)
    assert not [v for v in container(driver)["env"] if v["name"].startswith("AWS_")]
