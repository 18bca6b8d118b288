"""A FilmAnalysis spec read into a typed record, with the checks its schema cannot make.

The CRD's schema rejects malformed fields at admission; what it cannot express in plain
OpenAPI (relations between fields) is checked here, so a spec that reaches the operator
some other way (an older CRD, a disabled validation) still fails with a clear message.
The defaults repeat the schema's, for the same reason.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Mapping
from typing import Any

from wos import errors


class SpecError(errors.SettingsError):
    """A FilmAnalysis spec that cannot be run; the message names the field and the fix."""


@dataclasses.dataclass(frozen=True)
class VolumeFile:
    """A file or folder on a PersistentVolumeClaim of the FilmAnalysis's namespace."""

    claim_name: str
    path: str


@dataclasses.dataclass(frozen=True)
class S3Access:
    """How the driver reaches an s3:// film (spec.film.s3); executors get a presigned URL."""

    # A Secret whose keys (AWS_ACCESS_KEY_ID, ...) become the driver's environment; None:
    # the driver's own credentials, such as a role of its service account.
    credentials_secret: str | None = None
    # An S3-compatible store's URL (AWS_ENDPOINT_URL_S3); None: AWS S3 itself.
    endpoint: str | None = None
    # The bucket's region (AWS_REGION); None: the Secret's, else boto3's default.
    region: str | None = None


@dataclasses.dataclass(frozen=True)
class AnalysisSpec:
    """One FilmAnalysis's spec, defaults filled in."""

    film_url: str | None
    film_volume: VolumeFile | None
    # spec.cast as given, with the schema's defaults: the gallery job's --cast-spec.
    cast: Mapping[str, Any]
    cast_volume: VolumeFile | None
    frames_per_second: float
    segment_seconds: int
    engine: str
    threshold: float | None  # None: the engine's own default
    min_executors: int
    max_executors: int
    gpu_enabled: bool
    gpu_count: int
    database_secret: str | None  # None: the operator's default Secret
    database_key: str | None
    deadline_seconds: int
    retry_limit: int
    # spec.film.s3; None when the spec has none.
    film_s3: S3Access | None = None

    @property
    def needs_gallery(self) -> bool:
        """A cast folder on a volume is used as it is; any other cast is scraped first."""
        return self.cast_volume is None


def read_spec(spec: Mapping[str, Any]) -> AnalysisSpec:
    """The spec checked and typed; ``SpecError`` names the first problem found."""
    film = _section(spec, "film")
    cast = _section(spec, "cast")
    sampling = _section(spec, "sampling")
    engine = _section(spec, "engine")
    executors = _section(spec, "executors")
    gpu = _section(spec, "gpu")
    database = _section(spec, "database")

    analysis = AnalysisSpec(
        film_url=film.get("url"),
        film_volume=_volume(film, "film.volume"),
        cast=_cast_with_defaults(cast),
        cast_volume=_volume(cast, "cast.volume"),
        frames_per_second=_number(sampling, "sampling.framesPerSecond", 2.0, float),
        segment_seconds=_number(sampling, "sampling.segmentSeconds", 60, int),
        engine=str(engine.get("name", "sface")),
        threshold=_optional_number(engine, "engine.threshold"),
        min_executors=_number(executors, "executors.min", 1, int),
        max_executors=_number(executors, "executors.max", 4, int),
        gpu_enabled=bool(gpu.get("enabled", False)),
        gpu_count=_number(gpu, "gpu.count", 1, int),
        database_secret=database.get("secretName"),
        database_key=database.get("key"),
        deadline_seconds=_number(spec, "deadlineSeconds", 86400, int),
        retry_limit=_number(spec, "retryLimit", 2, int),
        film_s3=_s3_access(film),
    )
    _check_film(analysis)
    _check_cast(cast)
    _check_executors(analysis)
    return analysis


def spec_hash(spec: Mapping[str, Any]) -> str:
    """A short fingerprint of the spec: a run remembers it to notice a changed spec."""
    # Kopf hands out read-only mapping views: `default=dict` reads them as plain objects.
    canonical = json.dumps(spec, sort_keys=True, separators=(",", ":"), default=dict)
    return hashlib.sha256(canonical.encode()).hexdigest()[:16]


