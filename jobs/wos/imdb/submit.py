"""The IMDb datasets loader as ``spark-submit`` runs it.

``spark-submit jobs/wos/imdb/submit.py DIR --db URL [--title tt0000001 ...]``
"""

from __future__ import annotations

import argparse
import logging
import pathlib
import sys

from pyspark.sql import SparkSession

from wos import errors
from wos.imdb import loading
from wos.scraping import specs


def main(argv: list[str] | None = None) -> int:
    """Load the datasets in DIR into the database; 1 with one line on stderr when it cannot."""
    logging.basicConfig(
        level=logging.INFO, format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr
    )
    # py4j tells of every gateway connection at INFO.
    logging.getLogger("py4j").setLevel(logging.WARNING)
    parser = argparse.ArgumentParser(description="Load IMDb's datasets into the database.")
    parser.add_argument("folder", type=pathlib.Path, help="folder holding the three .tsv.gz")
    parser.add_argument("--db", required=True, help="SQLAlchemy URL of the database")
    parser.add_argument("--title", action="append", default=[], help="load only this title")
    arguments = parser.parse_args(argv)

    # spark-submit has made the session; getOrCreate picks it up.
    spark = SparkSession.builder.appName("wos-imdb-load").getOrCreate()
    try:
        for title_id in arguments.title:
            specs.check_title_id(title_id)
        report = loading.load_datasets(
            spark, arguments.folder, db_url=arguments.db, title_ids=arguments.title
        )
    except errors.WosError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    finally:
        spark.stop()
    print(
        f"loaded {report.titles} titles, {report.people} people and "
        f"{report.principals} principals in {report.seconds:.1f} s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
