"""``wos analyze`` on the real Hamilton sample, then ``wos results`` and ``wos timeline``."""

from __future__ import annotations

import json
import pathlib

import PIL.Image
import pytest
from wos_command import Wos, tables_in

pytestmark = pytest.mark.spark

# Two local cores: the machine's; the clip is one segment at the default segment length.
MASTER = "local[2]"



def test_the_hamilton_clip_shows_lin_manuel_miranda_in_minute_0(
    wos: Wos,
    sqlite_url: str,
    hamilton_clip: pathlib.Path,
    hamilton_cast: pathlib.Path,
    tmp_path: pathlib.Path,
) -> None:
    analysed = wos(
        "analyze", hamilton_clip, "--cast", hamilton_cast, "--db", sqlite_url,
        "--master", MASTER, "--analysis-id", "hamilton", timeout=600,
    )

    assert analysed.returncode == 0, analysed.stderr
    people = tables_in(analysed.stdout)[0]
    assert people[0] == [
        "Person", "Screen time", "Share of film", "First seen", "Last seen", "Best similarity"
    ]
    assert people[1][0] == "Lin-Manuel Miranda"
    assert "Per-minute screen time: wos results hamilton --db" in analysed.stdout

    shown = wos("results", "hamilton", "--db", sqlite_url)
    assert shown.returncode == 0, shown.stderr
    assert "succeeded, 1/1 segments" in shown.stdout
    minutes = tables_in(shown.stdout)[1]
    minute_0 = dict(zip(minutes[0], minutes[1]))
    assert minute_0["Minute"] == "0:00"
    # Ground truth: seconds 0, 1, 3, 4, 5, 6 and 7 (../shared/samples/README.md).
    assert 5 <= int(minute_0["Lin-Manuel Miranda"]) <= 8

    document = json.loads(wos("results", "hamilton", "--db", sqlite_url, "--json").stdout)
    assert document["analysis"]["status"] == "succeeded"
    assert document["people"][0]["person"] == "Lin-Manuel Miranda"
    assert {(m["minute"], m["person"]) for m in document["minutes"]} >= {
        (0, "Lin-Manuel Miranda")
    }

    picture = tmp_path / "hamilton.png"
    assert wos("timeline", "hamilton", "--out", picture, "--db", sqlite_url).returncode == 0
    with PIL.Image.open(picture) as image:
        assert image.format == "PNG" and image.size[0] >= 800


@pytest.mark.parametrize("kind", ["sqlite", pytest.param("mariadb", marks=pytest.mark.mariadb)])
def test_a_rerun_of_the_same_analysis_leaves_row_counts_unchanged(
    wos: Wos,
    stored_rows,
    request: pytest.FixtureRequest,
    kind: str,
    hamilton_clip: pathlib.Path,
    hamilton_cast: pathlib.Path,
) -> None:
    url = request.getfixturevalue(f"{kind}_url")
    arguments = ["analyze", hamilton_clip, "--cast", hamilton_cast, "--db", url,
                 "--master", MASTER, "--segment-seconds", "4", "--json"]

    first = wos(*arguments, timeout=600)
    assert first.returncode == 0, first.stderr
    counts = stored_rows(url)
    second = wos(*arguments, timeout=600)

    assert second.returncode == 0, second.stderr
    assert stored_rows(url) == counts
    first_document, second_document = json.loads(first.stdout), json.loads(second.stdout)
    segments = first_document["analysis"]["segments_total"]
    assert segments >= 3  # 4-second segments of a 10-second clip
    assert counts["analyses"] == 1 and counts["analysis_segments"] == segments
    assert counts["detections"] > 0 and counts["screen_time_minutes"] >= 1
    # The same inputs get the same id, and the same results.
    assert first_document["analysis"]["id"] == second_document["analysis"]["id"]
    assert first_document["people"] == second_document["people"]
