"""``wos gallery build`` as a user runs it: photo lists, bad input, and a cast read from the
IMDb datasets tables instead of the full-credits page."""

from __future__ import annotations

import json
import pathlib
import subprocess
import sys

import pytest
import sqlalchemy
from typer.testing import CliRunner
from wos import cli
from wos.imdb import loading
from wos.scraping import tables
from wos.storage import database

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent / "imdb"))
from imdb_files import write_datasets
from local_site import SMALL_TITLE_ID


def _wos(*arguments: str) -> subprocess.CompletedProcess[str]:
    """The ``wos`` command in a process of its own, as a user or the operator runs it."""
    script = "import sys; from wos.cli import main; sys.argv[0] = 'wos'; main()"
    return subprocess.run(
        [sys.executable, "-c", script, *arguments], capture_output=True, text=True, timeout=120
    )


@pytest.mark.parametrize(
    ("cast_spec", "message"),
    [
        (
            '{"imdbTitleId": "tt123"}',
            "error: the IMDb title id 'tt123' is not valid: give 'tt' followed by 7 or more "
            "digits, as in the title's IMDb address (e.g. tt0000001)",
        ),
        (
            '{"keep": 3}',
            "error: the cast spec names no source of people: give an imdbTitleId, "
            "or people with photoUrls",
        ),
        ("{imdbTitleId: tt0000001}", "error: the cast spec is not valid JSON"),
    ],
    ids=["bad-title-id", "no-source", "not-json"],
)
def test_a_bad_cast_spec_exits_1_with_one_line_and_stores_nothing(tmp_path, cast_spec, message):
    result = _wos(
        "gallery", "build", "--cast-spec", cast_spec,
        "--gallery-dir", str(tmp_path / "cast"), "--db", f"sqlite:///{tmp_path / 'wos.db'}",
    )  # fmt: skip

    assert result.returncode == 1
    assert result.stderr.strip().splitlines()[-1].startswith(message)
    assert not (tmp_path / "wos.db").exists()
    assert not (tmp_path / "cast").exists()


def test_a_photo_list_builds_a_cast_folder_without_a_browser(fresh_site, tmp_path):
    spec = {
        "people": [
            {"name": "Joe Biden", "photoUrls": [f"{fresh_site.url}/photos/biden.jpg",
                                                f"{fresh_site.url}/photos/no_face.png"]},
        ]
    }  # fmt: skip
    result = _wos(
        "gallery", "build", "--cast-spec", json.dumps(spec),
        "--gallery-dir", str(tmp_path / "cast"), "--db", f"sqlite:///{tmp_path / 'wos.db'}",
        "--base-url", fresh_site.url, "--rate", "50",
    )  # fmt: skip

    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0] == (
        f"1 of 1 people have photos in {tmp_path / 'cast'}: 1 photos accepted, 1 rejected, "
        "0 not downloaded; 0 pages opened"
    )
    assert [p.parent.name for p in (tmp_path / "cast").glob("*/*")] == ["Joe Biden"]
    assert sorted(fresh_site.paths_hit()) == [
        "/photos/biden.jpg", "/photos/no_face.png", "/robots.txt",
    ]  # fmt: skip


@pytest.mark.browser
def test_a_spent_page_budget_ends_the_run_cleanly_and_says_so(fresh_site, tmp_path, sqlite_url):
    spec = json.dumps({"imdbTitleId": SMALL_TITLE_ID, "photosPerPerson": 1})

    result = CliRunner().invoke(
        cli.app,
        [
            "gallery", "build", "--cast-spec", spec, "--gallery-dir", str(tmp_path / "cast"),
            "--db", sqlite_url, "--base-url", fresh_site.url, "--rate", "50",
            "--page-budget", "2",
        ],
    )  # fmt: skip

    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        f"1 of 2 people have photos in {tmp_path / 'cast'}: 1 photos accepted, 0 rejected, "
        "0 not downloaded; 2 pages opened",
        "  the page budget was reached before this person's page",
        "stopped: the page budget was reached; what was gathered is kept, "
        "run again with a larger --page-budget to gather the rest",
    ]
    assert [p.name for p in (tmp_path / "cast").iterdir()] == ["Barack Obama"]


@pytest.mark.spark
@pytest.mark.browser
def test_a_cast_in_the_imdb_tables_is_not_read_from_the_cast_page(
    spark, fresh_site, tmp_path, sqlite_url
):
    loading.load_datasets(spark, write_datasets(tmp_path / "imdb"), db_url=sqlite_url)
    spec = json.dumps({"imdbTitleId": SMALL_TITLE_ID, "photosPerPerson": 1})

    result = CliRunner().invoke(
        cli.app,
        [
            "gallery", "build", "--cast-spec", spec, "--gallery-dir", str(tmp_path / "cast"),
            "--db", sqlite_url, "--base-url", fresh_site.url, "--rate", "50",
        ],
    )  # fmt: skip

    assert result.exit_code == 0, result.output
    assert "2 of 2 people have photos" in result.output
    assert f"/title/{SMALL_TITLE_ID}/fullcredits" not in fresh_site.paths_hit()
    assert {"/name/nm0000001/", "/name/nm0000002/"} <= set(fresh_site.paths_hit())
    db = database.open_database(sqlite_url)
    with db.connect() as connection:
        people = connection.execute(
            sqlalchemy.select(
                tables.gallery_people.c.billing_order,
                tables.gallery_people.c.person_id,
                tables.gallery_people.c.name,
                tables.gallery_people.c.status,
            ).order_by(tables.gallery_people.c.billing_order)
        ).all()
    assert [tuple(row) for row in people] == [
        (1, "nm0000001", "Barack Obama", "ready"),
        (2, "nm0000002", "Joe Biden", "ready"),
    ]
