"""The whole system on an emulated cluster: `kubectl apply` a FilmAnalysis of the Hamilton clip,
and follow it, as the README tells a user, to per-minute screen time in MariaDB.

The real parts run: the chart rendered by Helm and applied with kubectl, the `wos-operator`
command with the chart's environment, the scraper with headless Chromium against a local
IMDb-like site, and `spark-submit` of the analysis on `local[2]`. Only the cluster is
emulated: kmock serves the Kubernetes API, and a harness plays the kubelet and the Job
controller (tests/e2e/kubelet.py).
"""

from __future__ import annotations

import asyncio
import pathlib
import subprocess
import time
from typing import Any

import pytest
from emulated_cluster import EmulatedCluster
from hamilton_site import CAST, TITLE_ID, film_analysis
from kubectl_command import table

from wos.storage import database, results

pytestmark = [pytest.mark.asyncio, pytest.mark.mariadb, pytest.mark.browser, pytest.mark.spark]

REPOSITORY = pathlib.Path(__file__).resolve().parents[2]
WOS = REPOSITORY / ".venv" / "bin" / "wos"
# The gallery job (Chromium, face models) and the Spark driver (a JVM, then the clip) each
# take tens of seconds on two busy cores; a run that takes longer than this is stuck.
RUN_SECONDS = 420


async def wos(*arguments: str) -> subprocess.CompletedProcess[str]:
    """The `wos` command, in a thread: the emulator and the operator share this event loop."""
    return await asyncio.to_thread(
        subprocess.run, [str(WOS), *arguments], capture_output=True, text=True, timeout=300
    )


def minutes_of(url: str, analysis_id: str) -> tuple[list[tuple[Any, ...]], list[float]]:
    """The per-minute table: (person, minute, seconds, frames) rows, and their similarities
    and times (MySQL keeps similarities in single precision, SQLite in double)."""
    db = database.open_database(url)
    try:
        minutes = results.read_minutes(db, analysis_id)
    finally:
        db.dispose()
    counts = [(m.person, m.minute, m.seconds_on_screen, m.frames_matched) for m in minutes]
    measures = [value for m in minutes for value in
                (m.mean_similarity, m.best_similarity, m.first_seen, m.last_seen)]
    return counts, measures


def people_of(url: str, analysis_id: str) -> list[str]:
    """The people on screen, the longest first."""
    db = database.open_database(url)
    try:
        people = results.read_people(db, analysis_id)
    finally:
        db.dispose()
    return [person.person for person in people if person.seconds_on_screen > 0]



