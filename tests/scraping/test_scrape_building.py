"""The gallery job against the local site with a real Chromium, face engine and database."""

from __future__ import annotations

import pathlib

import numpy as np
import pytest
import sqlalchemy
from local_site import SMALL_TITLE_ID, TITLE_ID, site_settings
from wos import errors
from wos.faces import engines
from wos.gallery import galleries
from wos.scraping import building, settings, specs, tables
from wos.storage import database

pytestmark = pytest.mark.browser

READY = {
    "Barack Obama": 2,
    "Joe Biden": 2,
    "Kit Harington": 1,
    "Rose Leslie": 2,
    "Alex Lacamoire": 1,
}


@pytest.fixture(scope="module")
def face_engine():
    return engines.load_engine("sface")


@pytest.fixture(scope="module")
def full_run(site, browser, face_engine, tmp_path_factory):
    """One run over the whole cast of the main title, into SQLite: (report, db, folder)."""
    folder = tmp_path_factory.mktemp("full") / "cast"
    db = database.open_database(f"sqlite:///{folder.parent / 'wos.db'}")
    spec = specs.CastSpec(title_id=TITLE_ID, keep=9, photos_per_person=3)
    site.hits.clear()
    report = building.build_gallery(
        spec,
        gallery_dir=folder,
        db=db,
        face_engine=face_engine,
        settings=site_settings(site),
        browser=browser,
    )
    hits = list(site.hits)
    return report, db, folder, hits


def _people(db: sqlalchemy.Engine) -> dict[str, dict]:
    with db.connect() as connection:
        rows = connection.execute(sqlalchemy.select(tables.gallery_people)).mappings()
        return {row["name"]: dict(row) for row in rows}


def _photos(db: sqlalchemy.Engine) -> dict[str, dict]:
    """The photo rows by the last part of their address."""
    with db.connect() as connection:
        rows = connection.execute(sqlalchemy.select(tables.gallery_photos)).mappings()
        return {row["url"].rsplit("/", 1)[1]: dict(row) for row in rows}


def test_the_report_counts_people_photos_and_pages(full_run):
    report, _db, _folder, _hits = full_run

    assert report.people == 9
    assert report.people_ready == 5
    assert report.photos_accepted == sum(READY.values())
    assert (report.photos_rejected, report.photos_failed) == (3, 3)
    # The cast page, nine person pages minus the forbidden one, one more try of the stuck one.
    assert report.pages_opened == 1 + 8 + 1
    assert not report.budget_reached


def test_every_cast_member_is_stored_in_billing_order_with_a_status(full_run, site):
    _report, db, _folder, _hits = full_run
    people = _people(db)

    assert [(p["billing_order"], p["person_id"]) for p in people.values()] == [
        (order, f"nm000000{order}") for order in range(1, 10)
    ]
    ready = {name: p["photos_accepted"] for name, p in people.items() if p["status"] == "ready"}
    assert ready == READY
    assert people["Kit Harington"]["character_name"] == "Jon Snow"
    assert all(p["title_id"] == TITLE_ID for p in people.values())
    others = {name: (p["status"], p["reason"]) for name, p in people.items() if name not in READY}
    assert others == {
        "Nobody Pictured": (
            "no_photos",
            "no photo found: the person page has no headshot or photos",
        ),
        "Gone Missing": ("skipped", f"{site.url}/name/nm0000007/ answered HTTP 404"),
        "Kept Private": (
            "skipped",
            f"robots.txt of {site.url} disallows {site.url}/name/nm0000008/",
        ),
        "Stuck Page": (
            "skipped",
            f"{site.url}/name/nm0000009/ did not load within 2 s after 2 tries",
        ),
    }


def test_photos_without_exactly_one_clear_face_or_not_downloadable_are_recorded(full_run, site):
    _report, db, _folder, _hits = full_run
    photos = _photos(db)

    verdicts = {name: (row["status"], row["reason"]) for name, row in photos.items()}
    assert verdicts["two_faces.jpg"] == ("rejected", "3 faces found")
    assert verdicts["no_face.png"] == ("rejected", "no face found")
    assert verdicts["not_an_image.jpg"] == ("rejected", "not a readable image")
    assert verdicts["john2.html"] == (
        "failed",
        f"{site.url}/photos/john2.html is text/html, not an image",
    )
    assert verdicts["missing.jpg"] == (
        "failed",
        f"{site.url}/photos/missing.jpg answered HTTP 404",
    )
    assert verdicts["stuck.jpg"] == (
        "failed",
        f"{site.url}/photos/stuck.jpg did not answer within 1.5 s after 2 tries",
    )
    # The slow photo came within the timeout and was kept.
    assert verdicts["rose_slow.jpg"] == ("accepted", None)


def test_accepted_photos_carry_a_unit_embedding_and_a_file_in_the_cast_folder(full_run):
    _report, db, folder, _hits = full_run
    accepted = [row for row in _photos(db).values() if row["status"] == "accepted"]

    assert len(accepted) == sum(READY.values())
    for row in accepted:
        embedding = np.frombuffer(row["embedding"], dtype="<f4")
        assert embedding.shape == (128,) and abs(float(np.linalg.norm(embedding)) - 1) < 1e-3
        assert row["engine"] == "sface"
        assert (folder / row["name"] / row["file_name"]).is_file()
    assert sorted(p.parent.name for p in folder.glob("*/*")) == sorted(
        name for name, count in READY.items() for _ in range(count)
    )


def test_the_cast_folder_loads_as_a_gallery_of_the_accepted_people(full_run, face_engine):
    _report, _db, folder, _hits = full_run

    gallery = galleries.load_gallery(folder, face_engine)

    assert gallery.people == tuple(sorted(READY))
    assert len(gallery.photos) == sum(READY.values())


