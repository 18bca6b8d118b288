"""The ``wos`` command: one sub-module per group of sub-commands, each with ``register(app)``."""

from __future__ import annotations

import logging
import sys

import click
import typer

from wos import errors
from wos.cli import analyze, gallery, imdb, results

app = typer.Typer(
    name="wos",
    help="Who is on screen: per-minute screen time of a film's cast.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
for command_module in (analyze, results, gallery, imdb):
    command_module.register(app)


def main() -> None:
    """Run the command; a user-fixable problem becomes one line on stderr and exit code 1."""
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")

    try:
        app(standalone_mode=False)
    except errors.WosError as error:
        print(f"error: {error}", file=sys.stderr)
        sys.exit(1)
    except click.exceptions.ClickException as error:
        error.show()
        sys.exit(error.exit_code)
    except click.exceptions.Abort:
        print("aborted", file=sys.stderr)
        sys.exit(1)
