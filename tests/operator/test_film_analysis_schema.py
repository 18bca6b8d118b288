"""The CRD's schema rejects bad specs at admission; the operator rejects what it cannot."""

from __future__ import annotations

import copy
import pathlib
from collections.abc import Iterator
from typing import Any

import jsonschema
import kubernetes_validate
import pytest
import yaml
from film_analyses import EXAMPLES, UserView, example
from kube.fixtures import OperatorRunner, eventually

from wos_operator import specs

CRD = yaml.safe_load((pathlib.Path(__file__).resolve().parents[2] / "crds" /
                      "filmanalysis.yaml").read_text())
[VERSION] = CRD["spec"]["versions"]
SCHEMA = VERSION["schema"]["openAPIV3Schema"]


def admission_errors(document: dict[str, Any]) -> list[str]:
    """What the API server's schema validation would say, path by path."""
    validator = jsonschema.Draft4Validator(SCHEMA)
    return sorted(
        "/".join(str(part) for part in error.absolute_path) + ": " + error.validator
        for error in validator.iter_errors(document)
    )


def changed(**changes: Any) -> dict[str, Any]:
    """The Hamilton example with spec fields set (None removes one); keys are dotted paths."""
    document = copy.deepcopy(example("hamilton.yaml"))
    for path, value in changes.items():
        *parents, last = path.split("__")
        target = document["spec"]
        for part in parents:
            target = target.setdefault(part, {})
        if value is None:
            target.pop(last, None)
        else:
            target[last] = value
    return document


@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("*.yaml")), ids=lambda p: p.name)
def test_every_example_passes_the_schema(path: pathlib.Path) -> None:
    document = yaml.safe_load(path.read_text())
    assert admission_errors(document) == []
    specs.read_spec(document["spec"])  # and the operator's own checks


@pytest.mark.parametrize(
    ("document", "error"),
    [
        (changed(film=None), "spec: required"),
        (changed(cast=None), "spec: required"),
        (changed(film={"url": "ftp://films.example.org/a.mp4"}), "spec/film/url: pattern"),
        (changed(film={"url": "https://"}), "spec/film/url: pattern"),
        (changed(film={"volume": {"claimName": "Films", "path": "a.mp4"}}),
         "spec/film/volume/claimName: pattern"),
        (changed(film={"volume": {"claimName": "films", "path": "../etc/passwd"}}),
         "spec/film/volume/path: pattern"),
        (changed(film={"volume": {"claimName": "films", "path": "/abs/a.mp4"}}),
         "spec/film/volume/path: pattern"),
        (changed(film={"volume": {"claimName": "films"}}), "spec/film/volume: required"),
        (changed(cast__imdbTitleId="8503618"), "spec/cast/imdbTitleId: pattern"),
        (changed(cast__keep=0), "spec/cast/keep: minimum"),
        (changed(cast__people=[{"name": "A/B", "photoUrls": []}]),
         "spec/cast/people/0/name: pattern"),
        (changed(cast__people=[{"photoUrls": ["https://a.example.org/x.jpg"]}]),
         "spec/cast/people/0: required"),
        (changed(cast__people=[{"name": "Ann", "photoUrls": ["file:///x.jpg"]}]),
         "spec/cast/people/0/photoUrls/0: pattern"),
        (changed(sampling__framesPerSecond=0), "spec/sampling/framesPerSecond: minimum"),
        (changed(sampling__segmentSeconds=5), "spec/sampling/segmentSeconds: minimum"),
        (changed(engine__name="dlib"), "spec/engine/name: enum"),
        (changed(engine__threshold=1.5), "spec/engine/threshold: maximum"),
        (changed(executors__max=0), "spec/executors/max: minimum"),
        (changed(gpu__count=0), "spec/gpu/count: minimum"),
        (changed(database__secretName="My_Secret"), "spec/database/secretName: pattern"),
        (changed(deadlineSeconds=10), "spec/deadlineSeconds: minimum"),
        (changed(retryLimit=11), "spec/retryLimit: maximum"),
        (changed(retryLimit="2"), "spec/retryLimit: type"),
        (changed(film={"url": "s3://films/a.mp4", "s3": "film-store"}), "spec/film/s3: type"),
        (changed(film={"url": "s3://films/a.mp4", "s3": {"credentialsSecret": "Film_Store"}}),
         "spec/film/s3/credentialsSecret: pattern"),
        (changed(film={"url": "s3://films/a.mp4", "s3": {"endpoint": "minio:9000"}}),
         "spec/film/s3/endpoint: pattern"),
        (changed(film={"url": "s3://films/a.mp4", "s3": {"region": "EU West 1"}}),
         "spec/film/s3/region: pattern"),
    ],
)
def test_the_schema_rejects_a_bad_spec_at_the_offending_field(
    document: dict[str, Any], error: str
) -> None:
    assert error in admission_errors(document)


