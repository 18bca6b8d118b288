"""``wos imdb``: load IMDb's datasets with Spark, and list a title's cast from them."""

from __future__ import annotations

import pathlib
from typing import Annotated

import typer

from wos.analysis import sessions
from wos.cli import options
from wos.imdb import casts, loading
from wos.scraping import specs
from wos.storage import database

imdb_app = typer.Typer(
    name="imdb",
    help="Load IMDb's datasets (title.basics, title.principals, name.basics) into the database.",
    no_args_is_help=True,
)


@imdb_app.command("load")
def load(
    folder: Annotated[
        pathlib.Path, typer.Argument(help="Folder holding IMDb's three .tsv.gz files.")
    ],
    db: options.DatabaseOption = database.DEFAULT_URL,
    title: Annotated[
        list[str] | None,
        typer.Option(help="Load only this title, its principals and their people (repeatable)."),
    ] = None,
    master: Annotated[str, typer.Option(help="Spark master URL.")] = "local[*]",
) -> None:
    """Upsert the titles, people and principals: a re-load adds no duplicate rows."""
    title_ids = [specs.check_title_id(title_id) for title_id in title or []]
    spark = sessions.start_session(master=master, app_name="wos-imdb-load")
    report = loading.load_datasets(spark, folder, db_url=db, title_ids=title_ids)
    typer.echo(
        f"loaded {report.titles} titles, {report.people} people and "
        f"{report.principals} principals in {report.seconds:.1f} s"
    )


@imdb_app.command("cast")
def cast(
    title_id: Annotated[str, typer.Argument(help="IMDb title id, e.g. tt0000001.")],
    db: options.DatabaseOption = database.DEFAULT_URL,
    keep: Annotated[int, typer.Option(help="How many cast members to list.")] = 10,
) -> None:
    """List a loaded title's cast in billing order: order, person id, name, character."""
    specs.check_title_id(title_id)
    connection = database.open_database(db)
    try:
        members = casts.read_cast(connection, title_id, keep=keep)
    finally:
        connection.dispose()
    if not members:
        typer.echo(f"no cast of {title_id} in the database: load the IMDb datasets first")
        raise typer.Exit(1)
    for member in members:
        typer.echo(
            f"{member.billing_order}\t{member.person_id}\t{member.name}\t{member.character or ''}"
        )


def register(app: typer.Typer) -> None:
    """Add ``wos imdb`` to the ``wos`` app."""
    app.add_typer(imdb_app)
