"""Fixtures shared by every test folder: the sample media, MariaDB, and one Spark session."""

from __future__ import annotations

import os
import pathlib
import uuid
from collections.abc import Callable, Iterator

import pytest

REPOSITORY = pathlib.Path(__file__).resolve().parent.parent
SAMPLES = REPOSITORY.parent / "shared" / "samples"

# The user scripts/mariadb_test_user.sh creates; it may create databases named wos_test_*.
MARIADB_SERVER_URL = os.environ.get(
    "WOS_TEST_MARIADB_URL", "mysql+pymysql://wos:wos@127.0.0.1:3306"
)


@pytest.fixture(scope="session")
def samples() -> pathlib.Path:
    """The read-only sample media beside the repository (see ../shared/samples/README.md)."""
    if not SAMPLES.is_dir():
        pytest.fail(f"the sample media are missing: expected them at {SAMPLES}")
    return SAMPLES


@pytest.fixture(scope="session")
def hamilton_clip(samples: pathlib.Path) -> pathlib.Path:
    return samples / "hamilton" / "short_hamilton_clip.mp4"


@pytest.fixture(scope="session")
def hamilton_cast(samples: pathlib.Path) -> pathlib.Path:
    return samples / "hamilton" / "cast"


@pytest.fixture
def sqlite_url(tmp_path: pathlib.Path) -> str:
    """A fresh SQLite database file for one test."""
    return f"sqlite:///{tmp_path / 'wos.db'}"


@pytest.fixture
def mariadb_url() -> Iterator[str]:
    """A fresh, empty database on the MariaDB server on this machine, dropped afterwards."""
    import sqlalchemy

    name = f"wos_test_{uuid.uuid4().hex[:12]}"
    server = sqlalchemy.create_engine(MARIADB_SERVER_URL)
    try:
        with server.begin() as connection:
            connection.exec_driver_sql(f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4")
    except sqlalchemy.exc.OperationalError as error:
        pytest.fail(f"MariaDB is not reachable; run scripts/mariadb_test_user.sh ({error})")

    yield f"{MARIADB_SERVER_URL}/{name}?charset=utf8mb4"

    with server.begin() as connection:
        connection.exec_driver_sql(f"DROP DATABASE IF EXISTS `{name}`")
    server.dispose()


@pytest.fixture(scope="session")
def spark():
    """One local Spark session for the whole test run (starting one takes 10-15 s)."""
    from wos.analysis import sessions

    session = sessions.start_session(master="local[2]", app_name="wos-tests")
    yield session
    session.stop()


def _stored_rows(url: str, analysis_id: str | None = None) -> dict[str, int]:
    """Rows in each results table (only the analysis's rows, given its id), counted with SQL."""
    import sqlalchemy

    from wos.storage import database, tables

    db = database.open_database(url)
    counted = [
        table for table in tables.metadata.sorted_tables
        if analysis_id is None or "analysis_id" in table.c
    ]
    try:
        with db.connect() as connection:
            return {
                table.name: connection.execute(
                    sqlalchemy.select(sqlalchemy.func.count()).select_from(table).where(
                        sqlalchemy.true() if analysis_id is None
                        else table.c.analysis_id == analysis_id
                    )
                ).scalar_one()
                for table in counted
            }
    finally:
        db.dispose()


@pytest.fixture(scope="session")
def stored_rows() -> Callable[..., dict[str, int]]:
    """``stored_rows(url, analysis_id=None)``: how many rows each results table holds."""
    return _stored_rows
