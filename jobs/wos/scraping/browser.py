"""Headless Chromium through Selenium: one fresh profile per browser, always quit."""

from __future__ import annotations

import contextlib
import logging
import os
import tempfile
from collections.abc import Iterator

from selenium import webdriver
from selenium.common import exceptions as selenium_errors
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webelement import WebElement

from wos import errors
from wos.scraping import settings as settings_

logger = logging.getLogger(__name__)

# Flags that let Chromium run headless as root in a container and make no calls of its own.
CHROMIUM_FLAGS = (
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
)

# The HTTP status of the page in the window, from the Navigation Timing API (0 when unknown).
_STATUS_SCRIPT = (
    "const entry = performance.getEntriesByType('navigation')[0];"
    "return entry && entry.responseStatus ? entry.responseStatus : 0;"
)

PageTimeout = selenium_errors.TimeoutException


class Browser:
    """One headless Chromium window; ``load`` a page, then ``select`` elements in it."""

    def __init__(self, driver: webdriver.Chrome) -> None:
        self._driver = driver

    def load(self, url: str, *, timeout: float) -> int:
        """Load ``url`` and return its HTTP status; ``PageTimeout`` if it takes too long."""
        self._driver.set_page_load_timeout(timeout)
        try:
            self._driver.get(url)
        except PageTimeout:
            # Stop the slow page, so the next load starts from a quiet window.
            with contextlib.suppress(selenium_errors.WebDriverException):
                self._driver.execute_script("window.stop();")
            raise
        return int(self._driver.execute_script(_STATUS_SCRIPT) or 0)

    def select(self, css: str) -> list[WebElement]:
        """The elements of the loaded page that match a CSS selector, in page order."""
        return self._driver.find_elements(By.CSS_SELECTOR, css)

    @property
    def user_agent(self) -> str:
        return str(self._driver.execute_script("return navigator.userAgent;"))


@contextlib.contextmanager
def open_browser(settings: settings_.ScrapeSettings) -> Iterator[Browser]:
    """A headless Chromium with a fresh profile and our User-Agent, quit however the block ends."""
    # Selenium Manager would look for drivers on the internet; the paths are given instead.
    os.environ.setdefault("SE_OFFLINE", "true")
    with tempfile.TemporaryDirectory(prefix="wos-chromium-") as profile:
        options = webdriver.ChromeOptions()
        options.binary_location = settings.chromium_path
        for flag in CHROMIUM_FLAGS:
            options.add_argument(flag)
        options.add_argument(f"--user-data-dir={profile}")
        options.add_argument(f"--user-agent={settings.user_agent}")
        # The pages are read for their addresses only: photos are fetched by the downloader,
        # at the run's rate, so the browser loads no images of its own.
        options.add_experimental_option(
            "prefs", {"profile.managed_default_content_settings.images": 2}
        )

        try:
            driver = webdriver.Chrome(service=Service(settings.chromedriver_path), options=options)
        except selenium_errors.WebDriverException as error:
            raise errors.ScrapeError(
                f"Chromium could not start from {settings.chromium_path} with the driver "
                f"{settings.chromedriver_path} ({' '.join(str(error.msg).split())}): install "
                "Debian's chromium and chromium-driver"
            ) from None
        logger.debug("Chromium started with profile %s", profile)
        try:
            yield Browser(driver)
        finally:
            driver.quit()
            logger.debug("Chromium quit")
