"""Fetching one photo: polite, retried with backoff, bounded in time and size, images only."""

from __future__ import annotations

import logging

import requests

from wos.scraping import settings as settings_
from wos.scraping import visits as visits_

logger = logging.getLogger(__name__)

# Statuses worth another try: the site is busy or briefly broken.
RETRIED_STATUSES = frozenset({429, 500, 502, 503, 504})
CHUNK_BYTES = 64 * 1024


class DownloadFailed(Exception):
    """A photo could not be fetched; ``reason`` says why, for the photos table."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def new_session(settings: settings_.ScrapeSettings) -> requests.Session:
    """An HTTP session that introduces itself with the project's User-Agent."""
    session = requests.Session()
    session.headers["User-Agent"] = settings.user_agent
    return session


def download_photo(
    session: requests.Session,
    visits: visits_.Visits,
    settings: settings_.ScrapeSettings,
    url: str,
) -> bytes:
    """The bytes of the image at ``url``; ``DownloadFailed`` with the reason otherwise."""
    if not visits.allowed(url):
        raise DownloadFailed(f"robots.txt disallows {url}")

    problem = ""
    for attempt in range(1, settings.attempts + 1):
        if attempt > 1:
            visits_.wait_before_retry(settings, attempt, problem)
        visits.wait_turn(url)
        try:
            with session.get(url, stream=True, timeout=settings.download_timeout) as response:
                if response.status_code in RETRIED_STATUSES:
                    problem = f"{url} answered HTTP {response.status_code}"
                    continue
                return _checked_body(response, settings, url)
        except requests.Timeout:
            problem = f"{url} did not answer within {settings.download_timeout:g} s"
        except requests.ConnectionError as error:
            problem = f"{url} could not be reached ({type(error).__name__})"
    raise DownloadFailed(f"{problem} after {settings.attempts} tries")


def _checked_body(
    response: requests.Response, settings: settings_.ScrapeSettings, url: str
) -> bytes:
    # A missing photo or a page served where a photo should be is not retried: it will not
    # change within a run.
    if response.status_code >= 400:
        raise DownloadFailed(f"{url} answered HTTP {response.status_code}")
    content_type = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
    if not content_type.startswith("image/"):
        raise DownloadFailed(f"{url} is {content_type or 'of no content type'}, not an image")

    # Refuse an announced oversize at once, and stop reading one that grows past the limit.
    limit = settings.max_photo_bytes
    announced = response.headers.get("Content-Length", "")
    if announced.isdigit() and int(announced) > limit:
        raise DownloadFailed(f"{url} has {int(announced)} bytes, over the limit of {limit}")
    body = bytearray()
    for chunk in response.iter_content(CHUNK_BYTES):
        body.extend(chunk)
        if len(body) > limit:
            raise DownloadFailed(f"{url} has more than {limit} bytes, over the limit")
    return bytes(body)
