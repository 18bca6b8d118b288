"""Starting the Spark session the analysis runs in, when no spark-submit made one."""

from __future__ import annotations

import logging
import os
import sys
import time

from pyspark.sql import SparkSession

logger = logging.getLogger(__name__)

# Without it Spark binds to whatever address the host name resolves to, which on many
# machines is not reachable from the machine itself.
_LOCAL_IP_VARIABLE = "SPARK_LOCAL_IP"
_WORKER_PYTHON_VARIABLE = "PYSPARK_PYTHON"


def start_session(*, master: str, app_name: str) -> SparkSession:
    """A Spark session on ``master`` (e.g. ``local[2]``), or the one already running."""
    os.environ.setdefault(_LOCAL_IP_VARIABLE, "127.0.0.1")
    # Local Python workers must run this interpreter (this venv, with wos in it), not
    # whichever python3 is first on PATH.
    os.environ.setdefault(_WORKER_PYTHON_VARIABLE, sys.executable)
    started = time.monotonic()
    session = (
        SparkSession.builder.master(master)
        .appName(app_name)
        # A film segment is one task; Spark's UI and its shuffle partitions are of no use.
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.ui.showConsoleProgress", "false")
        # One segment per task, so a Python worker's engine serves the next segment too.
        .config("spark.python.worker.reuse", "true")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("WARN")
    logger.info(
        "Started Spark session %s on %s in %.1f s", app_name, master, time.monotonic() - started
    )
    return session
