"""From detections to screen time: per person per minute, per person, and appearances.

Plain Python with no Spark in it, so the rules can be tested on hand-made detections:

- a *sighting* is a sampled frame in which the person was matched (two faces matched to the
  same person in one frame make one sighting, with the better similarity);
- a whole second of film counts as on screen when it holds at least one sighting (second
  ``s`` is ``s <= time < s + 1``; minute ``m`` holds seconds ``60m`` to ``60m + 59``);
- sightings closer together than the gap belong to one appearance.
"""

from __future__ import annotations

import collections
import dataclasses
import math
from collections.abc import Iterable, Sequence

from wos import records


@dataclasses.dataclass(frozen=True)
class ScreenTime:
    """Everything the analysis stores about who was on screen."""

    people: list[records.PersonSummary]
    minutes: list[records.MinuteScreenTime]
    appearances: list[records.Appearance]


@dataclasses.dataclass(frozen=True)
class _Sighting:
    time: float
    similarity: float


def summarise(
    detections: Iterable[records.Detection], *, appearance_gap_seconds: float
) -> ScreenTime:
    """Screen time of every matched person, from the detections of the whole film."""
    sightings = _sightings_by_person(detections)
    minutes = [
        _minute_row(person, minute, group)
        for person, person_sightings in sightings.items()
        for minute, group in _by_minute(person_sightings).items()
    ]
    people = [_person_row(person, group) for person, group in sightings.items()]
    appearances = [
        appearance
        for person, group in sightings.items()
        for appearance in _appearances(person, group, gap=appearance_gap_seconds)
    ]

    # Most screen time first; names break ties so the order never depends on the input's.
    people.sort(key=lambda row: (-row.seconds_on_screen, row.person))
    minutes.sort(key=lambda row: (row.minute, row.person))
    appearances.sort(key=lambda row: (row.person, row.start))
    return ScreenTime(people=people, minutes=minutes, appearances=appearances)


def _sightings_by_person(
    detections: Iterable[records.Detection],
) -> dict[str, list[_Sighting]]:
    """Each person's sightings in time order, one per frame at most."""
    best: dict[tuple[str, float], float] = {}
    for detection in detections:
        if detection.person is None:
            continue
        key = (detection.person, detection.frame_time)
        best[key] = max(best.get(key, -math.inf), detection.similarity)

    sightings: dict[str, list[_Sighting]] = collections.defaultdict(list)
    for (person, time), similarity in sorted(best.items()):
        sightings[person].append(_Sighting(time=time, similarity=similarity))
    return dict(sightings)


def _by_minute(sightings: Sequence[_Sighting]) -> dict[int, list[_Sighting]]:
    groups: dict[int, list[_Sighting]] = collections.defaultdict(list)
    for sighting in sightings:
        groups[math.floor(sighting.time) // 60].append(sighting)
    return groups


def _seconds_on_screen(sightings: Sequence[_Sighting]) -> int:
    return len({math.floor(sighting.time) for sighting in sightings})


def _minute_row(
    person: str, minute: int, sightings: Sequence[_Sighting]
) -> records.MinuteScreenTime:
    similarities = [sighting.similarity for sighting in sightings]
    return records.MinuteScreenTime(
        person=person,
        minute=minute,
        seconds_on_screen=_seconds_on_screen(sightings),
        frames_matched=len(sightings),
        mean_similarity=sum(similarities) / len(similarities),
        best_similarity=max(similarities),
        first_seen=sightings[0].time,
        last_seen=sightings[-1].time,
    )


def _person_row(person: str, sightings: Sequence[_Sighting]) -> records.PersonSummary:
    similarities = [sighting.similarity for sighting in sightings]
    return records.PersonSummary(
        person=person,
        seconds_on_screen=_seconds_on_screen(sightings),
        frames_matched=len(sightings),
        mean_similarity=sum(similarities) / len(similarities),
        best_similarity=max(similarities),
        first_seen=sightings[0].time,
        last_seen=sightings[-1].time,
    )


def _appearances(
    person: str, sightings: Sequence[_Sighting], *, gap: float
) -> list[records.Appearance]:
    """Runs of sightings in which each follows the previous by less than ``gap`` seconds.

    An appearance runs from its first sighting to its last, so a single sighting makes an
    appearance that starts and ends at the same time.
    """
    runs: list[list[_Sighting]] = []
    for sighting in sightings:
        if runs and sighting.time - runs[-1][-1].time < gap:
            runs[-1].append(sighting)
        else:
            runs.append([sighting])
    return [
        records.Appearance(
            person=person, start=run[0].time, end=run[-1].time, frames_matched=len(run)
        )
        for run in runs
    ]
