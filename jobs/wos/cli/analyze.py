"""``wos analyze``: run the analysis of one film on this machine, then show who was on screen."""

from __future__ import annotations

import contextlib
import pathlib
from collections.abc import Callable, Iterator
from typing import Annotated

import rich.progress
import typer

from wos.analysis import settings as analysis_settings
from wos.cli import options
from wos.reports import documents, tables
from wos.storage import database, results

# The settings' own defaults, shown in --help and used when an option is not given.
_DEFAULTS = analysis_settings.AnalysisSettings()


def register(app: typer.Typer) -> None:
    """Add this module's commands to the ``wos`` app."""
    app.command("analyze")(analyze)


def analyze(
    film: Annotated[str, typer.Argument(help="The film: a file path, an http(s) or an s3 URL.")],
    cast: Annotated[
        pathlib.Path,
        typer.Option(
            "--cast",
            help="Cast folder: one sub-folder per person, named with the display name, "
            "holding photos of that person.",
        ),
    ],
    db: options.DatabaseOption = database.DEFAULT_URL,
    fps: Annotated[
        float, typer.Option("--fps", help="Frames sampled per second of film.")
    ] = _DEFAULTS.frames_per_second,
    engine: Annotated[
        str, typer.Option("--engine", help="Face engine: sface (CPU) or insightface (GPU).")
    ] = _DEFAULTS.engine,
    segment_seconds: Annotated[
        float, typer.Option("--segment-seconds", help="Seconds of film per Spark task.")
    ] = _DEFAULTS.segment_seconds,
    threshold: Annotated[
        float | None,
        typer.Option(
            "--threshold",
            help="Cosine similarity a face needs to match a person "
            "(default: the engine's own).",
        ),
    ] = _DEFAULTS.threshold,
    master: Annotated[
        str, typer.Option("--master", help="Spark master URL.")
    ] = _DEFAULTS.master,
    analysis_id: Annotated[
        str | None,
        typer.Option(
            "--analysis-id",
            help="Id to store the results under; a re-run with the same id replaces them "
            "(default: derived from the film, cast and settings).",
        ),
    ] = None,
    as_json: options.JsonOption = False,
) -> None:
    """Find which cast members are on screen in FILM, minute by minute, and store it."""
    # Settings are checked on construction, before anything touches the database.
    settings = analysis_settings.AnalysisSettings(
        frames_per_second=fps,
        segment_seconds=segment_seconds,
        engine=engine,
        threshold=threshold,
        master=master,
    )

    # Imported here, not at the top: it brings in Spark, which `wos results` does not need.
    from wos.analysis import application

    request = application.AnalysisRequest(
        film=film,
        cast_dir=cast,
        database_url=db,
        analysis_id=analysis_id,
        settings=settings,
    )
    if as_json:
        outcome = application.run_analysis(request, on_progress=_ignore)
    else:
        with _segment_progress() as on_progress:
            outcome = application.run_analysis(request, on_progress=on_progress)

    _show_outcome(db, outcome.analysis_id, as_json=as_json)


def _show_outcome(url: str, analysis_id: str, *, as_json: bool) -> None:
    """The stored results, read back as `wos results` would show them."""
    db = database.open_database(url)
    analysis = results.read_analysis(db, analysis_id)
    people = results.read_people(db, analysis_id)
    if as_json:
        options.print_json(
            documents.results_document(
                analysis,
                people=people,
                minutes=results.read_minutes(db, analysis_id),
                appearances=results.read_appearances(db, analysis_id),
            )
        )
        return

    # The commands that read this analysis back, with --db only when it is not the default.
    where = "" if url == database.default_url() else f" --db '{database.shown_url(url)}'"
    console = options.console()
    console.print(tables.people_table(people, film_duration=analysis.film_duration))
    console.print(f"Analysis id: {analysis_id}", highlight=False, markup=False)
    console.print(
        f"Per-minute screen time: wos results {analysis_id}{where}\n"
        f"Timeline picture: wos timeline {analysis_id} --out timeline.png{where}",
        highlight=False,
        markup=False,
    )


@contextlib.contextmanager
def _segment_progress() -> Iterator[Callable[[int, int], None]]:
    """A progress bar over the film's segments, on stderr beside the log lines."""
    progress = rich.progress.Progress(
        rich.progress.TextColumn("Segments"),
        rich.progress.BarColumn(),
        rich.progress.MofNCompleteColumn(),
        rich.progress.TimeElapsedColumn(),
        console=options.error_console(),
    )
    task = progress.add_task("segments", total=None)

    def on_progress(done: int, total: int) -> None:
        # The bar appears once the film is probed and cut into segments, so a refused film,
        # cast or database shows its one error line and no empty bar.
        if not progress.live.is_started:
            progress.start()
        progress.update(task, completed=done, total=total)

    try:
        yield on_progress
    finally:
        progress.stop()


def _ignore(_done: int, _total: int) -> None:
    """No progress bar under --json: stdout holds only the document."""
