"""``wos imdb load`` and ``wos imdb cast``, and the loader under ``spark-submit``."""

from __future__ import annotations

import os
import pathlib
import subprocess
import sys

import pytest
from typer.testing import CliRunner
from wos import cli
from wos.imdb import casts
from wos.storage import database

pytestmark = pytest.mark.spark

REPOSITORY = pathlib.Path(__file__).resolve().parents[2]


def test_wos_imdb_load_then_cast_lists_the_cast_in_billing_order(spark, dataset_dir, sqlite_url):
    runner = CliRunner()

    loaded = runner.invoke(cli.app, ["imdb", "load", str(dataset_dir), "--db", sqlite_url])
    listed = runner.invoke(cli.app, ["imdb", "cast", "tt0000001", "--db", sqlite_url])

    assert loaded.exit_code == 0, loaded.output
    assert loaded.output.startswith("loaded 3 titles, 7 people and 9 principals in ")
    assert listed.exit_code == 0, listed.output
    assert listed.output.splitlines() == [
        "1\tnm0000001\tBarack Obama\tHimself",
        "2\tnm0000004\tRose Leslie\tYgritte / Wildling",
        '3\tnm0000003\tKit Harington\tJon "Lord" Snow',
        "4\tnm0000002\tJoe Biden\tHimself",
    ]


def test_wos_imdb_cast_of_a_title_not_loaded_exits_1(spark, dataset_dir, sqlite_url):
    runner = CliRunner()
    runner.invoke(cli.app, ["imdb", "load", str(dataset_dir), "--db", sqlite_url])

    listed = runner.invoke(cli.app, ["imdb", "cast", "tt7654321", "--db", sqlite_url])

    assert listed.exit_code == 1
    assert listed.output == "no cast of tt7654321 in the database: load the IMDb datasets first\n"


def test_the_loader_runs_under_spark_submit(dataset_dir, tmp_path):
    db_url = f"sqlite:///{tmp_path / 'wos.db'}"
    environment = dict(
        os.environ,
        SPARK_LOCAL_IP="127.0.0.1",
        PYSPARK_PYTHON=sys.executable,
        PATH=f"{pathlib.Path(sys.executable).parent}:{os.environ['PATH']}",
    )

    result = subprocess.run(
        [
            "spark-submit", "--master", "local[1]", "--conf", "spark.ui.enabled=false",
            str(REPOSITORY / "jobs" / "wos" / "imdb" / "submit.py"),
            str(dataset_dir), "--db", db_url, "--title", "tt0000002",
        ],
        capture_output=True, text=True, timeout=300, env=environment,
    )  # fmt: skip

    assert result.returncode == 0, result.stderr[-3000:]
    assert "loaded 1 titles, 2 people and 2 principals in " in result.stdout
    db = database.open_database(db_url)
    assert [m.name for m in casts.read_cast(db, "tt0000002", keep=10)] == [
        "Barack Obama",
        "Joe Biden",
    ]
