"""Fixtures of the end-to-end test: the Hamilton web, and the emulated cluster with the
release installed, the operator running and the kubelet harness running its Jobs."""

from __future__ import annotations

import logging
import pathlib
import sys
from collections.abc import AsyncIterator, Iterator

import pytest
import pytest_asyncio

TESTS = pathlib.Path(__file__).resolve().parents[1]
# The scraper tests' local site and the chart tests' helpers are reused as they are.
for folder in (TESTS / "scraping", TESTS / "deploy"):
    if str(folder) not in sys.path:
        sys.path.append(str(folder))

import emulator_api  # noqa: E402
import hamilton_site  # noqa: E402
import kubelet  # noqa: E402
import local_site  # noqa: E402
from emulated_cluster import NAMESPACE, EmulatedCluster, installed_cluster  # noqa: E402

logger = logging.getLogger("e2e")


@pytest.fixture(scope="module")
def cast_site(samples: pathlib.Path) -> Iterator[local_site.Site]:
    """The IMDb-like site with Hamilton's full credits and its cast's person pages."""
    with hamilton_site.hamilton_site(samples) as site:
        yield site


@pytest.fixture(scope="module")
def film_url(hamilton_clip: pathlib.Path) -> Iterator[str]:
    """The Hamilton clip served over HTTP on 127.0.0.1."""
    with hamilton_site.film_server({"/films/hamilton.mp4": hamilton_clip}) as url:
        yield f"{url}/films/hamilton.mp4"


@pytest_asyncio.fixture
async def cluster(
    request: pytest.FixtureRequest,
    mariadb_url: str,
    cast_site: local_site.Site,
    tmp_path: pathlib.Path,
) -> AsyncIterator[EmulatedCluster]:
    """The release installed on the emulator, results going to a fresh MariaDB database.

    Parametrize it indirectly with the chart's ``watch.scope`` (default ``cluster``).
    """
    async with emulator_api.serving() as server, installed_cluster(
        server,
        emulator_api.write_kubeconfig(server, tmp_path / "kubeconfig", NAMESPACE),
        database_url=mariadb_url,
        site_url=cast_site.url,
        root=tmp_path / "cluster",
        watch_scope=getattr(request, "param", "cluster"),
        on_event=lambda line: logger.info("%s", line),
    ) as installed:
        yield installed
        # Shown by pytest when the test failed: what each pod printed last.
        for run in [installed.operator, *installed.kubelet.runs]:
            print(f"--- pod {run.name} (exit {run.exit_code}, {run.seconds:.0f} s): "
                  f"{kubelet.shown_command(run.argv)}\n{run.log_tail(60)}")
