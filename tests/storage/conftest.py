"""Fixtures of the storage tests: each runs against SQLite and against MariaDB."""

from __future__ import annotations

import pytest


@pytest.fixture(params=["sqlite", pytest.param("mariadb", marks=pytest.mark.mariadb)])
def database_url(request: pytest.FixtureRequest) -> str:
    """A fresh, empty database of each kind the project supports."""
    return request.getfixturevalue(f"{request.param}_url")
