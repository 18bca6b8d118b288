"""The ``--json`` documents of the ``wos`` command: stable, for scripts.

``wos analyze --json`` and ``wos results ID --json`` print one results document::

    {
      "format": 1,
      "analysis": ANALYSIS,
      "people": [            # the longest on screen first
        {"person": str, "seconds_on_screen": int, "share_of_film": float (0-1),
         "frames_matched": int, "mean_similarity": float, "best_similarity": float,
         "first_seen": float, "last_seen": float}
      ],
      "minutes": [           # by minute, then person; only minutes a person was seen in
        {"minute": int, "person": str, "seconds_on_screen": int, "frames_matched": int,
         "mean_similarity": float, "best_similarity": float,
         "first_seen": float, "last_seen": float}
      ],
      "appearances": [       # by start time
        {"person": str, "start": float, "end": float, "frames_matched": int}
      ]
    }

``wos analyses --json`` prints ``{"format": 1, "analyses": [ANALYSIS, ...]}``, the most
recently started first, where ANALYSIS is::

    {"id": str, "film": str, "cast": str, "engine": str, "settings": object,
     "status": "running" | "succeeded" | "failed",
     "segments_done": int, "segments_total": int, "film_duration": float,
     "started_at": ISO 8601 UTC, "finished_at": ISO 8601 UTC | null,
     "results_at": ISO 8601 UTC | null, "error": str | null}

Times of film are seconds from the film's start (presentation timestamps); similarities
are cosine similarities to the person's gallery photos. ``results_at`` tells when the
stored people, minutes and appearances were written: after a failed re-run they are the
earlier run's. A new key may be added in the same format; a key is never renamed or
removed without raising ``format``.
"""

from __future__ import annotations

import dataclasses
import datetime
from typing import Any

from wos import records
from wos.reports import clock
from wos.storage import results

FORMAT = 1


def results_document(
    analysis: results.Analysis,
    *,
    people: list[records.PersonSummary],
    minutes: list[records.MinuteScreenTime],
    appearances: list[records.Appearance],
) -> dict[str, Any]:
    """One analysis with its results, as ``wos results --json`` prints it."""
    return {
        "format": FORMAT,
        "analysis": analysis_document(analysis),
        "people": [
            {
                **dataclasses.asdict(person),
                "share_of_film": clock.share(person.seconds_on_screen, analysis.film_duration),
            }
            for person in people
        ],
        "minutes": [dataclasses.asdict(minute) for minute in minutes],
        "appearances": [dataclasses.asdict(appearance) for appearance in appearances],
    }


def analyses_document(analyses: list[results.Analysis]) -> dict[str, Any]:
    """Every stored analysis, as ``wos analyses --json`` prints them."""
    return {"format": FORMAT, "analyses": [analysis_document(a) for a in analyses]}


def analysis_document(analysis: results.Analysis) -> dict[str, Any]:
    """One analysis's progress and outcome, with times in ISO 8601."""
    return {
        "id": analysis.id,
        "film": analysis.film,
        "cast": analysis.cast,
        "engine": analysis.engine,
        "settings": analysis.settings,
        "status": analysis.status.value,
        "segments_done": analysis.segments_done,
        "segments_total": analysis.segments_total,
        "film_duration": analysis.film_duration,
        "started_at": _iso(analysis.started_at),
        "finished_at": _iso(analysis.finished_at),
        "results_at": _iso(analysis.results_at),
        "error": analysis.error,
    }


def _iso(moment: datetime.datetime | None) -> str | None:
    return None if moment is None else moment.isoformat()
