"""The gallery job's settings, with the reason for each default."""

from __future__ import annotations

import dataclasses
import importlib.metadata

from wos import errors

# The installed distribution's version (the editable install makes ``wos`` a namespace
# package, without ``wos.__version__``).
VERSION = importlib.metadata.version("who-is-on-screen")
PROJECT_URL = "https://github.com/who-is-on-screen/who-is-on-screen"


@dataclasses.dataclass(frozen=True)
class ScrapeSettings:
    """How the gallery job reaches the web; every field has a polite, working default."""

    # The site whose /title/... and /name/... pages are read; tests point it at a local site.
    base_url: str = "https://www.imdb.com"
    # Sent on every download and by the browser, so site owners can tell who is calling.
    user_agent: str = f"who-is-on-screen/{VERSION} (+{PROJECT_URL})"
    # Requests per second to one site: one a second is what crawlers are commonly asked for.
    rate: float = 1.0
    # Browser pages one run may open; a cast of 10 needs 11, so 50 leaves room for re-runs.
    page_budget: int = 50
    # Seconds a page may take to load: IMDb pages load in 2-5 s, 30 s means the site is down.
    page_timeout: float = 30.0
    # Seconds to connect and to wait for each chunk of a photo; photos are small.
    download_timeout: float = 15.0
    # Tries per page or photo: a second and third try outlast most brief network hiccups.
    attempts: int = 3
    # Seconds before the first retry, doubled for each next one (1 s, 2 s, ...).
    backoff: float = 1.0
    # Bytes one photo may have: full-size IMDb photos are 0.1-3 MB; 10 MB stops runaway files.
    max_photo_bytes: int = 10_000_000
    # Debian's browser and driver, as the scraper image installs them.
    chromium_path: str = "/usr/bin/chromium"
    chromedriver_path: str = "/usr/bin/chromedriver"

    def __post_init__(self) -> None:
        if not self.base_url.startswith(("http://", "https://")):
            raise errors.SettingsError(
                f"the base URL {self.base_url!r} is not an http(s) URL: "
                "give one like https://www.imdb.com"
            )
        if self.rate <= 0:
            raise errors.SettingsError(
                f"the request rate {self.rate} is not positive: give requests per second, e.g. 1"
            )
        if self.page_budget < 1:
            raise errors.SettingsError(
                f"the page budget {self.page_budget} is below 1: give the most pages to open"
            )
        if self.attempts < 1:
            raise errors.SettingsError(f"the number of attempts {self.attempts} is below 1")

    @property
    def site(self) -> str:
        """The base URL without a trailing slash, ready to have a path appended."""
        return self.base_url.rstrip("/")
