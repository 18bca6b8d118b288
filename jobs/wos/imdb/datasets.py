"""Reading IMDb's three dataset files into typed Spark DataFrames.

The files are gzip'd, tab-separated, with a header row, ``\\N`` for a missing value and no
quoting at all: a double quote is a literal character of the value. Multi-value fields are
comma-separated; ``characters`` is a JSON list of strings.
"""

from __future__ import annotations

import dataclasses
import gzip
import pathlib

from pyspark.sql import Column, DataFrame, SparkSession
from pyspark.sql import functions as F
from pyspark.sql import types as T

from wos import errors

DOWNLOAD_PAGE = "https://datasets.imdbws.com/"


@dataclasses.dataclass(frozen=True)
class DatasetFile:
    """One of IMDb's files: its name and the header it must start with."""

    name: str
    columns: tuple[str, ...]


TITLES = DatasetFile(
    "title.basics.tsv.gz",
    (
        "tconst", "titleType", "primaryTitle", "originalTitle", "isAdult",
        "startYear", "endYear", "runtimeMinutes", "genres",
    ),
)  # fmt: skip
PRINCIPALS = DatasetFile(
    "title.principals.tsv.gz",
    ("tconst", "ordering", "nconst", "category", "job", "characters"),
)
PEOPLE = DatasetFile(
    "name.basics.tsv.gz",
    (
        "nconst", "primaryName", "birthYear", "deathYear",
        "primaryProfession", "knownForTitles",
    ),
)  # fmt: skip


def read_file(spark: SparkSession, folder: pathlib.Path, dataset: DatasetFile) -> DataFrame:
    """The file's rows as strings, nulls in place of ``\\N``; its header is checked first."""
    path = folder / dataset.name
    _check_header(path, dataset)
    schema = T.StructType([T.StructField(column, T.StringType()) for column in dataset.columns])
    return spark.read.csv(
        str(path),
        schema=schema,
        sep="\t",
        header=True,
        nullValue="\\N",
        # IMDb does not quote: an empty quote character turns quoting off, so a value such
        # as 'The "Great" Escape' keeps its quotes and a lone quote swallows nothing.
        quote="",
        escape="",
        mode="FAILFAST",
    )


def titles(spark: SparkSession, folder: pathlib.Path) -> DataFrame:
    """title.basics as rows of ``imdb_titles``."""
    raw = read_file(spark, folder, TITLES)
    return raw.select(
        F.col("tconst").alias("title_id"),
        F.col("titleType").alias("title_type"),
        F.col("primaryTitle").alias("primary_title"),
        F.col("originalTitle").alias("original_title"),
        (F.col("isAdult") == "1").alias("is_adult"),
        _whole_number("startYear").alias("start_year"),
        _whole_number("endYear").alias("end_year"),
        _whole_number("runtimeMinutes").alias("runtime_minutes"),
        _list("genres").alias("genres"),
    )


def people(spark: SparkSession, folder: pathlib.Path) -> DataFrame:
    """name.basics as rows of ``imdb_people``."""
    raw = read_file(spark, folder, PEOPLE)
    return raw.select(
        F.col("nconst").alias("person_id"),
        F.col("primaryName").alias("name"),
        _whole_number("birthYear").alias("birth_year"),
        _whole_number("deathYear").alias("death_year"),
        _list("primaryProfession").alias("professions"),
        _list("knownForTitles").alias("known_for_titles"),
    )


def principals(spark: SparkSession, folder: pathlib.Path) -> DataFrame:
    """title.principals as rows of ``imdb_principals``."""
    raw = read_file(spark, folder, PRINCIPALS)
    return raw.select(
        F.col("tconst").alias("title_id"),
        _whole_number("ordering").alias("ordering"),
        F.col("nconst").alias("person_id"),
        F.col("category"),
        F.col("job"),
        _characters("characters").alias("characters"),
    )


def _whole_number(column: str) -> Column:
    # try_cast: a stray non-number becomes null instead of failing the whole load.
    return F.col(column).try_cast(T.IntegerType())


def _list(column: str) -> Column:
    return F.split(F.col(column), ",")


def _characters(column: str) -> Column:
    """The JSON list of character names; a value that is not JSON becomes a one-name list."""
    parsed = F.from_json(F.col(column), T.ArrayType(T.StringType()))
    return F.when(F.col(column).isNull(), F.lit(None)).otherwise(
        F.coalesce(parsed, F.array(F.col(column)))
    )


def _check_header(path: pathlib.Path, dataset: DatasetFile) -> None:
    """A missing file or an unexpected header fails here, naming the file and the fix."""
    if not path.is_file():
        raise errors.SettingsError(
            f"the IMDb dataset file {path} is missing: download {dataset.name} from "
            f"{DOWNLOAD_PAGE} into {path.parent}"
        )
    try:
        with gzip.open(path, "rt", encoding="utf-8") as lines:
            header = tuple(lines.readline().rstrip("\n").split("\t"))
    except (OSError, EOFError, UnicodeDecodeError) as error:
        raise errors.SettingsError(
            f"the IMDb dataset file {path} is not a readable gzip file ({error}): "
            f"download it again from {DOWNLOAD_PAGE}"
        ) from None
    if header != dataset.columns:
        raise errors.SettingsError(
            f"the IMDb dataset file {path} starts with the columns {', '.join(header)}, "
            f"not {', '.join(dataset.columns)}: give the file of that name from {DOWNLOAD_PAGE}"
        )
