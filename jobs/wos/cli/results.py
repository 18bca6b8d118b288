"""``wos results``, ``wos analyses`` and ``wos timeline``: read stored analyses."""

from __future__ import annotations

import pathlib
import posixpath
from typing import Annotated

import rich.console
import typer

from wos import errors
from wos.cli import options
from wos.reports import clock, documents, tables, timeline
from wos.storage import database, results


def register(app: typer.Typer) -> None:
    """Add this module's commands to the ``wos`` app."""
    app.command("results")(show_results)
    app.command("analyses")(list_analyses)
    app.command("timeline")(draw_timeline)


def show_results(
    analysis_id: Annotated[
        str | None, typer.Argument(help="The analysis to show (see `wos analyses`).")
    ] = None,
    db: options.DatabaseOption = database.DEFAULT_URL,
    as_json: options.JsonOption = False,
    list_all: Annotated[
        bool, typer.Option("--list", help="List the stored analyses instead.")
    ] = False,
) -> None:
    """Show an analysis's status and each person's seconds on screen, minute by minute."""
    if list_all:
        list_analyses(db=db, as_json=as_json)
        return
    if analysis_id is None:
        raise errors.SettingsError(
            "give the analysis id to show, or --list to see the stored analyses"
        )

    engine = database.open_database(db)
    analysis = results.read_analysis(engine, analysis_id)
    people = results.read_people(engine, analysis_id)
    minutes = results.read_minutes(engine, analysis_id)
    if as_json:
        appearances = results.read_appearances(engine, analysis_id)
        options.print_json(
            documents.results_document(
                analysis, people=people, minutes=minutes, appearances=appearances
            )
        )
        return

    console = options.console()
    print_status(console, analysis)
    if analysis.results_at is not None:
        console.print(tables.people_table(people, film_duration=analysis.film_duration))
        console.print(
            tables.minutes_table(minutes, people=people, film_duration=analysis.film_duration)
        )


def list_analyses(
    db: options.DatabaseOption = database.DEFAULT_URL,
    as_json: options.JsonOption = False,
) -> None:
    """List the stored analyses, the most recently started first."""
    analyses = results.list_analyses(database.open_database(db))
    if as_json:
        options.print_json(documents.analyses_document(analyses))
    elif not analyses:
        shown = database.shown_url(db)
        options.console().print(f"No analyses stored in {shown} yet; run `wos analyze`.")
    else:
        options.console().print(tables.analyses_table(analyses))


def draw_timeline(
    analysis_id: Annotated[str, typer.Argument(help="The analysis to draw.")],
    out: Annotated[
        pathlib.Path, typer.Option("--out", help="The PNG file to write.", dir_okay=False)
    ],
    db: options.DatabaseOption = database.DEFAULT_URL,
) -> None:
    """Draw when each person is on screen: a row per person, a bar per appearance."""
    engine = database.open_database(db)
    analysis = results.read_analysis(engine, analysis_id)
    if analysis.results_at is None:
        raise errors.WosError(
            f"the analysis {analysis_id!r} has no results yet (it is {analysis.status.value}); "
            "draw its timeline once `wos results` shows it succeeded"
        )

    people = [person.person for person in results.read_people(engine, analysis_id)]
    timeline.draw_timeline(
        out,
        title=f"Who is on screen: {posixpath.basename(analysis.film)} ({analysis_id})",
        people=people,
        appearances=results.read_appearances(engine, analysis_id),
        film_duration=analysis.film_duration,
    )
    options.console().print(
        f"Wrote the timeline of {len(people)} people to {out}", highlight=False, markup=False
    )


def print_status(console: rich.console.Console, analysis: results.Analysis) -> None:
    """One or two lines: how far the analysis got, and whose results the tables show."""
    console.print(
        f"Analysis {analysis.id} of {analysis.film}: {analysis.status.value}, "
        f"{analysis.segments_done}/{analysis.segments_total} segments, "
        f"film length {clock.clock(analysis.film_duration)}",
        highlight=False,
        markup=False,  # ids and file names may hold brackets
    )
    if analysis.status is results.Status.FAILED:
        console.print(f"It failed: {analysis.error}", highlight=False, markup=False)
    if analysis.results_at is None:
        console.print("No results stored yet.")
    elif analysis.status is not results.Status.SUCCEEDED:
        console.print(
            "The tables show the results of the earlier run that finished at "
            f"{analysis.results_at:%Y-%m-%d %H:%M:%S} UTC."
        )
