"""The scraper tests' fixtures: the local IMDb-like site and one browser per test module."""

from __future__ import annotations

import pathlib
from collections.abc import Iterator

import pytest
from local_site import Site, serve
from wos.scraping import browser as browser_
from wos.scraping import settings as settings_


@pytest.fixture(scope="module")
def site(samples: pathlib.Path) -> Iterator[Site]:
    """The local IMDb-like site, on a free port of 127.0.0.1, for one test module."""
    site, server = serve(samples)
    yield site
    server.shutdown()
    server.server_close()


@pytest.fixture
def fresh_site(site: Site) -> Site:
    """The module's site with its request log emptied for this test."""
    site.hits.clear()
    return site


@pytest.fixture(scope="module")
def browser() -> Iterator[browser_.Browser]:
    """One headless Chromium for a test module, with the project's User-Agent."""
    with browser_.open_browser(settings_.ScrapeSettings()) as browser:
        yield browser
