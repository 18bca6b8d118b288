"""IMDb's datasets (https://datasets.imdbws.com/) loaded into the database with Spark.

- ``tables``: the titles, people and principals tables, keyed by IMDb's own ids.
- ``datasets``: reading the three tab-separated files into typed Spark DataFrames.
- ``loading``: writing them idempotently, one executemany upsert per batch of a partition.
- ``casts``: a title's cast in billing order, which the gallery job reads instead of a page.
- ``submit``: the entry point ``spark-submit`` runs.
"""
