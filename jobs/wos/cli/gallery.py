"""``wos gallery build``: the gallery job, from a cast spec to a cast folder and rows."""

from __future__ import annotations

import logging
import pathlib
from typing import Annotated

import typer

from wos.cli import options
from wos.faces import engines
from wos.imdb import casts
from wos.scraping import building, specs
from wos.scraping import settings as settings_
from wos.storage import database

logger = logging.getLogger(__name__)

_DEFAULTS = settings_.ScrapeSettings()

gallery_app = typer.Typer(
    name="gallery",
    help="Build a cast's face gallery from IMDb pages or lists of photos.",
    no_args_is_help=True,
)


@gallery_app.command("build")
def build(
    cast_spec: Annotated[
        str,
        typer.Option(
            help='The FilmAnalysis spec.cast object as JSON, e.g. {"imdbTitleId": "tt0000001"}.'
        ),
    ],
    gallery_dir: Annotated[
        pathlib.Path,
        typer.Option(help="Cast folder to write: one sub-folder of photos per person."),
    ],
    db: options.DatabaseOption = database.DEFAULT_URL,
    base_url: Annotated[str, typer.Option(help="Site to read pages from.")] = _DEFAULTS.base_url,
    engine: Annotated[
        str, typer.Option(help="Face engine that checks and embeds the photos.")
    ] = engines.DEFAULT_ENGINE,
    page_budget: Annotated[
        int, typer.Option(help="Most browser pages one run may open.")
    ] = _DEFAULTS.page_budget,
    rate: Annotated[float, typer.Option(help="Requests per second to one site.")] = _DEFAULTS.rate,
) -> None:
    """Gather photos of the cast, keep those with exactly one clear face, store them."""
    spec = specs.parse_cast_spec(cast_spec)
    settings = settings_.ScrapeSettings(base_url=base_url, page_budget=page_budget, rate=rate)
    face_engine = engines.load_engine(engine)
    connection = database.open_database(db)
    try:
        # A title whose cast the IMDb datasets tables hold needs no full-credits page.
        listed_cast = (
            casts.read_cast(connection, spec.title_id, keep=spec.keep) if spec.title_id else []
        )
        report = building.build_gallery(
            spec,
            gallery_dir=gallery_dir,
            db=connection,
            face_engine=face_engine,
            settings=settings,
            listed_cast=listed_cast,
        )
    finally:
        connection.dispose()
    _print_report(report, gallery_dir)


def _print_report(report: building.BuildReport, gallery_dir: pathlib.Path) -> None:
    typer.echo(
        f"{report.people_ready} of {report.people} people have photos in {gallery_dir}: "
        f"{report.photos_accepted} photos accepted, {report.photos_rejected} rejected, "
        f"{report.photos_failed} not downloaded; {report.pages_opened} pages opened"
    )
    for problem in report.problems:
        typer.echo(f"  {problem}")
    if report.budget_reached:
        typer.echo(
            "stopped: the page budget was reached; what was gathered is kept, "
            "run again with a larger --page-budget to gather the rest"
        )


def register(app: typer.Typer) -> None:
    """Add ``wos gallery`` to the ``wos`` app."""
    app.add_typer(gallery_app)
