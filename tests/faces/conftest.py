"""Face engines on the real models, each loaded once per test module."""

from __future__ import annotations

import pathlib

import pytest

from wos.faces import engine as face_engine
from wos.faces import engines, models


@pytest.fixture(scope="module", params=sorted(engines.ENGINES))
def engine(request: pytest.FixtureRequest) -> face_engine.FaceEngine:
    """Each engine in turn, on the models scripts/fetch_models.py laid out."""
    return engines.load_engine(request.param)


@pytest.fixture
def model_copy(tmp_path: pathlib.Path) -> pathlib.Path:
    """A model folder of links to the fetched files, which a test may break one by one."""
    source = models.model_dir()
    for model in models.ALL_FILES:
        target = tmp_path / "models" / model.path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.symlink_to(models.require(model, source))
    return tmp_path / "models"
