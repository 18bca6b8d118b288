"""Opening pages politely and reading a cast or a person's photos from them."""

from __future__ import annotations

import logging
import time
import urllib.parse

from selenium.webdriver.common.by import By

from wos import errors
from wos.scraping import browser as browser_
from wos.scraping import selectors, specs
from wos.scraping import settings as settings_
from wos.scraping import visits as visits_

logger = logging.getLogger(__name__)

# Statuses worth another try: the site is busy or briefly broken.
RETRIED_STATUSES = frozenset({429, 500, 502, 503, 504})


class PageSkipped(Exception):
    """A page was not read: robots.txt forbids it, it is missing, or it never loaded."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def visit(
    browser: browser_.Browser,
    visits: visits_.Visits,
    settings: settings_.ScrapeSettings,
    url: str,
) -> None:
    """Load ``url`` in the browser, retrying timeouts and busy answers with backoff.

    Raises ``PageSkipped`` with the reason when the page cannot be read, and
    ``visits.BudgetReached`` when the run may open no more pages.
    """
    if not visits.allowed(url):
        raise PageSkipped(f"robots.txt of {_origin(url)} disallows {url}")

    problem = ""
    for attempt in range(1, settings.attempts + 1):
        if attempt > 1:
            visits_.wait_before_retry(settings, attempt, problem)
        visits.open_page()
        visits.wait_turn(url)
        started = time.monotonic()
        try:
            status = browser.load(url, timeout=settings.page_timeout)
        except browser_.PageTimeout:
            problem = f"{url} did not load within {settings.page_timeout:g} s"
            continue
        logger.debug("%s answered %d in %.2f s", url, status, time.monotonic() - started)

        if status in RETRIED_STATUSES:
            problem = f"{url} answered HTTP {status}"
            continue
        if status >= 400:
            raise PageSkipped(f"{url} answered HTTP {status}")
        return
    raise PageSkipped(f"{problem} after {settings.attempts} tries")


def read_cast(browser: browser_.Browser, url: str, *, keep: int) -> list[specs.CastMember]:
    """The first ``keep`` cast members on the loaded full-credits page, in billing order."""
    if not browser.select(selectors.CAST_CONTAINER):
        raise errors.ScrapeError(
            f"the full-credits page {url} has no cast table: the page layout may have "
            "changed; update wos/scraping/selectors.py"
        )
    rows = browser.select(selectors.CAST_ROWS)
    if not rows:
        raise errors.ScrapeError(
            f"the cast table on {url} has no rows: the page layout may have changed; "
            "update wos/scraping/selectors.py"
        )

    cast: list[specs.CastMember] = []
    for billing_order, row in enumerate(rows[:keep], start=1):
        # The photo cell links to the person too, with no text: the name link is the first
        # link to a person that has text.
        links = row.find_elements(By.CSS_SELECTOR, selectors.PERSON_LINKS)
        named = [link for link in links if link.text.strip()]
        if not named:
            raise errors.ScrapeError(
                f"cast row {billing_order} on {url} has no link to a person page: the page "
                "layout may have changed; update wos/scraping/selectors.py"
            )
        characters = row.find_elements(By.CSS_SELECTOR, selectors.CHARACTER)
        cast.append(
            specs.CastMember(
                name=" ".join(named[0].text.split()),
                person_id=selectors.person_id_in(named[0].get_attribute("href") or ""),
                character=selectors.clean_character(characters[0].text) if characters else None,
                billing_order=billing_order,
            )
        )
    return cast


def read_photo_urls(browser: browser_.Browser, url: str) -> list[str]:
    """The loaded person page's headshot and gallery photos, full size, headshot first."""
    if not browser.select(selectors.PERSON_NAME):
        raise errors.ScrapeError(
            f"the person page {url} has no name heading: the page layout may have changed; "
            "update wos/scraping/selectors.py"
        )
    images = browser.select(selectors.HEADSHOT) + browser.select(selectors.PHOTOS)
    urls: list[str] = []
    for image in images:
        source = image.get_attribute("src") or ""
        if source.startswith(("http://", "https://")):
            full = selectors.full_size_url(source)
            if full not in urls:
                urls.append(full)
    return urls


def _origin(url: str) -> str:
    parts = urllib.parse.urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"
