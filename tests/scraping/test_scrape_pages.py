"""Reading IMDb-shaped pages with a real headless Chromium: the cast, the photos, and pages
that are missing, slow, stuck, forbidden or redesigned."""

from __future__ import annotations

import pytest
import requests
from local_site import CAST, LIST_LAYOUT_TITLE_ID, TITLE_ID, site_settings
from wos import errors
from wos.scraping import pages, visits
from wos.scraping import settings as settings_

pytestmark = pytest.mark.browser


def _visits(site, **changes) -> tuple[visits.Visits, settings_.ScrapeSettings]:
    settings = site_settings(site, **changes)
    session = requests.Session()
    session.headers["User-Agent"] = settings.user_agent
    return visits.Visits(settings, session), settings


@pytest.mark.parametrize(
    "title_id", [TITLE_ID, LIST_LAYOUT_TITLE_ID], ids=["cast-table", "cast-list"]
)
def test_the_cast_is_read_in_billing_order_with_ids_and_characters(
    fresh_site, browser, title_id
):
    counter, settings = _visits(fresh_site)
    url = f"{fresh_site.url}/title/{title_id}/fullcredits"

    pages.visit(browser, counter, settings, url)
    cast = pages.read_cast(browser, url, keep=4)

    assert [(m.billing_order, m.person_id, m.name, m.character) for m in cast] == [
        (order, person_id, name, character)
        for order, (person_id, name, character, _photos) in enumerate(CAST[:4], start=1)
    ]


def test_a_person_page_gives_the_headshot_first_then_the_gallery_photos(fresh_site, browser):
    counter, settings = _visits(fresh_site)
    url = f"{fresh_site.url}/name/nm0000001/"

    pages.visit(browser, counter, settings, url)

    assert pages.read_photo_urls(browser, url) == [
        f"{fresh_site.url}/photos/{name}" for name in ("obama.jpg", "obama2.jpg", "two_faces.jpg")
    ]


def test_a_person_page_without_photos_gives_none(fresh_site, browser):
    counter, settings = _visits(fresh_site)
    url = f"{fresh_site.url}/name/nm0000006/"

    pages.visit(browser, counter, settings, url)

    assert pages.read_photo_urls(browser, url) == []


@pytest.mark.parametrize(
    ("title_id", "missing"),
    [
        ("tt0000003", "has no cast table"),
        ("tt0000004", "has no rows"),
    ],
)
def test_a_redesigned_cast_page_raises_a_scrape_error_naming_the_page(
    fresh_site, browser, title_id, missing
):
    counter, settings = _visits(fresh_site)
    url = f"{fresh_site.url}/title/{title_id}/fullcredits"
    pages.visit(browser, counter, settings, url)

    with pytest.raises(errors.ScrapeError) as raised:
        pages.read_cast(browser, url, keep=10)

    assert url in str(raised.value)
    assert missing in str(raised.value)
    assert "layout may have changed" in str(raised.value)


def test_a_page_that_is_not_a_person_page_raises_a_scrape_error(fresh_site, browser):
    counter, settings = _visits(fresh_site)
    url = f"{fresh_site.url}/title/tt0000003/fullcredits"
    pages.visit(browser, counter, settings, url)

    with pytest.raises(errors.ScrapeError, match="has no name heading"):
        pages.read_photo_urls(browser, url)


def test_a_missing_page_is_skipped_with_its_status(fresh_site, browser):
    counter, settings = _visits(fresh_site)
    url = f"{fresh_site.url}/name/nm0000007/"

    with pytest.raises(pages.PageSkipped) as skipped:
        pages.visit(browser, counter, settings, url)

    assert skipped.value.reason == f"{url} answered HTTP 404"
    assert fresh_site.paths_hit().count("/name/nm0000007/") == 1  # a 404 is not retried


def test_a_slow_page_within_the_timeout_is_read(fresh_site, browser):
    counter, settings = _visits(fresh_site)
    url = f"{fresh_site.url}/name/nm0000005/"

    pages.visit(browser, counter, settings, url)

    assert pages.read_photo_urls(browser, url) == [f"{fresh_site.url}/photos/alex.jpg"]


def test_a_page_past_the_timeout_is_retried_then_skipped(fresh_site, browser, caplog):
    counter, settings = _visits(fresh_site)
    url = f"{fresh_site.url}/name/nm0000009/"

    with pytest.raises(pages.PageSkipped) as skipped:
        pages.visit(browser, counter, settings, url)

    assert skipped.value.reason == f"{url} did not load within 2 s after 2 tries"
    assert fresh_site.paths_hit().count("/name/nm0000009/") == 2
    assert "trying again" in caplog.text
    assert counter.pages_opened == 2

    # The browser is still usable after a page that never finished.
    pages.visit(browser, counter, settings, f"{fresh_site.url}/name/nm0000001/")


def test_a_page_disallowed_by_robots_txt_is_never_requested(fresh_site, browser):
    counter, settings = _visits(fresh_site)
    url = f"{fresh_site.url}/name/nm0000008/"

    with pytest.raises(pages.PageSkipped) as skipped:
        pages.visit(browser, counter, settings, url)

    assert skipped.value.reason == f"robots.txt of {fresh_site.url} disallows {url}"
    assert "/name/nm0000008/" not in fresh_site.paths_hit()
    assert "/robots.txt" in fresh_site.paths_hit()


def test_the_page_budget_stops_the_next_page(fresh_site, browser):
    counter, settings = _visits(fresh_site, page_budget=1)
    pages.visit(browser, counter, settings, f"{fresh_site.url}/name/nm0000001/")

    with pytest.raises(visits.BudgetReached):
        pages.visit(browser, counter, settings, f"{fresh_site.url}/name/nm0000002/")

    assert "/name/nm0000002/" not in fresh_site.paths_hit()


def test_the_browser_introduces_itself_with_the_project_user_agent(fresh_site, browser):
    counter, settings = _visits(fresh_site)
    pages.visit(browser, counter, settings, f"{fresh_site.url}/name/nm0000001/")

    page_hits = [hit for hit in fresh_site.hits if hit.path == "/name/nm0000001/"]
    assert page_hits[0].user_agent.startswith("who-is-on-screen/0.1.0 (+https://")
    assert browser.user_agent == page_hits[0].user_agent
