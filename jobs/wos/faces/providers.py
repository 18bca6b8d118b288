"""Choosing where onnxruntime runs the face models: the GPU when there is one, else the CPU."""

from __future__ import annotations

import logging
import os
import pathlib

import onnxruntime

logger = logging.getLogger(__name__)

CUDA = "CUDAExecutionProvider"
CPU = "CPUExecutionProvider"


def preferred_providers() -> list[str]:
    """CUDA then CPU when this onnxruntime build has CUDA (onnxruntime-gpu), else CPU alone.

    A CUDA build lists CUDA even on a machine without a GPU; onnxruntime then falls back to
    the CPU when it builds a session, so the provider really used is read from the session.
    """
    if CUDA in onnxruntime.get_available_providers():
        return [CUDA, CPU]
    return [CPU]


def open_session(model: pathlib.Path) -> onnxruntime.InferenceSession:
    """An inference session for one model file on the preferred provider."""
    options = onnxruntime.SessionOptions()
    # onnxruntime's own warnings (fallbacks, unused nodes) would go to stderr of every task.
    options.log_severity_level = 3
    threads = cpu_threads()
    if threads:
        # Spark runs several tasks side by side on one executor: each task's pool keeps to
        # its own share of cores and sleeps when idle, instead of spinning on all of them.
        options.intra_op_num_threads = threads
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    return onnxruntime.InferenceSession(
        str(model), sess_options=options, providers=preferred_providers()
    )


def cpu_threads() -> int:
    """The CPU threads one session may use: ``OMP_NUM_THREADS``, or 0 for all cores.

    PySpark sets ``OMP_NUM_THREADS`` in each Python worker to the task's CPUs
    (``spark.task.cpus``); outside Spark it is usually unset, and one session may take
    every core.
    """
    value = os.environ.get("OMP_NUM_THREADS", "").strip()
    return int(value) if value.isdigit() else 0


def log_provider(engine: str, provider: str) -> None:
    """The one line that tells a user whether the faces are computed on the GPU."""
    where = "the GPU" if provider == CUDA else "the CPU"
    logger.info("face engine %s runs on %s (%s)", engine, where, provider)
