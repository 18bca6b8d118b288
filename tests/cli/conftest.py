"""Fixtures of the command tests: the installed ``wos`` command, run as a user runs it."""

from __future__ import annotations

import os
import pathlib
import subprocess
import sys

import pytest

from wos_command import Wos

WOS = pathlib.Path(sys.executable).with_name("wos")


@pytest.fixture
def wos(tmp_path: pathlib.Path) -> Wos:
    """Run ``wos ARGS`` in a fresh working folder, where the default database would go."""

    def run(
        *arguments: str | os.PathLike[str], timeout: float = 120
    ) -> subprocess.CompletedProcess[str]:
        # A wide terminal, so rich tables keep each name on one line.
        environment = {**os.environ, "COLUMNS": "200"}
        environment.pop("WOS_DATABASE_URL", None)
        return subprocess.run(
            [str(WOS), *map(str, arguments)],
            cwd=tmp_path,
            env=environment,
            capture_output=True,
            text=True,
            timeout=timeout,
        )

    return run

