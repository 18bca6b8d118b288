"""Opening the results database: tables created once, wrong URLs refused with the fix."""

from __future__ import annotations

import pathlib

import pytest
import sqlalchemy

from wos import errors
from wos.storage import database, tables


def test_opening_a_new_database_creates_every_table(database_url: str) -> None:
    db = database.open_database(database_url)

    assert set(sqlalchemy.inspect(db).get_table_names()) == {
        "analyses", "people", "screen_time_minutes", "appearances", "detections",
        "analysis_segments",
    }


def test_opening_a_database_twice_keeps_its_rows(database_url: str) -> None:
    db = database.open_database(database_url)
    with db.begin() as connection:
        connection.execute(
            tables.analyses.insert().values(
                id="kept", film="f.mp4", cast="cast", settings={}, engine="sface",
                status="succeeded", segments_total=1, segments_done=1, film_duration=1.0,
                started_at=sqlalchemy.func.now(),
            )
        )

    again = database.open_database(database_url)

    with again.connect() as connection:
        assert connection.execute(sqlalchemy.select(tables.analyses.c.id)).scalars().all() == [
            "kept"
        ]


@pytest.mark.mariadb
def test_mariadb_tables_store_utf8mb4(mariadb_url: str) -> None:
    db = database.open_database(mariadb_url)

    with db.connect() as connection:
        charsets = connection.exec_driver_sql(
            "SELECT DISTINCT CCSA.character_set_name FROM information_schema.TABLES T "
            "JOIN information_schema.COLLATION_CHARACTER_SET_APPLICABILITY CCSA "
            "ON CCSA.collation_name = T.table_collation WHERE T.table_schema = DATABASE()"
        ).scalars().all()
    assert charsets == ["utf8mb4"]


@pytest.mark.parametrize(
    ("url", "reason", "fix"),
    [
        pytest.param(
            "mysql+pymysql://wos:wos@127.0.0.1:1/x", "Can't connect",
            "start the server or correct the host and port", id="unreachable",
        ),
        pytest.param(
            "mysql+pymysql://wos:not-the-password@127.0.0.1:3306/wos_test_none",
            "Access denied", "check the user name and password", id="wrong-password",
            marks=pytest.mark.mariadb,
        ),
        pytest.param(
            "mysql+pymysql://wos:wos@127.0.0.1:3306/wos_test_never_created",
            "Unknown database", "create the database first", id="unknown-database",
            marks=pytest.mark.mariadb,
        ),
        pytest.param(
            "postgresql://wos:wos@127.0.0.1/wos", "unsupported scheme 'postgresql'",
            "mysql+pymysql://", id="unsupported-scheme",
        ),
        pytest.param(
            "mysql://wos:wos@127.0.0.1/wos", "unsupported scheme 'mysql'",
            "mysql+pymysql://", id="driver-missing",
        ),
        pytest.param("not a url", "cannot be parsed", "give one like", id="not-a-url"),
        pytest.param("sqlite://", "names no file", "sqlite:///wos.db", id="in-memory"),
    ],
)
def test_a_database_that_cannot_be_used_gives_one_sentence_with_the_fix(
    url: str, reason: str, fix: str
) -> None:
    with pytest.raises(errors.DatabaseError) as raised:
        database.open_database(url)

    message = str(raised.value)
    assert reason in message and fix in message
    assert "\n" not in message


@pytest.mark.parametrize(
    "url", ["mysql+pymysql://wos:hunter2@127.0.0.1:1/x", "postgresql://wos:hunter2@db/wos"]
)
def test_a_database_error_hides_the_password(url: str) -> None:
    with pytest.raises(errors.DatabaseError) as raised:
        database.open_database(url)

    assert "hunter2" not in str(raised.value)
    assert "wos:***@" in str(raised.value)


def test_a_sqlite_file_in_a_missing_folder_names_the_folder(tmp_path: pathlib.Path) -> None:
    missing = tmp_path / "no" / "such" / "folder"

    with pytest.raises(errors.DatabaseError, match=f"create the folder {missing}"):
        database.open_database(f"sqlite:///{missing / 'wos.db'}")


def test_the_default_database_is_a_file_unless_the_environment_names_one(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("WOS_DATABASE_URL", raising=False)
    assert database.default_url() == "sqlite:///wos.db"

    monkeypatch.setenv("WOS_DATABASE_URL", "mysql+pymysql://wos:wos@db:3306/wos")
    assert database.default_url() == "mysql+pymysql://wos:wos@db:3306/wos"
