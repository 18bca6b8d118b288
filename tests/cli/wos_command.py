"""Running the installed ``wos`` command and reading what it prints."""

from __future__ import annotations

import subprocess
from collections.abc import Callable

Wos = Callable[..., subprocess.CompletedProcess[str]]


def error_line(result: subprocess.CompletedProcess[str]) -> str:
    """The one line a failed command prints on stderr, after any log lines."""
    lines = [line for line in result.stderr.splitlines() if line.startswith("error: ")]
    assert len(lines) == 1, result.stderr
    return lines[0]


def tables_in(text: str) -> list[list[list[str]]]:
    """The rich tables printed in ``text``: each a list of rows of cells, headings first."""
    tables: list[list[list[str]]] = []
    for line in text.splitlines():
        if line.startswith("┏"):
            tables.append([])
        elif line.startswith(("┃", "│")):
            tables[-1].append([cell.strip() for cell in line[1:-1].replace("┃", "│").split("│")])
    return tables