def test_every_request_carries_the_project_user_agent_and_the_browser_loads_no_images(
    full_run,
):
    _report, _db, _folder, hits = full_run

    assert {"robots.txt", "title", "name", "photos"} <= {hit.path.split("/")[1] for hit in hits}
    assert "/images/placeholder.png" not in [hit.path for hit in hits]
    assert {hit.user_agent for hit in hits} == {settings.ScrapeSettings().user_agent}


def test_a_rerun_adds_no_people_photos_or_files(fresh_site, browser, face_engine, tmp_path):
    db = database.open_database(f"sqlite:///{tmp_path / 'wos.db'}")
    spec = specs.CastSpec(title_id=SMALL_TITLE_ID, keep=2, photos_per_person=3)

    def build() -> tuple[int, int, list[pathlib.Path]]:
        building.build_gallery(
            spec,
            gallery_dir=tmp_path / "cast",
            db=db,
            face_engine=face_engine,
            settings=site_settings(fresh_site),
            browser=browser,
        )
        return len(_people(db)), len(_photos(db)), sorted((tmp_path / "cast").rglob("*"))

    first = build()
    second = build()

    assert first == second
    assert first[:2] == (2, 6)


@pytest.mark.mariadb
def test_the_job_fills_a_mariadb_database_too(
    fresh_site, browser, face_engine, tmp_path, mariadb_url
):
    db = database.open_database(mariadb_url)
    spec = specs.CastSpec(title_id=SMALL_TITLE_ID, keep=2, photos_per_person=3)
    try:
        for _ in range(2):
            report = building.build_gallery(
                spec,
                gallery_dir=tmp_path / "cast",
                db=db,
                face_engine=face_engine,
                settings=site_settings(fresh_site),
                browser=browser,
            )
        people, photos = _people(db), _photos(db)
    finally:
        db.dispose()

    assert report.people_ready == 2
    assert {name: p["photos_accepted"] for name, p in people.items()} == {
        "Barack Obama": 2,
        "Joe Biden": 2,
    }
    assert len(photos) == 6
    gallery = galleries.load_gallery(tmp_path / "cast", face_engine)
    assert gallery.people == ("Barack Obama", "Joe Biden")


def test_the_page_budget_stops_the_run_and_keeps_what_it_gathered(
    fresh_site, browser, face_engine, tmp_path, caplog
):
    db = database.open_database(f"sqlite:///{tmp_path / 'wos.db'}")
    spec = specs.CastSpec(title_id=TITLE_ID, keep=5, photos_per_person=1)

    report = building.build_gallery(
        spec,
        gallery_dir=tmp_path / "cast",
        db=db,
        face_engine=face_engine,
        settings=site_settings(fresh_site, page_budget=3),
        browser=browser,
    )

    assert report.budget_reached and report.pages_opened == 3
    assert "the page budget was reached before this person's page" in report.problems
    people = _people(db)
    assert {name: p["status"] for name, p in people.items()} == {
        "Barack Obama": "ready",
        "Joe Biden": "ready",
        "Kit Harington": "pending",
        "Rose Leslie": "pending",
        "Alex Lacamoire": "pending",
    }
    assert sorted(p.name for p in (tmp_path / "cast").iterdir()) == ["Barack Obama", "Joe Biden"]
    assert "/name/nm0000003/" not in fresh_site.paths_hit()
    assert "The page budget of 3 pages is spent" in caplog.text


def test_a_redesigned_cast_page_stops_the_job_with_a_scrape_error(
    fresh_site, browser, face_engine, tmp_path
):
    db = database.open_database(f"sqlite:///{tmp_path / 'wos.db'}")
    spec = specs.CastSpec(title_id="tt0000003")

    with pytest.raises(errors.ScrapeError) as raised:
        building.build_gallery(
            spec,
            gallery_dir=tmp_path / "cast",
            db=db,
            face_engine=face_engine,
            settings=site_settings(fresh_site),
            browser=browser,
        )

    assert str(raised.value) == (
        f"the full-credits page {fresh_site.url}/title/tt0000003/fullcredits has no cast "
        "table: the page layout may have changed; update wos/scraping/selectors.py"
    )
    assert _people(db) == {}


def test_people_with_photo_lists_need_no_browser(fresh_site, face_engine, tmp_path):
    db = database.open_database(f"sqlite:///{tmp_path / 'wos.db'}")
    spec = specs.parse_cast_spec(
        f"""{{"photosPerPerson": 2, "people": [
            {{"name": "Rose Leslie", "photoUrls": ["{fresh_site.url}/photos/rose1.jpg",
                "{fresh_site.url}/photos/two_faces.jpg"]}},
            {{"name": "Kit Harington", "photoUrls": ["{fresh_site.url}/photos/john1.jpeg"]}}
        ]}}"""
    )
    # A browser that cannot start proves the run never tries to start one.
    settings = site_settings(fresh_site, chromium_path="/nonexistent/chromium")

    report = building.build_gallery(
        spec, gallery_dir=tmp_path / "cast", db=db, face_engine=face_engine, settings=settings
    )

    assert (report.people_ready, report.photos_accepted, report.pages_opened) == (2, 2, 0)
    people = _people(db)
    assert {name: (p["title_id"], p["source"], p["status"]) for name, p in people.items()} == {
        "Rose Leslie": ("", "list", "ready"),
        "Kit Harington": ("", "list", "ready"),
    }
    assert _photos(db)["two_faces.jpg"]["reason"] == "3 faces found"
    assert not [path for path in fresh_site.paths_hit() if path.startswith(("/name", "/title"))]
    gallery = galleries.load_gallery(tmp_path / "cast", face_engine)
    assert gallery.people == ("Kit Harington", "Rose Leslie")
