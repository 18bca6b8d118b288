"""The gallery job: from a cast spec to a cast folder, database rows and a report."""

from __future__ import annotations

import contextlib
import dataclasses
import datetime
import logging
import pathlib
import time
from collections.abc import Sequence

import numpy as np
import requests
import sqlalchemy

from wos import errors
from wos.faces import engine as engine_
from wos.gallery import photos as photos_
from wos.scraping import browser as browser_
from wos.scraping import downloads, pages, selectors, specs, tables
from wos.scraping import settings as settings_
from wos.scraping import visits as visits_

logger = logging.getLogger(__name__)


@dataclasses.dataclass(frozen=True)
class BuildReport:
    """What one run of the gallery job did, for the command's summary."""

    people: int  # people the run set out to gather photos of
    people_ready: int  # of those, people with at least one accepted photo
    photos_accepted: int
    photos_rejected: int  # downloaded but not exactly one clear face, or not an image
    photos_failed: int  # not downloaded: missing, wrong type, too big, forbidden, timed out
    pages_opened: int
    budget_reached: bool
    problems: tuple[str, ...]  # one line per person or page skipped, with the reason


@dataclasses.dataclass
class _Run:
    """What one run shares between its steps."""

    spec: specs.CastSpec
    gallery_dir: pathlib.Path
    db: sqlalchemy.Engine
    settings: settings_.ScrapeSettings
    face_engine: engine_.FaceEngine
    session: requests.Session
    visits: visits_.Visits
    browser: browser_.Browser | None
    accepted: int = 0
    rejected: int = 0
    failed: int = 0
    problems: list[str] = dataclasses.field(default_factory=list)

    @property
    def title_key(self) -> str:
        return self.spec.title_id or tables.NO_TITLE


def build_gallery(
    spec: specs.CastSpec,
    *,
    gallery_dir: pathlib.Path,
    db: sqlalchemy.Engine,
    face_engine: engine_.FaceEngine,
    settings: settings_.ScrapeSettings | None = None,
    listed_cast: Sequence[specs.CastMember] | None = None,
    browser: browser_.Browser | None = None,
) -> BuildReport:
    """Gather, check and store photos of the spec's people; the report says what happened.

    ``listed_cast`` is the title's cast when it is already known (from the IMDb datasets):
    the full-credits page is then not visited. ``browser`` lets a caller share one browser
    between runs; without it, one is started when pages must be read and always quit.
    """
    settings = settings or settings_.ScrapeSettings()
    tables.metadata.create_all(db, checkfirst=True)
    gallery_dir.mkdir(parents=True, exist_ok=True)
    with contextlib.ExitStack() as stack:
        if browser is None and spec.title_id is not None:
            browser = stack.enter_context(browser_.open_browser(settings))
        session = stack.enter_context(downloads.new_session(settings))
        run = _Run(
            spec=spec,
            gallery_dir=gallery_dir,
            db=db,
            settings=settings,
            face_engine=face_engine,
            session=session,
            visits=visits_.Visits(settings, session),
            browser=browser,
        )
        return _build(run, listed_cast)


def _build(run: _Run, listed_cast: Sequence[specs.CastMember] | None) -> BuildReport:
    # The cast first, all of it stored as pending, so a run stopped by its page budget
    # still leaves every person it meant to visit in the table.
    started = time.monotonic()
    budget_reached = False
    try:
        cast = _cast_of(run, listed_cast)
    except visits_.BudgetReached:
        cast, budget_reached = [], True
    people = _with_listed_people(cast, run.spec.people)
    _store_people(run, [_person_row(run, member, "pending", None) for member in people])
    logger.info("Gathering photos of %d people into %s", len(people), run.gallery_dir)

    # Then each person in billing order, until the budget runs out.
    ready = 0
    for member in people:
        if budget_reached:
            _store_people(run, [_person_row(run, member, "pending", _BUDGET_REASON)])
            continue
        try:
            ready += _gather_person(run, member)
        except visits_.BudgetReached:
            budget_reached = True
            _store_people(run, [_person_row(run, member, "pending", _BUDGET_REASON)])
    if budget_reached:
        logger.warning("The page budget of %d pages is spent", run.settings.page_budget)
        run.problems.append(_BUDGET_REASON)

    logger.info(
        "Gallery in %s: %d of %d people ready, %d photos accepted, %d pages opened, in %.1f s",
        run.gallery_dir,
        ready,
        len(people),
        run.accepted,
        run.visits.pages_opened,
        time.monotonic() - started,
    )
    return BuildReport(
        people=len(people),
        people_ready=ready,
        photos_accepted=run.accepted,
        photos_rejected=run.rejected,
        photos_failed=run.failed,
        pages_opened=run.visits.pages_opened,
        budget_reached=budget_reached,
        problems=tuple(run.problems),
    )


