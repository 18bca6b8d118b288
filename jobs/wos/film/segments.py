"""Cutting a film's timeline into segments, the unit of work of the analysis.

Segment ``i`` holds the frames whose presentation time ``t`` satisfies
``start + i * length <= t < start + (i + 1) * length``, ``start`` being the time of the
video stream's first frame. The intervals are half-open and the last one has no upper end,
so every frame of the film falls into exactly one segment, even when ffprobe's length is
a little short.
"""

from __future__ import annotations

import dataclasses
import math

from wos import errors
from wos.film import probing


@dataclasses.dataclass(frozen=True)
class Segment:
    """One stretch of the film's timeline: frames with ``start <= time < end``."""

    index: int
    start: float
    # math.inf for the last segment, so frames past the probed end are not lost.
    end: float

    def holds(self, time: float) -> bool:
        """Whether a frame shown at ``time`` belongs to this segment."""
        return self.start <= time < self.end


def plan_segments(film: probing.Film, *, segment_seconds: float) -> list[Segment]:
    """The film's segments in order, each ``segment_seconds`` long but the last."""
    check_segment_seconds(segment_seconds)

    count = max(1, math.ceil((film.end - film.start) / segment_seconds))
    # Each boundary is computed once, from the index, so that segment i's end and segment
    # i+1's start are the same float and no frame can slip between or into both.
    boundaries = [film.start + index * segment_seconds for index in range(count)]
    boundaries.append(math.inf)
    return [
        Segment(index=index, start=-math.inf if index == 0 else boundaries[index],
                end=boundaries[index + 1])
        for index in range(count)
    ]


def check_segment_seconds(segment_seconds: float) -> None:
    """Refuse a segment length that cannot cut a film (zero, negative, not a number)."""
    if not (isinstance(segment_seconds, (int, float)) and math.isfinite(segment_seconds)
            and segment_seconds > 0):
        raise errors.SettingsError(
            f"the segment length {segment_seconds!r} s is not a positive number of seconds; "
            "give one such as 60"
        )
