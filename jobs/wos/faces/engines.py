"""Loading a face engine by the name users pick it by."""

from __future__ import annotations

import pathlib
from collections.abc import Callable

from wos import errors
from wos.faces import engine, models

DEFAULT_ENGINE = "sface"


def _sface(folder: pathlib.Path) -> engine.FaceEngine:
    from wos.faces import sface

    return sface.SFaceEngine(folder)


def _insightface(folder: pathlib.Path) -> engine.FaceEngine:
    # Imported only when chosen: insightface takes a second to import.
    from wos.faces import insightface_engine

    return insightface_engine.InsightFaceEngine(folder)


ENGINES: dict[str, Callable[[pathlib.Path], engine.FaceEngine]] = {
    "sface": _sface,
    "insightface": _insightface,
}


def load_engine(name: str, *, model_dir: pathlib.Path | None = None) -> engine.FaceEngine:
    """A ready face engine; its model files are checked first.

    ``model_dir`` defaults to $WOS_MODEL_DIR, else ~/.cache/who-is-on-screen/models.
    Build one per process (per Spark task): engines hold model sessions and cannot be pickled.
    """
    build = ENGINES.get(name)
    if build is None:
        raise errors.SettingsError(
            f"Unknown face engine {name!r}; choose one of: {', '.join(ENGINES)}."
        )
    return build(models.model_dir(model_dir))
