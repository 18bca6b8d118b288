"""Writing IMDb's datasets into the database: idempotent upserts from every partition.

``DataFrame.write.jdbc`` can only append or overwrite whole tables; a re-load must instead
overwrite the rows it brings and keep the others. Each partition therefore opens its own
connection and sends its rows in batches, one executemany upsert per batch.
"""

from __future__ import annotations

import dataclasses
import functools
import logging
import pathlib
import time
from collections.abc import Iterable, Sequence

import sqlalchemy
from pyspark import Accumulator
from pyspark.sql import DataFrame, Row, SparkSession
from pyspark.sql import functions as F

from wos.imdb import datasets, tables
from wos.scraping import tables as scraping_tables
from wos.storage import database

logger = logging.getLogger(__name__)

# Rows per executemany: large enough to amortise the round trip, small enough that one
# statement stays far below MySQL's default max_allowed_packet (16 MB) with long titles.
BATCH_ROWS = 5_000


@dataclasses.dataclass(frozen=True)
class LoadReport:
    """How many rows each table received in one load."""

    titles: int
    people: int
    principals: int
    seconds: float


def load_datasets(
    spark: SparkSession,
    folder: pathlib.Path,
    *,
    db_url: str,
    title_ids: Sequence[str] = (),
) -> LoadReport:
    """Load the three files of ``folder`` into the database at ``db_url``.

    With ``title_ids``, only those titles, their principals and the people these name are
    loaded: enough for the gallery job, in a fraction of the time of the whole files.
    """
    started = time.monotonic()
    # Create the tables once here, not from many partitions at the same moment.
    db = database.open_database(db_url)
    try:
        tables.metadata.create_all(db, checkfirst=True)
    finally:
        db.dispose()

    titles = datasets.titles(spark, folder)
    principals = datasets.principals(spark, folder)
    people = datasets.people(spark, folder)
    if title_ids:
        wanted = list(title_ids)
        titles = titles.where(F.col("title_id").isin(wanted))
        principals = principals.where(F.col("title_id").isin(wanted))
        people = people.join(principals.select("person_id").distinct(), "person_id", "left_semi")

    report = LoadReport(
        titles=_write(spark, titles, tables.imdb_titles, db_url),
        people=_write(spark, people, tables.imdb_people, db_url),
        principals=_write(spark, principals, tables.imdb_principals, db_url),
        seconds=time.monotonic() - started,
    )
    logger.info(
        "Loaded %d titles, %d people and %d principals from %s in %.1f s",
        report.titles,
        report.people,
        report.principals,
        folder,
        report.seconds,
    )
    return report


def _write(spark: SparkSession, frame: DataFrame, table: sqlalchemy.Table, db_url: str) -> int:
    """Upsert every row of ``frame`` into ``table``; the number of rows written."""
    written = spark.sparkContext.accumulator(0)
    # Rows with no key cannot be stored; IMDb has none, but a damaged file could.
    keys = [column.name for column in table.primary_key.columns]
    complete = frame.dropna(subset=keys)
    complete.foreachPartition(
        functools.partial(_write_partition, db_url=db_url, table_name=table.name, written=written)
    )
    logger.info("Wrote %d rows into %s", written.value, table.name)
    return int(written.value)


def _write_partition(
    rows: Iterable[Row], *, db_url: str, table_name: str, written: Accumulator[int]
) -> None:
    """Runs on an executor: upsert one partition's rows in batches over one connection."""
    table = tables.metadata.tables[table_name]
    db = database.open_database(db_url)
    try:
        batch: list[dict[str, object]] = []
        for row in rows:
            batch.append(row.asDict())
            if len(batch) >= BATCH_ROWS:
                _upsert_batch(db, table, batch)
                written.add(len(batch))
                batch = []
        _upsert_batch(db, table, batch)
        written.add(len(batch))
    finally:
        db.dispose()


def _upsert_batch(
    db: sqlalchemy.Engine, table: sqlalchemy.Table, batch: list[dict[str, object]]
) -> None:
    with db.begin() as connection:
        scraping_tables.upsert(connection, table, batch)
