"""Loading IMDb's datasets with Spark into SQLite and MariaDB, idempotently."""

from __future__ import annotations

import gzip

import pytest
import sqlalchemy
from imdb_files import PEOPLE, TITLES, write_datasets
from wos import errors
from wos.imdb import casts, loading, tables
from wos.storage import database

pytestmark = pytest.mark.spark


def _rows(db_url: str, table: sqlalchemy.Table) -> dict:
    db = database.open_database(db_url)
    try:
        with db.connect() as connection:
            rows = connection.execute(sqlalchemy.select(table)).mappings().all()
    finally:
        db.dispose()
    keys = [column.name for column in table.primary_key.columns]
    return {tuple(row[key] for key in keys): dict(row) for row in rows}


def test_titles_keep_literal_quotes_nulls_and_their_genres(spark, dataset_dir, sqlite_url):
    loading.load_datasets(spark, dataset_dir, db_url=sqlite_url)
    titles = _rows(sqlite_url, tables.imdb_titles)

    assert titles[("tt0000001",)] == {
        "title_id": "tt0000001",
        "title_type": "movie",
        "primary_title": "A Film of Faces",
        "original_title": "A Film of Faces",
        "is_adult": False,
        "start_year": 2020,
        "end_year": None,
        "runtime_minutes": 160,
        "genres": ["Biography", "Drama", "Musical"],
    }
    assert titles[("tt0000002",)]["original_title"] == "Un court métrage"
    assert titles[("tt0000002",)]["genres"] is None
    assert titles[("tt0000002",)]["runtime_minutes"] is None
    quoted = titles[("tt0000005",)]
    assert (quoted["primary_title"], quoted["original_title"]) == ('The "Quoted" Show', '"Quoted')
    assert (quoted["is_adult"], quoted["end_year"]) == (True, 2021)


def test_people_and_principals_keep_their_lists(spark, dataset_dir, sqlite_url):
    report = loading.load_datasets(spark, dataset_dir, db_url=sqlite_url)
    people = _rows(sqlite_url, tables.imdb_people)
    principals = _rows(sqlite_url, tables.imdb_principals)

    assert (report.titles, report.people, report.principals) == (3, 7, 9)
    assert people[("nm0000001",)]["professions"] == ["self", "writer"]
    assert people[("nm0000001",)]["known_for_titles"] == ["tt0000001", "tt0000002"]
    assert people[("nm0000005",)]["name"] == 'Alex "Lac" Lacamoire'
    assert people[("nm0000099",)]["death_year"] == 2020
    assert people[("nm0000098",)]["professions"] is None
    assert principals[("tt0000001", 3)]["characters"] == ["Ygritte", "Wildling"]
    assert principals[("tt0000001", 4)]["characters"] == ['Jon "Lord" Snow']
    assert principals[("tt0000001", 2)]["characters"] is None
    assert principals[("tt0000001", 5)]["job"] == "music by"
    # A value that is not a JSON list is kept whole rather than lost.
    assert principals[("tt0000005", 1)]["characters"] == ["[Unquoted Character"]


def test_a_titles_cast_is_listed_in_billing_order_without_crew(spark, dataset_dir, sqlite_url):
    loading.load_datasets(spark, dataset_dir, db_url=sqlite_url)
    db = database.open_database(sqlite_url)

    cast = casts.read_cast(db, "tt0000001", keep=10)

    assert [(m.billing_order, m.person_id, m.name, m.character) for m in cast] == [
        (1, "nm0000001", "Barack Obama", "Himself"),
        (2, "nm0000004", "Rose Leslie", "Ygritte / Wildling"),
        (3, "nm0000003", "Kit Harington", 'Jon "Lord" Snow'),
        (4, "nm0000002", "Joe Biden", "Himself"),
    ]
    assert [m.name for m in casts.read_cast(db, "tt0000001", keep=2)] == [
        "Barack Obama",
        "Rose Leslie",
    ]
    assert casts.read_cast(db, "tt9999999", keep=10) == []


@pytest.mark.mariadb
def test_a_reload_adds_nothing_and_updates_changed_rows(spark, tmp_path, mariadb_url):
    first = write_datasets(tmp_path / "first")
    loading.load_datasets(spark, first, db_url=mariadb_url)
    before = {table.name: _rows(mariadb_url, table) for table in tables.metadata.sorted_tables}

    # The next month's files: one title renamed, everything else the same.
    second = write_datasets(
        tmp_path / "second", titles=TITLES.replace("A Short Film", "A Short Film (Director's Cut)")
    )
    loading.load_datasets(spark, second, db_url=mariadb_url)
    loading.load_datasets(spark, second, db_url=mariadb_url)
    after = {table.name: _rows(mariadb_url, table) for table in tables.metadata.sorted_tables}

    assert {name: len(rows) for name, rows in after.items()} == {
        "imdb_titles": 3,
        "imdb_people": 7,
        "imdb_principals": 9,
    }
    assert after["imdb_titles"][("tt0000002",)]["primary_title"] == "A Short Film (Director's Cut)"
    assert after["imdb_people"] == before["imdb_people"]
    assert after["imdb_principals"] == before["imdb_principals"]


def test_loading_chosen_titles_brings_only_their_principals_and_people(
    spark, dataset_dir, sqlite_url
):
    report = loading.load_datasets(spark, dataset_dir, db_url=sqlite_url, title_ids=["tt0000002"])

    assert (report.titles, report.people, report.principals) == (1, 2, 2)
    assert sorted(_rows(sqlite_url, tables.imdb_people)) == [("nm0000001",), ("nm0000002",)]


def test_a_missing_file_names_the_file_and_where_to_get_it(spark, dataset_dir, sqlite_url):
    (dataset_dir / "name.basics.tsv.gz").unlink()

    with pytest.raises(errors.SettingsError) as raised:
        loading.load_datasets(spark, dataset_dir, db_url=sqlite_url)

    assert str(raised.value) == (
        f"the IMDb dataset file {dataset_dir / 'name.basics.tsv.gz'} is missing: download "
        f"name.basics.tsv.gz from https://datasets.imdbws.com/ into {dataset_dir}"
    )


def test_a_file_with_other_columns_is_refused_before_anything_is_written(
    spark, dataset_dir, sqlite_url
):
    with gzip.open(dataset_dir / "title.principals.tsv.gz", "wt") as file:
        file.write(PEOPLE)

    with pytest.raises(errors.SettingsError, match="starts with the columns nconst, primaryName"):
        loading.load_datasets(spark, dataset_dir, db_url=sqlite_url)

    assert _rows(sqlite_url, tables.imdb_titles) == {}
