"""The analysis phase's children: the Spark settings, the driver's Service and its Job.

The driver runs in client mode inside the Job's pod: the Job gives it a restart policy,
a deadline and an owner, and the executors Spark creates are owned by the driver pod,
so deleting the Job (or its FilmAnalysis) removes the executors too.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import yaml

from wos_operator import gallery, manifests, naming, settings, specs

CONF_MOUNT = "/opt/wos/spark"
DEFAULTS_FILE = "spark-defaults.conf"
TEMPLATE_FILE = "executor-pod-template.yaml"
APPLICATION = "/opt/wos/jobs/analyze_film.py"
FILM_MOUNT = "/film"
CAST_MOUNT = "/cast"

DRIVER_PORT = 7078
BLOCK_MANAGER_PORT = 7079
UI_PORT = 4040

# The face models and ffmpeg's decoded frames of one segment fit in 4 GiB per executor;
# two cores let an executor decode one segment while it embeds faces of another.
EXECUTOR_CORES = 2
EXECUTOR_MEMORY = "4g"
# The driver only plans segments and gathers rows: 2 GiB of heap is plenty.
DRIVER_MEMORY = "2g"


def config_map_name(name: str, run_id: str) -> str:
    return naming.child_name(name, run_id, "spark")


def service_name(name: str, run_id: str) -> str:
    return naming.child_name(name, run_id, "driver")


def job_name(name: str, run_id: str, attempt: int) -> str:
    return naming.child_name(name, run_id, "driver", attempt)


def application_id(name: str, run_id: str, attempt: int) -> str:
    """The Spark application id of one try; Spark labels its executors with it."""
    return naming.child_name(name, run_id, "app", attempt)


def film_argument(spec: specs.AnalysisSpec) -> str:
    """FILM as the application takes it: the URL, or the file's path in the driver."""
    if spec.film_volume is not None:
        return f"{FILM_MOUNT}/{spec.film_volume.path}"
    assert spec.film_url is not None  # read_spec checked that exactly one is given
    return spec.film_url


def cast_dir(spec: specs.AnalysisSpec, namespace: str, name: str, run_id: str) -> str:
    """The cast folder: the user's on their claim, else the one the gallery job built."""
    if spec.cast_volume is not None:
        return f"{CAST_MOUNT}/{spec.cast_volume.path}"
    return gallery.gallery_dir(namespace, name, run_id)


def config_map(
    film_analysis: Mapping[str, Any],
    spec: specs.AnalysisSpec,
    config: settings.OperatorSettings,
    *,
    run_id: str,
) -> dict[str, Any]:
    """The run's Spark settings and executor pod template, mounted into the driver."""
    name = film_analysis["metadata"]["name"]
    return {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": manifests.metadata(
            film_analysis, name=config_map_name(name, run_id), run_id=run_id, component="spark"
        ),
        "data": {
            DEFAULTS_FILE: _spark_defaults(film_analysis, spec, config, run_id=run_id),
            TEMPLATE_FILE: yaml.safe_dump(
                _executor_template(film_analysis, spec, config, run_id=run_id), sort_keys=False
            ),
        },
    }


def driver_service(film_analysis: Mapping[str, Any], *, run_id: str) -> dict[str, Any]:
    """A headless Service giving the driver pod the stable name executors call back to."""
    name = film_analysis["metadata"]["name"]
    metadata = manifests.metadata(
        film_analysis, name=service_name(name, run_id), run_id=run_id, component="driver"
    )
    return {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": metadata,
        "spec": {
            "clusterIP": "None",
            "selector": _driver_selector(name, run_id),
            # Executors connect before the driver pod reports ready.
            "publishNotReadyAddresses": True,
            "ports": [
                {"name": "driver", "port": DRIVER_PORT, "targetPort": DRIVER_PORT},
                {"name": "block-manager", "port": BLOCK_MANAGER_PORT,
                 "targetPort": BLOCK_MANAGER_PORT},
                {"name": "ui", "port": UI_PORT, "targetPort": UI_PORT},
            ],
        },
    }


