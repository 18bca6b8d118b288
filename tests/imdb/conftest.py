"""The IMDb loader's fixtures: a folder of small dataset files."""

from __future__ import annotations

import pathlib

import pytest
from imdb_files import write_datasets


@pytest.fixture
def dataset_dir(tmp_path: pathlib.Path) -> pathlib.Path:
    return write_datasets(tmp_path / "imdb")
