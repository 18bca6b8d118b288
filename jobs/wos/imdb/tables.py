"""The IMDb datasets' tables, keyed by IMDb's ids so that a re-load overwrites its rows.

Multi-value fields (genres, professions, known-for titles, characters) are JSON lists.
There are no foreign keys: the files are loaded in any order, and IMDb's principals name
people that its name file can lack.
"""

from __future__ import annotations

import sqlalchemy

# Every table is utf8mb4 on MySQL, so any name fits, with a binary collation, so that ids
# and names compare exactly.
metadata = sqlalchemy.MetaData()

# title.basics.tsv.gz: one row per title.
imdb_titles = sqlalchemy.Table(
    "imdb_titles",
    metadata,
    sqlalchemy.Column("title_id", sqlalchemy.String(16), primary_key=True),  # tconst
    sqlalchemy.Column("title_type", sqlalchemy.String(32), nullable=True),
    sqlalchemy.Column("primary_title", sqlalchemy.Text, nullable=True),
    sqlalchemy.Column("original_title", sqlalchemy.Text, nullable=True),
    sqlalchemy.Column("is_adult", sqlalchemy.Boolean, nullable=True),
    sqlalchemy.Column("start_year", sqlalchemy.Integer, nullable=True),
    sqlalchemy.Column("end_year", sqlalchemy.Integer, nullable=True),
    sqlalchemy.Column("runtime_minutes", sqlalchemy.Integer, nullable=True),
    sqlalchemy.Column("genres", sqlalchemy.JSON, nullable=True),
    mysql_charset="utf8mb4",
    mysql_collate="utf8mb4_bin",
)

# name.basics.tsv.gz: one row per person.
imdb_people = sqlalchemy.Table(
    "imdb_people",
    metadata,
    sqlalchemy.Column("person_id", sqlalchemy.String(16), primary_key=True),  # nconst
    sqlalchemy.Column("name", sqlalchemy.String(512), nullable=True),
    sqlalchemy.Column("birth_year", sqlalchemy.Integer, nullable=True),
    sqlalchemy.Column("death_year", sqlalchemy.Integer, nullable=True),
    sqlalchemy.Column("professions", sqlalchemy.JSON, nullable=True),
    sqlalchemy.Column("known_for_titles", sqlalchemy.JSON, nullable=True),
    mysql_charset="utf8mb4",
    mysql_collate="utf8mb4_bin",
)

# title.principals.tsv.gz: the principal cast and crew of each title, in billing order.
imdb_principals = sqlalchemy.Table(
    "imdb_principals",
    metadata,
    sqlalchemy.Column("title_id", sqlalchemy.String(16), primary_key=True),
    sqlalchemy.Column("ordering", sqlalchemy.Integer, primary_key=True),
    sqlalchemy.Column("person_id", sqlalchemy.String(16), nullable=False),
    sqlalchemy.Column("category", sqlalchemy.String(64), nullable=True),
    sqlalchemy.Column("job", sqlalchemy.Text, nullable=True),
    sqlalchemy.Column("characters", sqlalchemy.JSON, nullable=True),
    sqlalchemy.Index("imdb_principals_person", "person_id"),
    mysql_charset="utf8mb4",
    mysql_collate="utf8mb4_bin",
)
