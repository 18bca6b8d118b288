"""Terminal tables of stored results, drawn with rich."""

from __future__ import annotations

import collections

import rich.table

from wos import records
from wos.reports import clock
from wos.storage import results


def people_table(
    people: list[records.PersonSummary], *, film_duration: float
) -> rich.table.Table:
    """One row per person, the longest on screen first."""
    table = rich.table.Table(
        title="Screen time over the whole film",
        caption=None if people else "Nobody from the cast was seen.",
    )
    table.add_column("Person")
    for heading in ("Screen time", "Share of film", "First seen", "Last seen", "Best similarity"):
        table.add_column(heading, justify="right")
    for person in people:
        table.add_row(
            person.person,
            clock.clock(person.seconds_on_screen),
            f"{clock.share(person.seconds_on_screen, film_duration):.0%}",
            clock.clock(person.first_seen),
            clock.clock(person.last_seen),
            f"{person.best_similarity:.2f}",
        )
    return table


def minutes_table(
    minutes: list[records.MinuteScreenTime],
    *,
    people: list[records.PersonSummary],
    film_duration: float,
) -> rich.table.Table:
    """Rows of film minutes, a column per person: whole seconds on screen in that minute.

    Every minute of the film has a row, so minutes where nobody was seen show as gaps
    rather than vanishing; columns follow the people's order (longest on screen first).
    """
    seconds: dict[int, dict[str, int]] = collections.defaultdict(dict)
    for minute in minutes:
        seconds[minute.minute][minute.person] = minute.seconds_on_screen
    names = [person.person for person in people]
    names += sorted({minute.person for minute in minutes} - set(names))
    last_minute = max([int(film_duration // 60), *seconds.keys()], default=0)

    table = rich.table.Table(title="Seconds on screen per minute")
    table.add_column("Minute")
    for name in names:
        table.add_column(name, justify="right")
    for minute in range(last_minute + 1):
        cells = [str(seconds[minute].get(name, "")) for name in names]
        table.add_row(clock.clock(minute * 60), *cells)
    return table


def analyses_table(analyses: list[results.Analysis]) -> rich.table.Table:
    """One row per stored analysis, the most recently started first."""
    table = rich.table.Table(title="Analyses")
    for heading in ("Analysis id", "Film", "Status", "Segments", "Film length", "Started"):
        table.add_column(heading)
    for analysis in analyses:
        table.add_row(
            analysis.id,
            analysis.film,
            analysis.status.value,
            f"{analysis.segments_done}/{analysis.segments_total}",
            clock.clock(analysis.film_duration),
            analysis.started_at.strftime("%Y-%m-%d %H:%M:%S UTC"),
        )
    return table
