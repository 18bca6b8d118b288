"""Politeness shared by every request of one run: robots.txt, the rate limit, the page budget."""

from __future__ import annotations

import logging
import threading
import time
import urllib.parse
import urllib.robotparser

import requests

from wos.scraping import settings as settings_

logger = logging.getLogger(__name__)


# What an unreadable robots.txt stands for.
_DISALLOW_ALL = ["User-agent: *", "Disallow: /"]


class BudgetReached(Exception):
    """The run has opened as many pages as its budget allows; the job stops cleanly."""


class Visits:
    """Decides whether and when the next request may go out, and counts the pages opened."""

    def __init__(self, settings: settings_.ScrapeSettings, session: requests.Session) -> None:
        self._settings = settings
        self._session = session
        self._robots: dict[str, urllib.robotparser.RobotFileParser] = {}
        self._last_request: dict[str, float] = {}
        self._lock = threading.Lock()
        self.pages_opened = 0

    def allowed(self, url: str) -> bool:
        """Whether the site's robots.txt lets our User-Agent fetch ``url``."""
        robots = self._robots_of(_origin(url))
        return robots.can_fetch(self._settings.user_agent, url)

    def open_page(self) -> None:
        """Count one browser page against the budget; ``BudgetReached`` when it is spent."""
        if self.pages_opened >= self._settings.page_budget:
            raise BudgetReached()
        self.pages_opened += 1

    def wait_turn(self, url: str) -> None:
        """Sleep until one request to the URL's site is allowed by the rate."""
        origin = _origin(url)
        with self._lock:
            interval = 1.0 / self._settings.rate
            due = self._last_request.get(origin, 0.0) + interval
            delay = due - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            self._last_request[origin] = time.monotonic()

    def _robots_of(self, origin: str) -> urllib.robotparser.RobotFileParser:
        # One robots.txt per site and run. A missing file allows everything; one that cannot
        # be read (5xx, network) forbids everything, as robots.txt's RFC 9309 asks.
        if origin in self._robots:
            return self._robots[origin]
        robots = urllib.robotparser.RobotFileParser(f"{origin}/robots.txt")
        self.wait_turn(origin)
        try:
            response = self._session.get(
                f"{origin}/robots.txt", timeout=self._settings.download_timeout
            )
        except requests.RequestException as error:
            logger.warning("cannot read %s/robots.txt (%s): not visiting that site", origin, error)
            robots.parse(_DISALLOW_ALL)
        else:
            if response.status_code >= 500:
                logger.warning(
                    "%s/robots.txt answered %d: not visiting that site",
                    origin,
                    response.status_code,
                )
                robots.parse(_DISALLOW_ALL)
            elif response.status_code >= 400:
                robots.parse([])
            else:
                robots.parse(response.text.splitlines())
        self._robots[origin] = robots
        return robots


def wait_before_retry(settings: settings_.ScrapeSettings, attempt: int, problem: str) -> None:
    """Sleep before try ``attempt`` (2, 3, ...): the backoff doubles with each try, so a busy
    site gets more and more room."""
    delay = settings.backoff * 2 ** (attempt - 2)
    logger.warning("%s; trying again in %.1f s (try %d)", problem, delay, attempt)
    time.sleep(delay)


def _origin(url: str) -> str:
    parts = urllib.parse.urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"
