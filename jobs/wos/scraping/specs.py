"""The FilmAnalysis ``spec.cast`` object: which people to gather photos of, and from where."""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Mapping
from typing import Any

from wos import errors

TITLE_ID = re.compile(r"tt\d{7,}")
PERSON_ID = re.compile(r"nm\d{7,}")


@dataclasses.dataclass(frozen=True)
class ListedPerson:
    """A person the spec names directly, with the photos to download for them."""

    name: str
    photo_urls: tuple[str, ...]


@dataclasses.dataclass(frozen=True)
class CastMember:
    """One credited cast member of a title, as IMDb bills them."""

    name: str
    person_id: str | None  # "nm..." when known; people listed by name alone have none
    character: str | None
    billing_order: int | None  # 1 for the top-billed member; None for people listed by name


@dataclasses.dataclass(frozen=True)
class CastSpec:
    """Where the cast comes from: an IMDb title, a list of people with photos, or both."""

    # The IMDb title whose cast is read; None when the spec only lists people.
    title_id: str | None = None
    # How many cast members to keep, in billing order: the leads carry most screen time.
    keep: int = 10
    # Photos kept per person (headshot first): three views cover most head poses.
    photos_per_person: int = 3
    people: tuple[ListedPerson, ...] = ()


def parse_cast_spec(text: str) -> CastSpec:
    """The cast spec in a JSON string, checked; a bad one raises ``SettingsError``."""
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise errors.SettingsError(
            f"the cast spec is not valid JSON ({error.msg} at character {error.pos}): "
            'give an object like {"imdbTitleId": "tt0000001"}'
        ) from None
    if not isinstance(document, Mapping):
        raise errors.SettingsError(
            f"the cast spec {text[:60]!r} is not a JSON object: "
            'give one like {"imdbTitleId": "tt0000001"}'
        )
    return cast_spec_from(document)


def cast_spec_from(document: Mapping[str, Any]) -> CastSpec:
    """The cast spec in a decoded ``spec.cast`` object, checked."""
    title_id = document.get("imdbTitleId")
    if title_id is not None:
        check_title_id(title_id)
    keep = _positive_int(document, "keep", 10)
    photos_per_person = _positive_int(document, "photosPerPerson", 3)
    people = tuple(_listed_person(entry) for entry in document.get("people") or ())

    # Without a title and without listed people there is nobody to build a gallery of.
    if title_id is None and not people:
        raise errors.SettingsError(
            "the cast spec names no source of people: give an imdbTitleId, or people with photoUrls"
        )
    return CastSpec(
        title_id=title_id, keep=keep, photos_per_person=photos_per_person, people=people
    )


def check_title_id(title_id: object) -> str:
    """The title id if it is an IMDb one (``tt`` and 7 or more digits), else ``SettingsError``."""
    if not isinstance(title_id, str) or not TITLE_ID.fullmatch(title_id):
        raise errors.SettingsError(
            f"the IMDb title id {title_id!r} is not valid: give 'tt' followed by 7 or more "
            "digits, as in the title's IMDb address (e.g. tt0000001)"
        )
    return title_id


def _positive_int(document: Mapping[str, Any], key: str, default: int) -> int:
    value = document.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise errors.SettingsError(
            f"the cast spec's {key} is {value!r}: give a whole number of 1 or more"
        )
    return int(value)


def _listed_person(entry: object) -> ListedPerson:
    if not isinstance(entry, Mapping) or not isinstance(entry.get("name"), str):
        raise errors.SettingsError(
            f"the cast spec's person {entry!r} has no name: give "
            '{"name": "...", "photoUrls": ["https://..."]}'
        )
    name = entry["name"].strip()
    if not name or "/" in name or name in (".", ".."):
        raise errors.SettingsError(
            f"the person name {entry['name']!r} cannot name a gallery folder: "
            "give the display name without slashes"
        )
    urls = entry.get("photoUrls") or []
    for url in urls:
        if not isinstance(url, str) or not url.startswith(("http://", "https://")):
            raise errors.SettingsError(
                f"the photo URL {url!r} of {name} is not an http(s) URL: give a full address"
            )
    return ListedPerson(name=name, photo_urls=tuple(urls))