async def test_a_film_analysis_applied_with_kubectl_ends_in_the_same_screen_time_as_wos_analyze(
    cluster: EmulatedCluster,
    film_url: str,
    cast_site: Any,
    hamilton_clip: pathlib.Path,
    mariadb_url: str,
    sqlite_url: str,
    tmp_path: pathlib.Path,
) -> None:
    started = time.monotonic()
    document = film_analysis("hamilton", film_url)
    applied, watch = await cluster.submit(document, tmp_path, timeout=RUN_SECONDS)
    assert applied == "filmanalysis.whoisonscreen.io/hamilton created"

    # Pending, then the gallery job, the Spark driver job, and done.
    phases = await watch
    assert phases == ["Pending", "Gallery", "Analyzing", "Succeeded"]
    status = (await cluster.film_analysis("hamilton"))["status"]
    assert status["progress"] == {"segmentsDone": 1, "segmentsTotal": 1, "percent": 100,
                                  "summary": "1/1 (100%)"}
    events = [(e["type"], e["reason"]) for e in await cluster.events("hamilton")]
    assert events == [("Normal", "Accepted"), ("Normal", "GalleryStarted"),
                      ("Normal", "GalleryReady"), ("Normal", "AnalysisStarted"),
                      ("Normal", "Succeeded")]

    # Two pods ran, one per Job; the scraper read Hamilton's pages from the local site.
    gallery_run, driver_run = cluster.kubelet.job_runs
    assert [gallery_run.exit_code, driver_run.exit_code] == [0, 0]
    assert gallery_run.argv[1:3] == ["gallery", "build"]
    # The site came from the chart's scraper.baseUrl, through the operator, not the harness.
    assert gallery_run.argv[gallery_run.argv.index("--base-url") + 1] == cast_site.url
    assert driver_run.argv[driver_run.argv.index("--master") + 1] == "local[2]"
    visited = set(cast_site.paths_hit())
    assert f"/title/{TITLE_ID}/fullcredits" in visited
    assert {f"/name/{person_id}/" for person_id, _, _ in CAST} <= visited
    gallery = (cluster.kubelet.claim_folder("wos-galleries") / "films" / "hamilton"
               / status["runId"])
    assert sorted(p.name for p in gallery.iterdir()) == sorted(name for _, name, _ in CAST)
    analysis_id = status["analysisId"]

    # kubectl shows it done, with the people found.
    [row] = table(await cluster.kubectl("get", "filmanalysis"))
    assert (row["NAME"], row["PHASE"], row["PROGRESS"], row["DURATION"]) == (
        "hamilton", "Succeeded", "1/1 (100%)", "10s")
    on_screen = people_of(mariadb_url, analysis_id)
    assert "Lin-Manuel Miranda" in on_screen
    assert row["PEOPLE"] == str(len(on_screen)) == str(status["peopleFound"])
    assert status["topScreenTime"][0]["person"] == on_screen[0]
    cluster_seconds = time.monotonic() - started

    # `wos analyze` on one machine, same clip, same gallery, same settings: same minutes.
    spec = document["spec"]
    reference = await wos(
        "analyze", str(hamilton_clip), "--cast", str(gallery), "--db", sqlite_url,
        "--analysis-id", analysis_id, "--fps", str(spec["sampling"]["framesPerSecond"]),
        "--segment-seconds", str(spec["sampling"]["segmentSeconds"]),
        "--engine", spec["engine"]["name"], "--threshold", str(spec["engine"]["threshold"]),
        "--master", "local[2]",
    )
    assert reference.returncode == 0, reference.stderr
    on_cluster, cluster_measures = minutes_of(mariadb_url, analysis_id)
    on_one_machine, machine_measures = minutes_of(sqlite_url, analysis_id)
    assert on_cluster == on_one_machine
    assert cluster_measures == pytest.approx(machine_measures, abs=1e-5)
    [lin_manuel] = [m for m in on_cluster if m[0] == "Lin-Manuel Miranda"]
    assert lin_manuel[1] == 0 and lin_manuel[2] >= 4  # on screen in 7 of the clip's seconds

    # `wos results` reads the analysis back from MariaDB.
    shown = await wos("results", analysis_id, "--db", mariadb_url)
    assert shown.returncode == 0, shown.stderr
    assert f"Analysis {analysis_id} of {film_url}: succeeded, 1/1 segments" in shown.stdout
    assert "Lin-Manuel Miranda" in shown.stdout
    assert cluster.kubelet.problems == []
    assert "Watching FilmAnalyses in every namespace" in cluster.operator.log.read_text()
    print(f"cluster run {cluster_seconds:.0f} s (gallery pod {gallery_run.seconds:.0f} s, "
          f"driver pod {driver_run.seconds:.0f} s); whole test {time.monotonic() - started:.0f} s")


# The chart's other watch scope: the operator watches the release namespace only.
@pytest.mark.parametrize("cluster", ["namespaced"], indirect=True)
async def test_a_film_at_an_unreachable_url_ends_failed_with_the_reason_and_no_results(
    cluster: EmulatedCluster, mariadb_url: str, tmp_path: pathlib.Path, unused_tcp_port: int,
    stored_rows,
) -> None:
    assert "Watching FilmAnalyses in films" in cluster.operator.log.read_text()
    missing = f"http://127.0.0.1:{unused_tcp_port}/missing.mp4"
    document = film_analysis("missing-film", missing, retryLimit=0)
    _, watch = await cluster.submit(document, tmp_path, timeout=RUN_SECONDS)

    assert await watch == ["Pending", "Gallery", "Analyzing", "Failed"]
    status = (await cluster.film_analysis("missing-film"))["status"]
    failed = {c["type"]: c for c in status["conditions"]}["Failed"]
    assert failed["status"] == "True" and failed["reason"] == "AnalysisFailed"
    warnings = [e for e in await cluster.events("missing-film") if e["type"] == "Warning"]
    assert [e["reason"] for e in warnings] == ["AnalysisFailed"]
    [row] = table(await cluster.kubectl("get", "filmanalysis"))
    assert (row["NAME"], row["PHASE"], row["PEOPLE"]) == ("missing-film", "Failed", "")
    assert stored_rows(mariadb_url, status["analysisId"]) == {
        "people": 0, "screen_time_minutes": 0, "appearances": 0, "detections": 0,
        "analysis_segments": 0}
    [driver_run] = [run for run in cluster.kubelet.job_runs if "-driver-" in run.name]
    assert driver_run.exit_code == 1
    assert f"error: the film URL {missing} cannot be read" in driver_run.log_tail()

    # The user learns why from the status and the Event, without reading the pod's log.
    assert f"the film URL {missing} cannot be read" in status["message"], status["message"]
    assert f"the film URL {missing} cannot be read" in warnings[0]["message"]
