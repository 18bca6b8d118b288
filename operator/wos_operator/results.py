"""Progress and results of a running analysis, read from the results database.

The analysis driver writes them there (``analyses.segments_done``, ``segments_total``,
``status``, then the people): Spark's pods get no rights to write Kubernetes objects, and
the operator reads the results from the database anyway.
"""

from __future__ import annotations

import dataclasses
import logging

import sqlalchemy

from wos import errors
from wos.storage import database
from wos.storage import results as stored

logger = logging.getLogger(__name__)

# The status shows the people longest on screen; `wos results` shows everyone.
TOP_PEOPLE = 5


@dataclasses.dataclass(frozen=True)
class Progress:
    """How far the analysis driver got, as it last recorded."""

    segments_done: int
    segments_total: int
    film_duration: float
    status: str  # running, succeeded or failed


@dataclasses.dataclass(frozen=True)
class Findings:
    """Who was found on screen, the longest on screen first."""

    people_found: int
    top_screen_time: tuple[tuple[str, int], ...]  # (person, seconds on screen)


class ResultsReader:
    """Reads one database; connects on first use, so a slow database delays no start-up."""

    def __init__(self, url: str) -> None:
        self._url = url
        self._db: sqlalchemy.Engine | None = None

    def progress(self, analysis_id: str) -> Progress | None:
        """The recorded progress, or None before the driver has recorded the analysis."""
        try:
            analysis = stored.read_analysis(self._database(), analysis_id)
        except errors.DatabaseError:
            raise
        except errors.WosError:
            return None  # not started yet: the driver records it once it has cut the film
        return Progress(
            segments_done=analysis.segments_done,
            segments_total=analysis.segments_total,
            film_duration=analysis.film_duration,
            status=str(analysis.status),
        )

    def findings(self, analysis_id: str) -> Findings:
        """The people the finished analysis found on screen."""
        people = stored.read_people(self._database(), analysis_id)
        seen = [person for person in people if person.seconds_on_screen > 0]
        top = tuple((person.person, person.seconds_on_screen) for person in seen[:TOP_PEOPLE])
        return Findings(people_found=len(seen), top_screen_time=top)

    def _database(self) -> sqlalchemy.Engine:
        if self._db is None:
            self._db = database.open_database(self._url)
        return self._db