_BUDGET_REASON = "the page budget was reached before this person's page"


def _cast_of(run: _Run, listed_cast: Sequence[specs.CastMember] | None) -> list[specs.CastMember]:
    """The first ``keep`` members of the title's cast, from the datasets or its page."""
    title_id = run.spec.title_id
    if title_id is None:
        return []
    if listed_cast:
        logger.info("Read the cast of %s from the IMDb datasets tables", title_id)
        return list(listed_cast)[: run.spec.keep]
    assert run.browser is not None, "a title's cast is read with a browser"

    url = run.settings.site + selectors.FULL_CREDITS_PATH.format(title_id=title_id)
    try:
        pages.visit(run.browser, run.visits, run.settings, url)
    except pages.PageSkipped as skipped:
        raise errors.ScrapeError(
            f"the cast of {title_id} cannot be read: {skipped.reason}"
        ) from None
    cast = pages.read_cast(run.browser, url, keep=run.spec.keep)
    logger.info("Read %d cast members of %s from %s", len(cast), title_id, url)
    return cast


def _with_listed_people(
    cast: list[specs.CastMember], listed: Sequence[specs.ListedPerson]
) -> list[specs.CastMember]:
    """The cast, then the spec's listed people who are not in it (by display name)."""
    names = {member.name for member in cast}
    extra = [
        specs.CastMember(name=person.name, person_id=None, character=None, billing_order=None)
        for person in listed
        if person.name not in names
    ]
    return cast + extra


def _gather_person(run: _Run, member: specs.CastMember) -> int:
    """Find, download and check one person's photos; 1 if any was accepted, else 0."""
    # Photos listed in the spec come first: the user chose them.
    urls = [
        url for person in run.spec.people if person.name == member.name for url in person.photo_urls
    ]
    page_problem = None
    if member.person_id is not None and run.browser is not None:
        url = run.settings.site + selectors.PERSON_PATH.format(person_id=member.person_id)
        try:
            pages.visit(run.browser, run.visits, run.settings, url)
            urls += [
                found for found in pages.read_photo_urls(run.browser, url) if found not in urls
            ]
        except pages.PageSkipped as skipped:
            page_problem = skipped.reason
            logger.warning("Skipping the page of %s: %s", member.name, skipped.reason)

    # Too few photos to even try: say why.
    if not urls:
        reason = page_problem or "no photo found: the person page has no headshot or photos"
        status = "skipped" if page_problem else "no_photos"
        run.problems.append(f"{member.name}: {reason}")
        _store_people(run, [_person_row(run, member, status, reason)])
        return 0

    accepted = _gather_photos(run, member, urls)
    if accepted:
        logger.info("%s: %d photo(s) accepted", member.name, accepted)
        _store_people(run, [_person_row(run, member, "ready", page_problem, accepted)])
        return 1
    reason = f"none of {len(urls)} photo(s) shows exactly one clear face"
    run.problems.append(f"{member.name}: {reason}")
    _store_people(run, [_person_row(run, member, "no_photos", reason)])
    return 0