@pytest.mark.parametrize(
    ("spec_changes", "message"),
    [
        ({"executors": {"min": 5, "max": 2}},
         "spec.executors.min (5) exceeds spec.executors.max (2): raise max or lower min"),
        ({"cast": {"keep": 3}},
         "spec.cast names nobody: give imdbTitleId, people with photoUrls, "
         "or a volume holding a cast folder"),
        ({"cast": {"imdbTitleId": "tt8503618", "volume": {"claimName": "c", "path": "cast"}}},
         "spec.cast.volume cannot be combined with imdbTitleId or people: "
         "put every person's photos in the folder, or drop the volume"),
        ({"film": {"url": "https://a.example.org/f.mp4",
                   "volume": {"claimName": "f", "path": "f.mp4"}}},
         "spec.film must give exactly one of url (http, https or s3) and "
         "volume (claimName and path)"),
        ({"film": {"url": "https://a.example.org/f.mp4", "s3": {"region": "eu-west-1"}}},
         "spec.film.s3 goes with an s3:// film URL only: give spec.film.url as "
         "s3://BUCKET/KEY, or drop spec.film.s3"),
    ],
)
def test_the_operator_rejects_what_the_schema_cannot_express(
    spec_changes: dict[str, Any], message: str
) -> None:
    document = example("hamilton.yaml")
    document["spec"].update(spec_changes)
    assert admission_errors(document) == []  # plain OpenAPI lets these through
    with pytest.raises(specs.SpecError) as raised:
        specs.read_spec(document["spec"])
    assert str(raised.value) == message


@pytest.mark.asyncio
async def test_an_unrunnable_spec_fails_at_once_with_a_warning_and_no_job(
    user: UserView, running_operator: OperatorRunner
) -> None:
    document = example("hamilton.yaml")
    document["spec"]["executors"] = {"min": 5, "max": 2}
    async with running_operator():
        await user.submit(document)
        status = await eventually(lambda: _failed(user), what="the Failed phase")
        events = await user.settled_events("hamilton", 1)
    message = (
        "The spec cannot run: spec.executors.min (5) exceeds spec.executors.max (2): "
        "raise max or lower min."
    )
    assert status["message"] == message
    assert status["conditions"][0]["type"] == "SpecValid"
    assert (status["conditions"][0]["status"], status["conditions"][0]["reason"]) == (
        "False", "InvalidSpec")
    assert events == [("Warning", "InvalidSpec", message)]
    assert await user.job_names() == []


async def _failed(user: UserView) -> dict[str, Any] | None:
    status = (await user.film_analysis("hamilton")).get("status", {})
    return status if status.get("phase") == "Failed" else None


def test_the_crd_is_a_valid_kubernetes_object() -> None:
    kubernetes_validate.validate(CRD, "1.33", strict=True)


def test_the_crd_names_and_serves_the_film_analysis_with_a_status_subresource() -> None:
    assert CRD["metadata"]["name"] == "filmanalyses.whoisonscreen.io"
    assert CRD["spec"]["group"] == "whoisonscreen.io"
    assert CRD["spec"]["scope"] == "Namespaced"
    names = CRD["spec"]["names"]
    assert (names["kind"], names["plural"], names["shortNames"]) == (
        "FilmAnalysis", "filmanalyses", ["fa"])
    assert VERSION["name"] == "v1alpha1" and VERSION["subresources"] == {"status": {}}
    columns = [c["name"] for c in VERSION["additionalPrinterColumns"] if not c.get("priority")]
    assert columns == ["Phase", "Progress", "People", "Duration", "Age"]


def _fields(schema: dict[str, Any], path: str) -> Iterator[tuple[str, dict[str, Any]]]:
    for name, field in schema.get("properties", {}).items():
        yield f"{path}.{name}", field
        yield from _fields(field, f"{path}.{name}")
    if "items" in schema:
        yield f"{path}[]", schema["items"]
        yield from _fields(schema["items"], f"{path}[]")


def test_every_field_of_the_schema_is_described() -> None:
    undescribed = [path for path, field in _fields(SCHEMA, "") if not field.get("description")]
    assert undescribed == []


def test_the_operator_defaults_are_the_schema_defaults() -> None:
    spec_schema = SCHEMA["properties"]["spec"]["properties"]
    parsed = specs.read_spec({"film": {"url": "https://a.example.org/f.mp4"},
                              "cast": {"imdbTitleId": "tt8503618"}})
    assert (parsed.frames_per_second, parsed.segment_seconds) == (
        spec_schema["sampling"]["properties"]["framesPerSecond"]["default"],
        spec_schema["sampling"]["properties"]["segmentSeconds"]["default"],
    )
    assert parsed.engine == spec_schema["engine"]["properties"]["name"]["default"]
    assert (parsed.min_executors, parsed.max_executors) == (
        spec_schema["executors"]["properties"]["min"]["default"],
        spec_schema["executors"]["properties"]["max"]["default"],
    )
    assert (parsed.gpu_enabled, parsed.gpu_count) == (
        spec_schema["gpu"]["properties"]["enabled"]["default"],
        spec_schema["gpu"]["properties"]["count"]["default"],
    )
    assert parsed.deadline_seconds == spec_schema["deadlineSeconds"]["default"]
    assert parsed.retry_limit == spec_schema["retryLimit"]["default"]
    assert (parsed.cast["keep"], parsed.cast["photosPerPerson"]) == (
        spec_schema["cast"]["properties"]["keep"]["default"],
        spec_schema["cast"]["properties"]["photosPerPerson"]["default"],
    )
