"""The gallery job's tables: the people of a cast and every photo tried for them.

Natural keys (title and display name; title, name and the photo address's hash) make a
re-run overwrite its earlier rows instead of adding to them.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import Any

import sqlalchemy
from sqlalchemy.dialects import mysql, sqlite

# Every table is utf8mb4 on MySQL, so any name fits, with a binary collation, so that "Zoë"
# and "Zoe" stay two people.
metadata = sqlalchemy.MetaData()

# UTC wall-clock times; MySQL keeps whole seconds unless asked for fractions.
_Timestamp = sqlalchemy.DateTime().with_variant(mysql.DATETIME(fsp=6), "mysql", "mariadb")

# The title column of people listed by name in a spec with no IMDb title.
NO_TITLE = ""

# One row per person of a gallery run. status: "pending" (not reached yet), "ready" (has
# accepted photos), "no_photos" (none accepted) or "skipped" (their page could not be read).
gallery_people = sqlalchemy.Table(
    "gallery_people",
    metadata,
    sqlalchemy.Column("title_id", sqlalchemy.String(16), primary_key=True),
    sqlalchemy.Column("name", sqlalchemy.String(255), primary_key=True),
    sqlalchemy.Column("person_id", sqlalchemy.String(16), nullable=True),
    sqlalchemy.Column("character_name", sqlalchemy.String(512), nullable=True),
    sqlalchemy.Column("billing_order", sqlalchemy.Integer, nullable=True),
    sqlalchemy.Column("source", sqlalchemy.String(16), nullable=False),
    sqlalchemy.Column("status", sqlalchemy.String(16), nullable=False),
    sqlalchemy.Column("reason", sqlalchemy.Text, nullable=True),
    sqlalchemy.Column("folder", sqlalchemy.String(255), nullable=True),
    sqlalchemy.Column("photos_accepted", sqlalchemy.Integer, nullable=False),
    sqlalchemy.Column("updated_at", _Timestamp, nullable=False),
    mysql_charset="utf8mb4",
    mysql_collate="utf8mb4_bin",
)

# One row per photo address tried for a person. status: "accepted" (in the cast folder,
# with its face's embedding), "rejected" (not exactly one clear face, or not an image) or
# "failed" (could not be downloaded, or robots.txt forbids it).
gallery_photos = sqlalchemy.Table(
    "gallery_photos",
    metadata,
    sqlalchemy.Column("title_id", sqlalchemy.String(16), primary_key=True),
    sqlalchemy.Column("name", sqlalchemy.String(255), primary_key=True),
    # sha256 of the address: addresses are too long for a key in InnoDB's index limit.
    sqlalchemy.Column("url_sha256", sqlalchemy.String(64), primary_key=True),
    sqlalchemy.Column("url", sqlalchemy.Text, nullable=False),
    sqlalchemy.Column("status", sqlalchemy.String(16), nullable=False),
    sqlalchemy.Column("reason", sqlalchemy.Text, nullable=True),
    sqlalchemy.Column("file_name", sqlalchemy.String(128), nullable=True),
    sqlalchemy.Column("engine", sqlalchemy.String(32), nullable=True),
    sqlalchemy.Column("face_score", sqlalchemy.Float, nullable=True),
    # float32 values of the unit-length face embedding, little-endian.
    sqlalchemy.Column("embedding", sqlalchemy.LargeBinary, nullable=True),
    sqlalchemy.Column("updated_at", _Timestamp, nullable=False),
    mysql_charset="utf8mb4",
    mysql_collate="utf8mb4_bin",
)


def url_key(url: str) -> str:
    """The key of a photo address in ``gallery_photos``."""
    return hashlib.sha256(url.encode("utf-8")).hexdigest()


def upsert(
    connection: sqlalchemy.Connection,
    table: sqlalchemy.Table,
    rows: Sequence[dict[str, Any]],
) -> None:
    """Insert the rows, overwriting those with the same primary key, in one executemany."""
    if not rows:
        return
    keys = {column.name for column in table.primary_key.columns}
    changed = [name for name in rows[0] if name not in keys]
    if connection.dialect.name == "sqlite":
        sqlite_insert = sqlite.insert(table)
        statement: sqlalchemy.Executable = sqlite_insert.on_conflict_do_update(
            index_elements=sorted(keys),
            set_={name: sqlite_insert.excluded[name] for name in changed},
        )
    else:
        # VALUES(col) on MariaDB and MySQL alike; MariaDB has no "AS new" alias.
        mysql_insert = mysql.insert(table)
        statement = mysql_insert.on_duplicate_key_update(
            {name: mysql_insert.inserted[name] for name in changed}
        )
    connection.execute(statement, list(rows))
