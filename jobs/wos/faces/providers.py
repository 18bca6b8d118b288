"""Choosing where onnxruntime runs the face models: the GPU when there is one, else the CPU."""

from __future__ import annotations

import logging
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
    return onnxruntime.InferenceSession(
        str(model), sess_options=options, providers=preferred_providers()
    )


def log_provider(engine: str, provider: str) -> None:
    """The one line that tells a user whether the faces are computed on the GPU."""
    where = "the GPU" if provider == CUDA else "the CPU"
    logger.info("face engine %s runs on %s (%s)", engine, where, provider)