def driver_job(
    film_analysis: Mapping[str, Any],
    spec: specs.AnalysisSpec,
    config: settings.OperatorSettings,
    *,
    run_id: str,
    analysis_id: str,
    attempt: int,
) -> dict[str, Any]:
    """The Job whose pod runs ``spark-submit`` for one try of the analysis."""
    name = film_analysis["metadata"]["name"]
    namespace = film_analysis["metadata"]["namespace"]
    app_id = application_id(name, run_id, attempt)
    container: dict[str, Any] = {
        "name": "driver",
        "image": config.analyzer_image,
        "imagePullPolicy": config.image_pull_policy,
        "command": _submit_command(spec, config, namespace, name, run_id, analysis_id, app_id),
        "env": [
            manifests.database_env(spec, config),
            {"name": "SPARK_DRIVER_POD_NAME",
             "valueFrom": {"fieldRef": {"fieldPath": "metadata.name"}}},
            *_s3_env(spec),
        ],
        "ports": [
            {"name": "driver", "containerPort": DRIVER_PORT},
            {"name": "block-manager", "containerPort": BLOCK_MANAGER_PORT},
            {"name": "ui", "containerPort": UI_PORT},
        ],
        "volumeMounts": [
            {"name": "spark-conf", "mountPath": CONF_MOUNT, "readOnly": True},
            *_data_mounts(spec),
        ],
        "resources": {"requests": {"cpu": "1", "memory": "2Gi"}, "limits": {"memory": "3Gi"}},
        "securityContext": manifests.CONTAINER_SECURITY,
        "terminationMessagePolicy": manifests.TERMINATION_MESSAGE_POLICY,
    }
    if spec.film_s3 is not None and spec.film_s3.credentials_secret:
        # The driver only: it checks the film and signs a URL for it; executors read that
        # URL, so they need no credentials and never hold them.
        container["envFrom"] = [{"secretRef": {"name": spec.film_s3.credentials_secret}}]
    pod_spec = {
        "serviceAccountName": config.spark_service_account,
        "containers": [container],
        "volumes": [
            {"name": "spark-conf", "configMap": {"name": config_map_name(name, run_id)}},
            *_data_volumes(spec, config),
        ],
    }
    job = manifests.job(
        film_analysis,
        name=job_name(name, run_id, attempt),
        run_id=run_id,
        component="driver",
        pod_spec=pod_spec,
        deadline_seconds=spec.deadline_seconds,
    )
    job["metadata"]["annotations"] = {"whoisonscreen.io/spark-application-id": app_id}
    return job


def _submit_command(
    spec: specs.AnalysisSpec,
    config: settings.OperatorSettings,
    namespace: str,
    name: str,
    run_id: str,
    analysis_id: str,
    app_id: str,
) -> list[str]:
    command = [
        "spark-submit",
        "--master", config.spark_master,
        "--deploy-mode", "client",
        "--properties-file", f"{CONF_MOUNT}/{DEFAULTS_FILE}",
        # Per try: the executors of a failed try never mix with the next try's.
        "--conf", f"spark.app.id={app_id}",
        "--conf", f"spark.kubernetes.executor.podNamePrefix={app_id}",
        # Executors get the driver pod as owner, so they go when the Job's pod goes.
        "--conf", "spark.kubernetes.driver.pod.name=$(SPARK_DRIVER_POD_NAME)",
        APPLICATION,
        film_argument(spec),
        "--cast", cast_dir(spec, namespace, name, run_id),
        "--db", "$(WOS_DATABASE_URL)",
        "--analysis-id", analysis_id,
        "--fps", _number(spec.frames_per_second),
        "--segment-seconds", str(spec.segment_seconds),
        "--engine", spec.engine,
    ]
    if spec.threshold is not None:
        command += ["--threshold", _number(spec.threshold)]
    return command


