"""Opening the results database: a SQLite file by default, MySQL or MariaDB by URL."""

from __future__ import annotations

import logging
import os
import sqlite3

import sqlalchemy
import sqlalchemy.exc
import sqlalchemy.pool

from wos import errors
from wos.storage import tables

logger = logging.getLogger(__name__)

# A file in the working directory, so `wos analyze` then `wos results` work with no setup.
DEFAULT_URL = "sqlite:///wos.db"
URL_VARIABLE = "WOS_DATABASE_URL"

# Seconds a SQLite writer waits for another process's write to finish: Spark executors
# write segments of the same film into the same file at once.
_SQLITE_BUSY_SECONDS = 60.0

# MySQL and MariaDB error numbers that a user fixes by changing the URL or the server.
_MYSQL_FIXES = {
    1044: "grant that user access to the database",
    1045: "check the user name and password in the URL",
    1049: "create the database first (CREATE DATABASE ... CHARACTER SET utf8mb4)",
    2003: "start the server or correct the host and port in the URL",
    2005: "correct the host name in the URL",
}


def default_url() -> str:
    """The database URL to use when none is given: ``$WOS_DATABASE_URL`` or a local file."""
    return os.environ.get(URL_VARIABLE) or DEFAULT_URL


def open_database(url: str) -> sqlalchemy.Engine:
    """Connect to the database at ``url`` and create the tables that are missing.

    The engine keeps no pooled connections (``NullPool``): each task of a Spark executor
    opens its own engine, and a pool copied into a forked process would share sockets.
    """
    parsed = _parse(url)
    engine = _create_engine(_with_utf8mb4(parsed))

    # Connect once now, so a wrong URL fails here with the fix, not midway through a film.
    try:
        _create_tables(engine)
    except sqlalchemy.exc.DBAPIError as error:
        engine.dispose()
        raise errors.DatabaseError(_connection_message(parsed, error)) from error
    logger.debug("Opened the database %s", _shown(parsed))
    return engine


def _parse(url: str) -> sqlalchemy.URL:
    """The URL parsed, if it names a database this project supports."""
    try:
        parsed = sqlalchemy.make_url(url)
    except sqlalchemy.exc.ArgumentError as error:
        raise errors.DatabaseError(
            f"the database URL {url!r} cannot be parsed; give one like {DEFAULT_URL} "
            "or mysql+pymysql://user:password@host:3306/database"
        ) from error

    backend, driver = parsed.get_backend_name(), parsed.get_driver_name()
    if backend == "sqlite" and driver == "pysqlite":
        if parsed.database in (None, "", ":memory:"):
            # Every connection would get its own empty database, and Spark tasks another.
            raise errors.DatabaseError(
                f"the database URL {url!r} names no file; give one like {DEFAULT_URL}"
            )
        return parsed
    if backend in ("mysql", "mariadb") and driver == "pymysql":
        return parsed
    raise errors.DatabaseError(
        f"the database URL {_shown(parsed)} uses the unsupported scheme "
        f"{parsed.drivername!r}; use sqlite:///FILE or mysql+pymysql://user:password@host/db"
    )


def _with_utf8mb4(url: sqlalchemy.URL) -> sqlalchemy.URL:
    """A MySQL URL talks utf8mb4, so names in any script survive the round trip."""
    if url.get_backend_name() == "sqlite" or "charset" in url.query:
        return url
    return url.update_query_dict({"charset": "utf8mb4"})


def _create_engine(url: sqlalchemy.URL) -> sqlalchemy.Engine:
    """An engine with no pool, set up for several writers at once."""
    if url.get_backend_name() == "sqlite":
        engine = sqlalchemy.create_engine(
            url,
            poolclass=sqlalchemy.pool.NullPool,
            connect_args={"timeout": _SQLITE_BUSY_SECONDS},
        )
        sqlalchemy.event.listen(engine, "connect", _set_up_sqlite)
        return engine
    return sqlalchemy.create_engine(url, poolclass=sqlalchemy.pool.NullPool)


def _set_up_sqlite(connection: sqlite3.Connection, _record: object) -> None:
    """Write-ahead logging lets readers (progress, ``wos results``) run beside a writer."""
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def _create_tables(engine: sqlalchemy.Engine) -> None:
    """Create missing tables; another process creating them at the same moment is fine."""
    try:
        tables.metadata.create_all(engine, checkfirst=True)
    except sqlalchemy.exc.OperationalError as error:
        # Two first runs against an empty database race to create the same table.
        if "already exists" not in str(error):
            raise
        logger.debug("Another process created the tables first: %s", error)
        tables.metadata.create_all(engine, checkfirst=True)


def _connection_message(url: sqlalchemy.URL, error: sqlalchemy.exc.DBAPIError) -> str:
    """One sentence: which database failed, why, and what to do about it."""
    shown = _shown(url)
    if url.get_backend_name() == "sqlite":
        folder = os.path.dirname(os.path.abspath(url.database or ""))
        if not os.path.isdir(folder):
            return f"cannot open the database {shown}: create the folder {folder} first"
        return f"cannot open the database {shown} ({error.orig}); check the file's permissions"

    code = error.orig.args[0] if error.orig is not None and error.orig.args else None
    fix = _MYSQL_FIXES.get(code, "check that the server runs and the URL is right")
    reason = error.orig.args[1] if error.orig is not None and len(error.orig.args) > 1 else error
    return f"cannot connect to the database {shown} ({reason}); {fix}"


def shown_url(url: str) -> str:
    """A URL as it may appear in messages: the password replaced by ***."""
    try:
        return _shown(sqlalchemy.make_url(url))
    except sqlalchemy.exc.ArgumentError:
        return url


def _shown(url: sqlalchemy.URL) -> str:
    """The URL as it may appear in messages and logs: the password replaced by ***."""
    return url.render_as_string(hide_password=True)