def _section(spec: Mapping[str, Any], key: str) -> Mapping[str, Any]:
    value = spec.get(key) or {}
    if not isinstance(value, Mapping):
        raise SpecError(f"spec.{key} is {value!r}: give an object, as in examples/")
    return value


def _volume(section: Mapping[str, Any], where: str) -> VolumeFile | None:
    volume = section.get("volume")
    if volume is None:
        return None
    if not isinstance(volume, Mapping) or not volume.get("claimName") or not volume.get("path"):
        raise SpecError(f"spec.{where} is {volume!r}: give both claimName and path")
    return VolumeFile(claim_name=str(volume["claimName"]), path=str(volume["path"]))


def _s3_access(film: Mapping[str, Any]) -> S3Access | None:
    s3 = film.get("s3")
    if s3 is None:
        return None
    if not isinstance(s3, Mapping):
        raise SpecError(f"spec.film.s3 is {s3!r}: give an object, as in examples/s3-film.yaml")
    fields: dict[str, str | None] = {"credentialsSecret": None, "endpoint": None, "region": None}
    for key in fields:
        value = s3.get(key)
        if value is not None and (not isinstance(value, str) or not value):
            raise SpecError(f"spec.film.s3.{key} is {value!r}: give a non-empty string")
        fields[key] = value
    return S3Access(
        credentials_secret=fields["credentialsSecret"], endpoint=fields["endpoint"],
        region=fields["region"],
    )


def _cast_with_defaults(cast: Mapping[str, Any]) -> dict[str, Any]:
    """spec.cast with the schema's defaults, which an API server would have filled in."""
    if "volume" in cast:
        return dict(cast)
    return {"keep": 10, "photosPerPerson": 3, **cast}


def _number(section: Mapping[str, Any], where: str, default: Any, kind: type) -> Any:
    value = section.get(where.rsplit(".", 1)[-1], default)
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise SpecError(f"spec.{where} is {value!r}: give a number")
    if kind is int and value != int(value):
        raise SpecError(f"spec.{where} is {value!r}: give a whole number")
    return kind(value)


def _optional_number(section: Mapping[str, Any], where: str) -> float | None:
    if section.get(where.rsplit(".", 1)[-1]) is None:
        return None
    return float(_number(section, where, None, float))


def _check_film(spec: AnalysisSpec) -> None:
    # One film per analysis: with both given, which one was meant is a guess.
    if (spec.film_url is None) == (spec.film_volume is None):
        raise SpecError(
            "spec.film must give exactly one of url (http, https or s3) and "
            "volume (claimName and path)"
        )
    # Credentials for S3 next to an http(s) URL or a volume would be sent nowhere: the
    # user meant an s3:// URL, or copied the section by mistake.
    if spec.film_s3 is not None and not (spec.film_url or "").startswith("s3://"):
        raise SpecError(
            "spec.film.s3 goes with an s3:// film URL only: give spec.film.url as "
            "s3://BUCKET/KEY, or drop spec.film.s3"
        )


def _check_cast(cast: Mapping[str, Any]) -> None:
    scraped = bool(cast.get("imdbTitleId")) or bool(cast.get("people"))
    if not scraped and cast.get("volume") is None:
        raise SpecError(
            "spec.cast names nobody: give imdbTitleId, people with photoUrls, "
            "or a volume holding a cast folder"
        )
    # A folder of the user's own photos is used as it is; mixing it with scraped people
    # would need a gallery job to write into the user's claim.
    if scraped and cast.get("volume") is not None:
        raise SpecError(
            "spec.cast.volume cannot be combined with imdbTitleId or people: "
            "put every person's photos in the folder, or drop the volume"
        )


def _check_executors(spec: AnalysisSpec) -> None:
    if spec.min_executors > spec.max_executors:
        raise SpecError(
            f"spec.executors.min ({spec.min_executors}) exceeds spec.executors.max "
            f"({spec.max_executors}): raise max or lower min"
        )