def _gather_photos(run: _Run, member: specs.CastMember, urls: list[str]) -> int:
    """Try the photos in order until ``photosPerPerson`` are accepted; how many were."""
    folder = run.gallery_dir / folder_name(member.name)
    accepted = 0
    for url in urls:
        if accepted >= run.spec.photos_per_person:
            break
        row = _photo_row(run, member, url)
        try:
            data = downloads.download_photo(run.session, run.visits, run.settings, url)
        except downloads.DownloadFailed as failure:
            logger.warning("Photo of %s not downloaded: %s", member.name, failure.reason)
            run.failed += 1
            _store_photos(run, [row | {"status": "failed", "reason": failure.reason}])
            continue

        verdict_row = _checked_photo(run, member, url, data, folder)
        _store_photos(run, [row | verdict_row])
        if verdict_row["status"] == "accepted":
            accepted += 1
            run.accepted += 1
        else:
            run.rejected += 1
    return accepted


def _checked_photo(
    run: _Run, member: specs.CastMember, url: str, data: bytes, folder: pathlib.Path
) -> dict[str, object]:
    """The photo's verdict as row fields; an accepted photo is written into the folder."""
    try:
        image = photos_.load_photo(data)
    except errors.WosError as error:
        logger.warning("Photo of %s at %s is not a readable image", member.name, url)
        logger.debug("Reading %s failed: %s", url, error)
        return {"status": "rejected", "reason": "not a readable image"}
    verdict = photos_.check_photo(run.face_engine, image)
    if verdict.face is None:
        logger.info("Photo of %s at %s rejected: %s", member.name, url, verdict.reason)
        return {"status": "rejected", "reason": verdict.reason}

    # Named by the address, so a re-run rewrites the same file instead of adding one.
    file_name = f"{tables.url_key(url)[:16]}{_suffix(data)}"
    folder.mkdir(parents=True, exist_ok=True)
    partial = folder / f".{file_name}.partial"
    partial.write_bytes(data)
    partial.replace(folder / file_name)
    embedding = np.asarray(verdict.face.embedding, dtype="<f4")
    return {
        "status": "accepted",
        "reason": None,
        "file_name": file_name,
        "engine": run.face_engine.name,
        "face_score": float(verdict.face.score),
        "embedding": embedding.tobytes(),
    }


def folder_name(name: str) -> str:
    """The cast-folder sub-folder of a person: the display name, made safe for a path."""
    return name.replace("/", "-").lstrip(".") or "unnamed"


def _suffix(data: bytes) -> str:
    if data.startswith(b"\x89PNG"):
        return ".png"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return ".webp"
    return ".jpg"


def _person_row(
    run: _Run,
    member: specs.CastMember,
    status: str,
    reason: str | None,
    accepted: int = 0,
) -> dict[str, object]:
    return {
        "title_id": run.title_key,
        "name": member.name,
        "person_id": member.person_id,
        "character_name": member.character,
        "billing_order": member.billing_order,
        "source": "imdb" if member.person_id else "list",
        "status": status,
        "reason": reason,
        "folder": folder_name(member.name) if accepted else None,
        "photos_accepted": accepted,
        "updated_at": _now(),
    }


def _photo_row(run: _Run, member: specs.CastMember, url: str) -> dict[str, object]:
    return {
        "title_id": run.title_key,
        "name": member.name,
        "url_sha256": tables.url_key(url),
        "url": url,
        "status": "failed",
        "reason": None,
        "file_name": None,
        "engine": None,
        "face_score": None,
        "embedding": None,
        "updated_at": _now(),
    }


def _store_people(run: _Run, rows: list[dict[str, object]]) -> None:
    with run.db.begin() as connection:
        tables.upsert(connection, tables.gallery_people, rows)


def _store_photos(run: _Run, rows: list[dict[str, object]]) -> None:
    with run.db.begin() as connection:
        tables.upsert(connection, tables.gallery_photos, rows)


def _now() -> datetime.datetime:
    return datetime.datetime.now(datetime.UTC).replace(tzinfo=None)
