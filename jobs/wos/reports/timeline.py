"""A timeline picture of an analysis: one row per person, a bar for each appearance."""

from __future__ import annotations

import logging
import pathlib

import matplotlib

# No display on servers and in Spark containers: draw into memory, write a file.
matplotlib.use("Agg")

import matplotlib.axes  # noqa: E402  (the backend must be chosen first)
import matplotlib.figure  # noqa: E402
import matplotlib.ticker  # noqa: E402

from wos import errors, records  # noqa: E402
from wos.reports import clock  # noqa: E402

logger = logging.getLogger(__name__)

# Inches: wide enough for a feature film's minute ticks, a row tall enough for a name.
_WIDTH = 12.0
_ROW_HEIGHT = 0.45
_MARGIN_HEIGHT = 1.3
_DOTS_PER_INCH = 100

# Seconds between time ticks that a reader counts in easily.
_TICK_STEPS = (1, 5, 15, 30, 60, 120, 300, 600, 900, 1800, 3600)

# A sighting in a single frame has no length; draw it this share of the film wide so it
# still shows.
_NARROWEST_BAR = 0.004


def draw_timeline(
    path: pathlib.Path,
    *,
    title: str,
    people: list[str],
    appearances: list[records.Appearance],
    film_duration: float,
) -> None:
    """Write a PNG of when each person is on screen, the first person on the top row."""
    if path.suffix.lower() != ".png":
        raise errors.SettingsError(f"the timeline file {path} must end in .png; rename it")
    if not path.parent.is_dir():
        raise errors.SettingsError(
            f"the folder of the timeline file {path} does not exist; create {path.parent}"
        )

    figure = matplotlib.figure.Figure(
        figsize=(_WIDTH, _MARGIN_HEIGHT + _ROW_HEIGHT * max(len(people), 1)),
        dpi=_DOTS_PER_INCH,
        layout="constrained",
    )
    axes = figure.add_subplot()
    _draw_bars(axes, people=people, appearances=appearances, film_duration=film_duration)
    _label_time_axis(axes, film_duration=film_duration)
    axes.set_title(title)
    figure.savefig(path)
    logger.debug("Wrote the timeline of %d people to %s", len(people), path)


def _draw_bars(
    axes: matplotlib.axes.Axes,
    *,
    people: list[str],
    appearances: list[records.Appearance],
    film_duration: float,
) -> None:
    """One horizontal row per person, a bar per stretch of film they are seen in."""
    narrowest = film_duration * _NARROWEST_BAR
    for row, person in enumerate(people):
        spans = [
            (appearance.start, max(appearance.end - appearance.start, narrowest))
            for appearance in appearances
            if appearance.person == person
        ]
        axes.broken_barh(spans, (row - 0.35, 0.7), color=f"C{row % 10}")
    axes.set_yticks(range(len(people)), labels=people)
    axes.set_ylim(len(people) - 0.5, -0.5)  # the first person on top
    if not people:
        axes.text(0.5, 0.5, "nobody was seen", transform=axes.transAxes, ha="center")
        axes.set_yticks([])


def _label_time_axis(axes: matplotlib.axes.Axes, *, film_duration: float) -> None:
    """Film time along the bottom: a tick every minute or few, finer for a short film."""
    axes.set_xlim(0, max(film_duration, 1.0))
    axes.xaxis.set_major_locator(matplotlib.ticker.MultipleLocator(_tick_step(film_duration)))
    axes.xaxis.set_major_formatter(
        matplotlib.ticker.FuncFormatter(lambda seconds, _position: clock.clock(seconds))
    )
    axes.set_xlabel("film time")
    axes.grid(axis="x", alpha=0.3)


def _tick_step(film_duration: float) -> float:
    """Seconds between ticks: whole minutes from three minutes of film on, at most 15 ticks."""
    shortest = 60 if film_duration >= 180 else 1
    steps = [step for step in _TICK_STEPS if step >= shortest]
    return next((step for step in steps if film_duration / step <= 15), steps[-1])
