"""Plain records that pass between the analysis, the database and the ``wos`` command.

They sit at the bottom of the layers: every other module may import them, they import
nothing of the project's. Times are presentation timestamps in seconds from the film's start.
"""

from __future__ import annotations

import dataclasses


@dataclasses.dataclass(frozen=True)
class Detection:
    """One face found in one sampled frame, and who it is (``person`` None when unknown)."""

    segment_index: int
    frame_time: float
    face_index: int  # 0 for the largest face in the frame, 1 for the next, ...
    box: tuple[float, float, float, float]  # x, y, width, height in pixels
    person: str | None
    similarity: float  # cosine similarity to the best gallery person, matched or not


@dataclasses.dataclass(frozen=True)
class MinuteScreenTime:
    """How long one person was on screen in one minute of the film."""

    person: str
    minute: int  # 0 for the film's first minute
    seconds_on_screen: int  # whole seconds of this minute in which the person was matched
    frames_matched: int
    mean_similarity: float
    best_similarity: float
    first_seen: float
    last_seen: float


@dataclasses.dataclass(frozen=True)
class Appearance:
    """One stretch of film in which a person was seen, sightings closer than the gap merged."""

    person: str
    start: float
    end: float
    frames_matched: int


@dataclasses.dataclass(frozen=True)
class PersonSummary:
    """One person's screen time over the whole film."""

    person: str
    seconds_on_screen: int
    frames_matched: int
    mean_similarity: float
    best_similarity: float
    first_seen: float
    last_seen: float
