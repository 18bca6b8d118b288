"""The tables of the results database, keyed by natural primary keys so writes are idempotent.

Every row belongs to one analysis (``analyses.id``). A re-run of the same analysis replaces
its rows instead of adding to them: the keys make a second write of the same fact collide
with the first, never sit beside it.
"""

from __future__ import annotations

import sqlalchemy
from sqlalchemy.dialects import mysql

metadata = sqlalchemy.MetaData()

# MySQL and MariaDB: utf8mb4 so any name fits, and a binary collation so that names differing
# only by accent or case ("Zoë", "Zoe") stay two people instead of colliding in a key.
_MYSQL_OPTIONS = {"mysql_charset": "utf8mb4", "mysql_collate": "utf8mb4_bin"}

# Long enough for a Kubernetes object name plus a suffix, short enough for composite keys to
# stay under InnoDB's 3072-byte index limit in utf8mb4.
ANALYSIS_ID_LENGTH = 128
PERSON_LENGTH = 255

# Seconds of film time. A double, since MySQL's FLOAT is single precision and would round
# a frame time of 3603.367 s to the nearest few milliseconds.
_Seconds = sqlalchemy.Double

# UTC wall-clock times; MySQL keeps whole seconds unless asked for fractions.
_Timestamp = sqlalchemy.DateTime().with_variant(mysql.DATETIME(fsp=6), "mysql", "mariadb")


def _analysis_column() -> sqlalchemy.Column[str]:
    """The key that ties a row to its analysis; deleting the analysis deletes the row."""
    return sqlalchemy.Column(
        "analysis_id",
        sqlalchemy.String(ANALYSIS_ID_LENGTH),
        sqlalchemy.ForeignKey("analyses.id", ondelete="CASCADE"),
        primary_key=True,
    )


analyses = sqlalchemy.Table(
    "analyses",
    metadata,
    sqlalchemy.Column("id", sqlalchemy.String(ANALYSIS_ID_LENGTH), primary_key=True),
    sqlalchemy.Column("film", sqlalchemy.Text, nullable=False),
    sqlalchemy.Column("cast", sqlalchemy.Text, nullable=False),
    sqlalchemy.Column("settings", sqlalchemy.JSON, nullable=False),
    sqlalchemy.Column("engine", sqlalchemy.String(64), nullable=False),
    # running, succeeded or failed (see wos.storage.results.Status).
    sqlalchemy.Column("status", sqlalchemy.String(16), nullable=False),
    sqlalchemy.Column("segments_total", sqlalchemy.Integer, nullable=False),
    sqlalchemy.Column("segments_done", sqlalchemy.Integer, nullable=False),
    sqlalchemy.Column("film_duration", _Seconds, nullable=False),
    sqlalchemy.Column("error", sqlalchemy.Text, nullable=True),
    sqlalchemy.Column("started_at", _Timestamp, nullable=False),
    sqlalchemy.Column("finished_at", _Timestamp, nullable=True),
    # When the stored people, minutes and appearances were written: a failed re-run keeps
    # the earlier run's results, and this tells which run they come from.
    sqlalchemy.Column("results_at", _Timestamp, nullable=True),
    **_MYSQL_OPTIONS,
)

people = sqlalchemy.Table(
    "people",
    metadata,
    _analysis_column(),
    sqlalchemy.Column("person", sqlalchemy.String(PERSON_LENGTH), primary_key=True),
    sqlalchemy.Column("seconds_on_screen", sqlalchemy.Integer, nullable=False),
    sqlalchemy.Column("frames_matched", sqlalchemy.Integer, nullable=False),
    sqlalchemy.Column("mean_similarity", sqlalchemy.Float, nullable=False),
    sqlalchemy.Column("best_similarity", sqlalchemy.Float, nullable=False),
    sqlalchemy.Column("first_seen", _Seconds, nullable=False),
    sqlalchemy.Column("last_seen", _Seconds, nullable=False),
    **_MYSQL_OPTIONS,
)

screen_time_minutes = sqlalchemy.Table(
    "screen_time_minutes",
    metadata,
    _analysis_column(),
    sqlalchemy.Column("person", sqlalchemy.String(PERSON_LENGTH), primary_key=True),
    sqlalchemy.Column("minute", sqlalchemy.Integer, primary_key=True),
    sqlalchemy.Column("seconds_on_screen", sqlalchemy.Integer, nullable=False),
    sqlalchemy.Column("frames_matched", sqlalchemy.Integer, nullable=False),
    sqlalchemy.Column("mean_similarity", sqlalchemy.Float, nullable=False),
    sqlalchemy.Column("best_similarity", sqlalchemy.Float, nullable=False),
    sqlalchemy.Column("first_seen", _Seconds, nullable=False),
    sqlalchemy.Column("last_seen", _Seconds, nullable=False),
    **_MYSQL_OPTIONS,
)

appearances = sqlalchemy.Table(
    "appearances",
    metadata,
    _analysis_column(),
    sqlalchemy.Column("person", sqlalchemy.String(PERSON_LENGTH), primary_key=True),
    sqlalchemy.Column("start", _Seconds, primary_key=True),
    sqlalchemy.Column("end", _Seconds, nullable=False),
    sqlalchemy.Column("frames_matched", sqlalchemy.Integer, nullable=False),
    **_MYSQL_OPTIONS,
)

detections = sqlalchemy.Table(
    "detections",
    metadata,
    _analysis_column(),
    sqlalchemy.Column("segment_index", sqlalchemy.Integer, primary_key=True),
    sqlalchemy.Column("frame_time", _Seconds, primary_key=True),
    sqlalchemy.Column("face_index", sqlalchemy.Integer, primary_key=True),
    sqlalchemy.Column("box_x", sqlalchemy.Float, nullable=False),
    sqlalchemy.Column("box_y", sqlalchemy.Float, nullable=False),
    sqlalchemy.Column("box_width", sqlalchemy.Float, nullable=False),
    sqlalchemy.Column("box_height", sqlalchemy.Float, nullable=False),
    # None when the face matched nobody in the gallery.
    sqlalchemy.Column("person", sqlalchemy.String(PERSON_LENGTH), nullable=True),
    sqlalchemy.Column("similarity", sqlalchemy.Float, nullable=False),
    **_MYSQL_OPTIONS,
)

# One row per segment whose detections are stored: the count is analyses.segments_done.
analysis_segments = sqlalchemy.Table(
    "analysis_segments",
    metadata,
    _analysis_column(),
    sqlalchemy.Column("segment_index", sqlalchemy.Integer, primary_key=True),
    sqlalchemy.Column("done_at", _Timestamp, nullable=False),
    **_MYSQL_OPTIONS,
)
