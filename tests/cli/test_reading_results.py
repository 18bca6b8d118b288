"""``wos results``, ``wos analyses`` and ``wos timeline`` on analyses stored in the database."""

from __future__ import annotations

import json
import pathlib

import PIL.Image
import pytest

from wos_command import Wos, error_line, tables_in
from wos import records
from wos.storage import database, results

FILM_SECONDS = 150.0  # two and a half minutes: rows for minutes 0, 1 and 2


def store_analysis(url: str, analysis_id: str = "hamilton-1") -> None:
    """An analysis as the application would store it: two people over three minutes."""
    db = database.open_database(url)
    results.start_analysis(
        db, analysis_id=analysis_id, film="hamilton.mp4", cast="cast",
        settings={"engine": "sface"}, segments_total=3, film_duration=FILM_SECONDS,
    )
    for segment in range(3):
        results.record_segment(db, analysis_id=analysis_id, segment_index=segment, detections=[])
    results.finish_analysis(
        db,
        analysis_id=analysis_id,
        people=[
            records.PersonSummary("Lin-Manuel Miranda", 75, 150, 0.6, 0.72, 0.852, 131.0),
            records.PersonSummary("Barack Obama", 3, 5, 0.41, 0.44, 7.9, 9.9),
        ],
        minutes=[
            records.MinuteScreenTime("Lin-Manuel Miranda", 0, 42, 84, 0.6, 0.72, 0.852, 59.5),
            records.MinuteScreenTime("Barack Obama", 0, 3, 5, 0.41, 0.44, 7.9, 9.9),
            records.MinuteScreenTime("Lin-Manuel Miranda", 2, 33, 66, 0.6, 0.7, 120.0, 131.0),
        ],
        appearances=[
            records.Appearance("Lin-Manuel Miranda", 0.852, 59.5, 84),
            records.Appearance("Barack Obama", 7.9, 9.9, 5),
            records.Appearance("Lin-Manuel Miranda", 120.0, 131.0, 66),
        ],
    )
    db.dispose()


def test_results_show_each_persons_seconds_on_screen_per_minute(
    wos: Wos, sqlite_url: str
) -> None:
    store_analysis(sqlite_url)

    shown = wos("results", "hamilton-1", "--db", sqlite_url)

    assert shown.returncode == 0, shown.stderr
    assert "hamilton-1 of hamilton.mp4: succeeded, 3/3 segments" in shown.stdout
    people, minutes = tables_in(shown.stdout)
    assert people == [
        ["Person", "Screen time", "Share of film", "First seen", "Last seen", "Best similarity"],
        ["Lin-Manuel Miranda", "1:15", "50%", "0:00", "2:11", "0.72"],
        ["Barack Obama", "0:03", "2%", "0:07", "0:09", "0.44"],
    ]
    assert minutes == [
        ["Minute", "Lin-Manuel Miranda", "Barack Obama"],
        ["0:00", "42", "3"],
        ["1:00", "", ""],
        ["2:00", "33", ""],
    ]


def test_results_as_json_hold_the_analysis_people_minutes_and_appearances(
    wos: Wos, sqlite_url: str
) -> None:
    store_analysis(sqlite_url)

    shown = wos("results", "hamilton-1", "--db", sqlite_url, "--json")

    assert shown.returncode == 0, shown.stderr
    document = json.loads(shown.stdout)
    assert document["format"] == 1
    assert document["analysis"]["id"] == "hamilton-1"
    assert document["analysis"]["status"] == "succeeded"
    assert document["analysis"]["film_duration"] == FILM_SECONDS
    assert [(p["person"], p["share_of_film"]) for p in document["people"]] == [
        ("Lin-Manuel Miranda", 0.5), ("Barack Obama", 0.02),
    ]
    assert [(m["minute"], m["person"], m["seconds_on_screen"]) for m in document["minutes"]] == [
        (0, "Barack Obama", 3), (0, "Lin-Manuel Miranda", 42), (2, "Lin-Manuel Miranda", 33),
    ]
    assert [a["start"] for a in document["appearances"]] == [0.852, 7.9, 120.0]


def test_results_of_a_failed_rerun_say_so_and_show_the_earlier_results(
    wos: Wos, sqlite_url: str
) -> None:
    store_analysis(sqlite_url)
    db = database.open_database(sqlite_url)
    results.start_analysis(
        db, analysis_id="hamilton-1", film="hamilton.mp4", cast="cast",
        settings={"engine": "sface"}, segments_total=3, film_duration=FILM_SECONDS,
    )
    results.fail_analysis(db, analysis_id="hamilton-1", error="executor lost")

    shown = wos("results", "hamilton-1", "--db", sqlite_url)

    assert shown.returncode == 0, shown.stderr
    assert "failed, 0/3 segments" in shown.stdout
    assert "It failed: executor lost" in shown.stdout
    assert "results of the earlier run" in shown.stdout
    assert tables_in(shown.stdout)[0][1][0] == "Lin-Manuel Miranda"


