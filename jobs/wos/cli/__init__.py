"""The ``wos`` command: one sub-module per group of sub-commands, each with ``register(app)``."""

from __future__ import annotations

import logging
import sys

import click
import rich.logging
import typer

from wos import errors
from wos.cli import analyze, gallery, imdb, options, results

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
    # Log lines go through the same stderr console as progress bars, so they print above
    # a running bar instead of through it.
    handler = rich.logging.RichHandler(
        console=options.error_console(), show_time=False, show_path=False, markup=False
    )
    logging.basicConfig(level=logging.INFO, format="%(name)s: %(message)s", handlers=[handler])
    # Spark's Python bridge logs every gateway call at INFO.
    logging.getLogger("py4j").setLevel(logging.WARNING)

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