def _spark_defaults(
    film_analysis: Mapping[str, Any],
    spec: specs.AnalysisSpec,
    config: settings.OperatorSettings,
    *,
    run_id: str,
) -> str:
    name = film_analysis["metadata"]["name"]
    namespace = film_analysis["metadata"]["namespace"]
    properties: dict[str, object] = {
        "spark.master": config.spark_master,
        "spark.submit.deployMode": "client",
        "spark.app.name": naming.child_name(name, run_id, "analysis"),
        "spark.kubernetes.namespace": namespace,
        "spark.kubernetes.container.image": config.analyzer_image,
        "spark.kubernetes.container.image.pullPolicy": config.image_pull_policy,
        "spark.kubernetes.authenticate.driver.serviceAccountName": config.spark_service_account,
        "spark.kubernetes.executor.podTemplateFile": f"{CONF_MOUNT}/{TEMPLATE_FILE}",
        "spark.kubernetes.executor.podTemplateContainerName": "executor",
        # Executors reach the driver through the headless Service, on fixed ports.
        "spark.driver.host": f"{service_name(name, run_id)}.{namespace}.svc",
        "spark.driver.bindAddress": "0.0.0.0",
        "spark.driver.port": DRIVER_PORT,
        "spark.driver.blockManager.port": BLOCK_MANAGER_PORT,
        "spark.driver.memory": DRIVER_MEMORY,
        "spark.executor.cores": EXECUTOR_CORES,
        "spark.executor.memory": EXECUTOR_MEMORY,
        # Kubernetes has no external shuffle service: shuffle tracking lets Spark release
        # an idle executor once no shuffle data lives only there.
        "spark.dynamicAllocation.enabled": "true",
        "spark.dynamicAllocation.shuffleTracking.enabled": "true",
        "spark.dynamicAllocation.minExecutors": spec.min_executors,
        "spark.dynamicAllocation.initialExecutors": max(spec.min_executors, 1),
        "spark.dynamicAllocation.maxExecutors": spec.max_executors,
    }
    lines = [f"{key} {value}" for key, value in properties.items()]
    return "\n".join(lines) + "\n"


def _executor_template(
    film_analysis: Mapping[str, Any],
    spec: specs.AnalysisSpec,
    config: settings.OperatorSettings,
    *,
    run_id: str,
) -> dict[str, Any]:
    """The pod every executor starts from: labels, GPU, node placement, volumes."""
    name = film_analysis["metadata"]["name"]
    container: dict[str, Any] = {
        "name": "executor",
        "env": [manifests.database_env(spec, config)],
        "volumeMounts": _data_mounts(spec),
        "securityContext": manifests.CONTAINER_SECURITY,
    }
    pod_spec: dict[str, Any] = {
        "securityContext": manifests.POD_SECURITY,
        "containers": [container],
        "volumes": _data_volumes(spec, config),
    }
    if spec.gpu_enabled:
        container["resources"] = {"limits": {config.gpu_resource_name: spec.gpu_count}}
        if config.gpu_node_selector:
            pod_spec["nodeSelector"] = dict(config.gpu_node_selector)
        if config.gpu_tolerations:
            pod_spec["tolerations"] = [dict(t) for t in config.gpu_tolerations]
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"labels": naming.labels(name, run_id, "executor")},
        "spec": pod_spec,
    }


def _s3_env(spec: specs.AnalysisSpec) -> list[dict[str, str]]:
    """Where the driver finds an s3:// film's store, as boto3 reads it from the environment."""
    access = spec.film_s3
    if access is None:
        return []
    env: list[dict[str, str]] = []
    if access.endpoint:
        env.append({"name": "AWS_ENDPOINT_URL_S3", "value": access.endpoint})
    if access.region:
        env.append({"name": "AWS_REGION", "value": access.region})
    return env


def _driver_selector(name: str, run_id: str) -> dict[str, str]:
    return {
        naming.FILM_ANALYSIS_LABEL: naming.label_value(name),
        naming.RUN_ID_LABEL: run_id,
        naming.COMPONENT_LABEL: "driver",
    }


def _data_mounts(spec: specs.AnalysisSpec) -> list[dict[str, Any]]:
    """Where the film and the cast folder appear in the driver and the executors."""
    mounts: list[dict[str, Any]] = []
    if spec.film_volume is not None:
        mounts.append({"name": "film", "mountPath": FILM_MOUNT, "readOnly": True})
    if spec.cast_volume is not None:
        mounts.append({"name": "cast", "mountPath": CAST_MOUNT, "readOnly": True})
    else:
        mounts.append(
            {"name": "galleries", "mountPath": gallery.GALLERIES_MOUNT, "readOnly": True}
        )
    return mounts


def _data_volumes(
    spec: specs.AnalysisSpec, config: settings.OperatorSettings
) -> list[dict[str, Any]]:
    volumes: list[dict[str, Any]] = []
    if spec.film_volume is not None:
        volumes.append(
            manifests.claim_volume("film", spec.film_volume.claim_name, read_only=True)
        )
    if spec.cast_volume is not None:
        volumes.append(
            manifests.claim_volume("cast", spec.cast_volume.claim_name, read_only=True)
        )
    else:
        volumes.append(manifests.claim_volume("galleries", config.gallery_claim, read_only=True))
    return volumes


def _number(value: float) -> str:
    """A number as the command line shows it: 2 rather than 2.0."""
    return f"{value:g}"