def test_results_of_an_unknown_analysis_fail_with_one_line(wos: Wos, sqlite_url: str) -> None:
    store_analysis(sqlite_url)

    shown = wos("results", "no-such-id", "--db", sqlite_url)

    assert shown.returncode == 1
    assert error_line(shown).startswith("error: no analysis 'no-such-id' in the database")
    assert "wos analyses" in error_line(shown)
    assert shown.stdout == ""


@pytest.mark.parametrize("command", [["analyses"], ["results", "--list"]])
def test_analyses_are_listed_with_their_status(
    wos: Wos, sqlite_url: str, command: list[str]
) -> None:
    store_analysis(sqlite_url, analysis_id="first")
    db = database.open_database(sqlite_url)
    results.start_analysis(
        db, analysis_id="second", film="other.mp4", cast="cast",
        settings={"engine": "sface"}, segments_total=4, film_duration=10.0,
    )

    shown = wos(*command, "--db", sqlite_url)
    listed = wos(*command, "--db", sqlite_url, "--json")

    assert shown.returncode == 0, shown.stderr
    rows = tables_in(shown.stdout)[0]
    assert [row[:4] for row in rows[1:]] == [
        ["second", "other.mp4", "running", "0/4"],
        ["first", "hamilton.mp4", "succeeded", "3/3"],
    ]
    assert [a["id"] for a in json.loads(listed.stdout)["analyses"]] == ["second", "first"]


def test_the_default_database_is_wos_db_in_the_working_folder(
    wos: Wos, tmp_path: pathlib.Path
) -> None:
    store_analysis(f"sqlite:///{tmp_path / 'wos.db'}")

    shown = wos("results", "hamilton-1")

    assert shown.returncode == 0, shown.stderr
    assert "hamilton-1 of hamilton.mp4" in shown.stdout


def test_a_timeline_picture_is_written(wos: Wos, sqlite_url: str, tmp_path: pathlib.Path) -> None:
    store_analysis(sqlite_url)
    picture = tmp_path / "timeline.png"

    drawn = wos("timeline", "hamilton-1", "--out", picture, "--db", sqlite_url)

    assert drawn.returncode == 0, drawn.stderr
    with PIL.Image.open(picture) as image:
        image.verify()
    with PIL.Image.open(picture) as image:
        assert image.format == "PNG"
        width, height = image.size
        assert 800 <= width <= 2000 and 150 <= height <= 600
        # Bars were drawn: some pixels are strongly coloured, not white, grey or black.
        colours = image.convert("RGB").getcolors(maxcolors=width * height)
        assert any(max(rgb) - min(rgb) > 80 for _count, rgb in colours)


@pytest.mark.parametrize(
    ("out", "message"),
    [("timeline.jpg", "must end in .png"), ("missing/timeline.png", "does not exist")],
)
def test_a_timeline_to_a_bad_file_fails_with_one_line(
    wos: Wos, sqlite_url: str, tmp_path: pathlib.Path, out: str, message: str
) -> None:
    store_analysis(sqlite_url)

    drawn = wos("timeline", "hamilton-1", "--out", tmp_path / out, "--db", sqlite_url)

    assert drawn.returncode == 1
    assert message in error_line(drawn)
    assert not (tmp_path / out).exists()


def test_a_timeline_of_a_running_analysis_fails_with_one_line(
    wos: Wos, sqlite_url: str, tmp_path: pathlib.Path
) -> None:
    db = database.open_database(sqlite_url)
    results.start_analysis(
        db, analysis_id="busy", film="f.mp4", cast="cast",
        settings={"engine": "sface"}, segments_total=4, film_duration=10.0,
    )

    drawn = wos("timeline", "busy", "--out", tmp_path / "t.png", "--db", sqlite_url)

    assert drawn.returncode == 1
    assert "has no results yet (it is running)" in error_line(drawn)


def test_an_unreachable_database_fails_with_one_line(wos: Wos) -> None:
    shown = wos("results", "x", "--db", "mysql+pymysql://wos:secret@127.0.0.1:1/x")

    assert shown.returncode == 1
    assert "cannot connect to the database mysql+pymysql://wos:***@127.0.0.1:1/x" in (
        error_line(shown)
    )
    assert "secret" not in shown.stderr
