"""Runs who-is-on-screen end to end on an emulated cluster, and shows what a user would see.

    .venv/bin/python scripts/e2e_local.py [--missing-film] [--keep] [--workdir DIR]

The same flow as tests/e2e (and the same code: it imports the test's harness):

1. a Kubernetes API emulator (kmock) serves on 127.0.0.1 with the FilmAnalysis CRD;
2. `helm install`: the chart, rendered by the Helm library with `scraper.baseUrl` set to
   the local IMDb-like site, is applied with kubectl, after the database Secret that points
   at a fresh database on the MariaDB server here;
3. the operator's Deployment pod runs the real `wos-operator` with the chart's environment,
   and a harness plays the kubelet for it and for every Job it creates (the gallery job's
   `wos gallery build`, the Spark driver's `spark-submit` on local[2]);
4. `kubectl apply -f hamilton.yaml` submits the Hamilton clip (served over HTTP here) with
   its cast read from a local IMDb-like site; its phases and `kubectl get filmanalysis`
   are printed as they change, then `wos results`.

With --missing-film a second FilmAnalysis names a film at a closed port and ends Failed.
The MariaDB database (wos_test_e2e_*) is dropped at the end unless --keep is given. Needs
the MariaDB server of scripts/mariadb_test_user.sh, Chromium, and ../shared/samples.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import pathlib
import socket
import subprocess
import sys
import tempfile
import textwrap
import time
import uuid
from typing import Any

import sqlalchemy
import yaml

REPOSITORY = pathlib.Path(__file__).resolve().parent.parent
TESTS = REPOSITORY / "tests"
for folder in (TESTS / "e2e", TESTS, TESTS / "scraping", TESTS / "deploy"):
    sys.path.append(str(folder))

import emulator_api  # noqa: E402
import hamilton_site  # noqa: E402
from emulated_cluster import NAMESPACE, EmulatedCluster, installed_cluster  # noqa: E402

SAMPLES = REPOSITORY.parent / "shared" / "samples"
SERVER_URL = os.environ.get("WOS_TEST_MARIADB_URL", "mysql+pymysql://wos:wos@127.0.0.1:3306")
WOS = REPOSITORY / ".venv" / "bin" / "wos"
RUN_SECONDS = 600


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--missing-film", action="store_true",
                        help="also submit a film at an unreachable URL, which ends Failed")
    parser.add_argument("--keep", action="store_true",
                        help="keep the MariaDB database, to read it with `wos results`")
    parser.add_argument("--workdir", type=pathlib.Path, default=None,
                        help="where pods' logs, volumes and manifests go (default: a temp dir)")
    arguments = parser.parse_args()
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")

    workdir = arguments.workdir or pathlib.Path(tempfile.mkdtemp(prefix="wos-e2e-"))
    workdir.mkdir(parents=True, exist_ok=True)
    database_url = create_database()
    started = time.monotonic()
    try:
        failures = asyncio.run(run(workdir, database_url, missing_film=arguments.missing_film))
    finally:
        if arguments.keep:
            print(f"\nKept the database: {database_url}")
        else:
            drop_database(database_url)
    print(f"\nDone in {time.monotonic() - started:.0f} s; pods' logs and volumes in {workdir}")
    sys.exit(1 if failures else 0)


async def run(workdir: pathlib.Path, database_url: str, *, missing_film: bool) -> list[str]:
    """The whole flow; returns what did not go as a user would expect."""
    failures: list[str] = []
    clip = SAMPLES / "hamilton" / "short_hamilton_clip.mp4"
    with hamilton_site.hamilton_site(SAMPLES) as site, \
            hamilton_site.film_server({"/films/hamilton.mp4": clip}) as films:
        async with emulator_api.serving() as server:
            kubeconfig = emulator_api.write_kubeconfig(server, workdir / "kubeconfig", NAMESPACE)
            heading(f"helm install wos --namespace {NAMESPACE} (on the emulator at {server.url})")
            async with installed_cluster(
                server, kubeconfig, database_url=database_url, site_url=site.url,
                root=workdir / "cluster", on_event=lambda line: print(textwrap.indent(line, "  ")),
            ) as cluster:
                print(cluster.release.notes)
                film = hamilton_site.film_analysis("hamilton", f"{films}/films/hamilton.mp4")
                if await follow(cluster, film, workdir) != "Succeeded":
                    failures.append("hamilton did not succeed")
                status = (await cluster.film_analysis("hamilton"))["status"]
                heading(f"wos results {status['analysisId']} --db <the release's database>")
                shown = subprocess.run(
                    [str(WOS), "results", status["analysisId"], "--db", database_url],
                    capture_output=True, text=True,
                )
                print(shown.stdout or shown.stderr)
                if missing_film:
                    document = hamilton_site.film_analysis(
                        "missing-film", f"http://127.0.0.1:{closed_port()}/missing.mp4",
                        retryLimit=0,
                    )
                    if await follow(cluster, document, workdir) != "Failed":
                        failures.append("missing-film did not fail")
    return failures


async def follow(cluster: EmulatedCluster, document: dict[str, Any],
                 workdir: pathlib.Path) -> str:
    """Apply one FilmAnalysis and print what kubectl shows at each phase; its last phase."""
    name = document["metadata"]["name"]
    heading(f"kubectl apply -f {name}.yaml")
    print(yaml.safe_dump(document, sort_keys=False))

    def changed(film_analysis: dict[str, Any]) -> None:
        status = film_analysis.get("status") or {}
        print(f"  phase {status.get('phase')}: {status.get('message', '')}")

    applied, watch = await cluster.submit(document, workdir, timeout=RUN_SECONDS,
                                          on_change=changed)
    print(applied)
    phases = await watch
    heading(f"kubectl get filmanalysis {name} -o wide")
    print(await cluster.kubectl("get", "filmanalysis", name, "-o", "wide"))
    heading(f"Events of filmanalysis/{name}")
    for event in await cluster.events(name):
        print(f"  {event['type']:<8} {event['reason']:<16} {event['message']}")
    status = (await cluster.film_analysis(name))["status"]
    print(f"\n  phases: {' -> '.join(phases)}; people found: {status.get('peopleFound', '-')}; "
          f"top screen time: {status.get('topScreenTime', '-')}")
    if phases[-1] == "Failed":
        # The emulator serves no logs; the harness kept what the pod printed.
        heading(f"kubectl logs job/{status['jobName']} | grep error")
        for run in cluster.kubelet.job_runs:
            if run.job == status["jobName"]:
                errors = [line for line in run.log_tail(200).splitlines() if "error" in line]
                print("\n".join(errors[-3:]))
    return phases[-1]


def heading(text: str) -> None:
    print(f"\n$ {text}")


def create_database() -> str:
    name = f"wos_test_e2e_{uuid.uuid4().hex[:8]}"
    server = sqlalchemy.create_engine(SERVER_URL)
    with server.begin() as connection:
        connection.exec_driver_sql(f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4")
    server.dispose()
    return f"{SERVER_URL}/{name}?charset=utf8mb4"


def drop_database(url: str) -> None:
    name = sqlalchemy.make_url(url).database
    server = sqlalchemy.create_engine(SERVER_URL)
    with server.begin() as connection:
        connection.exec_driver_sql(f"DROP DATABASE IF EXISTS `{name}`")
    server.dispose()


def closed_port() -> int:
    """A local port nothing listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


if __name__ == "__main__":
    main()
