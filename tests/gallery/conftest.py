"""The sface engine, loaded once per test module, and cast folders built from real photos."""

from __future__ import annotations

import pathlib
import shutil
from collections.abc import Callable

import pytest

from wos.faces import engine as face_engine
from wos.faces import engines

# (person folder, photo name) -> the sample photo to copy there.
CastLayout = dict[tuple[str, str], pathlib.Path]
MakeCast = Callable[[CastLayout], pathlib.Path]


@pytest.fixture(scope="module")
def sface() -> face_engine.FaceEngine:
    return engines.load_engine("sface")


@pytest.fixture
def make_cast(tmp_path: pathlib.Path) -> MakeCast:
    """A cast folder in tmp_path holding copies of the given photos."""

    def make(layout: CastLayout) -> pathlib.Path:
        cast = tmp_path / "cast"
        cast.mkdir(exist_ok=True)
        for (person, name), source in layout.items():
            (cast / person).mkdir(exist_ok=True)
            shutil.copyfile(source, cast / person / name)
        return cast

    return make
