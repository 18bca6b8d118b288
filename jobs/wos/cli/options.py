"""Options that several ``wos`` sub-commands share, spelled the same everywhere."""

from __future__ import annotations

import json
from typing import Annotated, Any

import rich.console
import typer

from wos.storage import database

DatabaseOption = Annotated[
    str,
    typer.Option(
        "--db",
        envvar=database.URL_VARIABLE,
        help="Results database: sqlite:///FILE or mysql+pymysql://USER:PASSWORD@HOST/DB.",
        show_envvar=True,
    ),
]

JsonOption = Annotated[
    bool,
    typer.Option(
        "--json",
        help="Print one JSON document for scripts (format: see wos.reports.documents).",
    ),
]


def print_json(document: dict[str, Any]) -> None:
    """Write a document to stdout as JSON, names in their own script rather than escaped."""
    print(json.dumps(document, indent=2, ensure_ascii=False))


def console() -> rich.console.Console:
    """Where tables go: stdout, so they can be piped; progress and logs use stderr.

    Lines of text are not wrapped at the terminal's width, so scripts can grep them.
    """
    return rich.console.Console(soft_wrap=True)


# One console for stderr, shared by the log handler and progress bars so that log lines
# print above a running bar instead of through it.
_ERROR_CONSOLE = rich.console.Console(stderr=True)


def error_console() -> rich.console.Console:
    """Where progress bars and log lines go."""
    return _ERROR_CONSOLE
