"""The operator's settings come from the environment variables docs/architecture.md names."""

from __future__ import annotations

import dataclasses
import pathlib
import re

import pytest

from wos import errors
from wos_operator import settings

ARCHITECTURE = pathlib.Path(__file__).resolve().parents[2] / "docs" / "architecture.md"

# Each variable of the architecture's table and the settings field it fills.
FIELDS = {
    "WOS_WATCH_NAMESPACES": "watch_namespaces",
    "WOS_ANALYZER_IMAGE": "analyzer_image",
    "WOS_SCRAPER_IMAGE": "scraper_image",
    "WOS_SCRAPER_BASE_URL": "scraper_base_url",
    "WOS_IMAGE_PULL_POLICY": "image_pull_policy",
    "WOS_SPARK_MASTER": "spark_master",
    "WOS_SPARK_SERVICE_ACCOUNT": "spark_service_account",
    "WOS_GPU_RESOURCE_NAME": "gpu_resource_name",
    "WOS_GPU_NODE_SELECTOR": "gpu_node_selector",
    "WOS_GPU_TOLERATIONS": "gpu_tolerations",
    "WOS_DATABASE_SECRET": "database_secret",
    "WOS_DATABASE_SECRET_KEY": "database_secret_key",
    "WOS_DATABASE_URL": "database_url",
    "WOS_GALLERY_CLAIM": "gallery_claim",
    "WOS_POLL_SECONDS": "poll_seconds",
    "WOS_RETRY_BACKOFF_SECONDS": "retry_backoff_seconds",
    "WOS_RETRY_BACKOFF_MAX_SECONDS": "retry_backoff_max_seconds",
    "WOS_HEALTH_PORT": "health_port",
}

# Variables of the same table that the jobs read, not the operator.
JOB_VARIABLES = {"WOS_MODEL_DIR", "WOS_INSIGHTFACE_PACK"}


def architecture_defaults() -> dict[str, str]:
    """The default column of the operator's settings table in docs/architecture.md."""
    rows = re.findall(r"^\| `(WOS_\w+)` \| [^|]+ \| (.+?) \|$", ARCHITECTURE.read_text(), re.M)
    return {name: default.strip("`") for name, default in rows}


def test_the_architecture_table_and_the_settings_name_the_same_variables() -> None:
    assert set(architecture_defaults()) - JOB_VARIABLES == set(FIELDS)


# How the table writes a default that is no plain string.
DOCUMENTED_VALUES = {"empty": (), "unset": None, "{}": {}, "[]": ()}


@pytest.mark.parametrize("variable", sorted(FIELDS))
def test_each_default_is_the_one_the_architecture_documents(variable: str) -> None:
    documented = architecture_defaults()[variable]
    value = getattr(settings.from_environment({}), FIELDS[variable])
    if isinstance(value, (int, float)):
        assert value == float(documented)
    else:
        assert value == DOCUMENTED_VALUES.get(documented, documented)


def test_the_environment_overrides_every_default() -> None:
    config = settings.from_environment({
        "WOS_WATCH_NAMESPACES": "films, archive,",
        "WOS_ANALYZER_IMAGE": "registry.local/analyzer:dev",
        "WOS_SCRAPER_IMAGE": "registry.local/scraper:dev",
        "WOS_SCRAPER_BASE_URL": "http://imdb-mirror.local:8080",
        "WOS_IMAGE_PULL_POLICY": "Always",
        "WOS_SPARK_MASTER": "k8s://https://10.0.0.1:6443",
        "WOS_SPARK_SERVICE_ACCOUNT": "spark",
        "WOS_GPU_RESOURCE_NAME": "amd.com/gpu",
        "WOS_GPU_NODE_SELECTOR": '{"gpu": "yes"}',
        "WOS_GPU_TOLERATIONS": '[{"key": "gpu", "operator": "Exists"}]',
        "WOS_DATABASE_SECRET": "db",
        "WOS_DATABASE_SECRET_KEY": "url",
        "WOS_DATABASE_URL": "sqlite:///wos.db",
        "WOS_GALLERY_CLAIM": "galleries",
        "WOS_POLL_SECONDS": "2.5",
        "WOS_RETRY_BACKOFF_SECONDS": "5",
        "WOS_HEALTH_PORT": "9090",
    })
    assert config.watch_namespaces == ("films", "archive")
    assert config.scraper_base_url == "http://imdb-mirror.local:8080"
    assert config.gpu_node_selector == {"gpu": "yes"}
    assert config.gpu_tolerations == ({"key": "gpu", "operator": "Exists"},)
    assert (config.poll_seconds, config.retry_backoff_seconds, config.health_port) == (
        2.5, 5.0, 9090)
    unchanged = [f.name for f in dataclasses.fields(config)
                 if getattr(config, f.name) == getattr(settings.OperatorSettings(), f.name)]
    assert unchanged == ["retry_backoff_max_seconds"]


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("WOS_GPU_NODE_SELECTOR", "{gpu: yes}",
         "WOS_GPU_NODE_SELECTOR is not valid JSON (Expecting property name enclosed in double "
         "quotes at character 1): '{gpu: yes}'"),
        ("WOS_GPU_NODE_SELECTOR", '["gpu"]',
         'WOS_GPU_NODE_SELECTOR is \'["gpu"]\': give a JSON object of label names to label '
         'values, e.g. {"nvidia.com/gpu.present": "true"}'),
        ("WOS_GPU_TOLERATIONS", '{"key": "gpu"}',
         'WOS_GPU_TOLERATIONS is \'{"key": "gpu"}\': give a JSON list of tolerations, e.g. '
         '[{"key": "nvidia.com/gpu", "operator": "Exists", "effect": "NoSchedule"}]'),
        ("WOS_IMAGE_PULL_POLICY", "Sometimes",
         "WOS_IMAGE_PULL_POLICY is 'Sometimes': give Always, IfNotPresent or Never"),
        ("WOS_SCRAPER_BASE_URL", "ftp://imdb-mirror.local",
         "WOS_SCRAPER_BASE_URL is 'ftp://imdb-mirror.local': give an http(s) URL such as "
         "https://www.imdb.com, or leave it unset for the scraper's default"),
        ("WOS_SCRAPER_BASE_URL", "imdb-mirror.local",
         "WOS_SCRAPER_BASE_URL is 'imdb-mirror.local': give an http(s) URL such as "
         "https://www.imdb.com, or leave it unset for the scraper's default"),
        ("WOS_POLL_SECONDS", "0", "WOS_POLL_SECONDS is '0': give a positive number"),
        ("WOS_RETRY_BACKOFF_SECONDS", "soon",
         "WOS_RETRY_BACKOFF_SECONDS is 'soon': give a positive number"),
    ],
)
def test_a_bad_setting_is_refused_with_the_variable_and_the_fix(
    variable: str, value: str, message: str
) -> None:
    with pytest.raises(errors.SettingsError) as raised:
        settings.from_environment({variable: value})
    assert str(raised.value) == message


def test_settings_cannot_change_once_read() -> None:
    config = settings.from_environment({})
    with pytest.raises(dataclasses.FrozenInstanceError):
        config.poll_seconds = 1.0  # type: ignore[misc]
