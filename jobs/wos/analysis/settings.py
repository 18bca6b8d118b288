"""The knobs of one analysis, checked when they are set."""

from __future__ import annotations

import dataclasses
import math

from wos import errors
from wos.faces import engines
from wos.film import decoding, segments


@dataclasses.dataclass(frozen=True)
class AnalysisSettings:
    """How to sample, cut and match a film; every value is checked on construction."""

    # Two samples a second: enough for every whole second of screen time to hold a sampled
    # frame even when one of them misses the face, at a tenth of the cost of every frame
    # of a 25-30 frames/s film.
    frames_per_second: float = 2.0
    # A minute of film per Spark task: long enough that ffmpeg's seek and the engine's
    # start-up (about a second) are small beside the decoding, short enough that a
    # two-hour film gives 120 tasks to spread over executors, and a retried task redoes
    # little work.
    segment_seconds: float = 60.0
    # The face engine: "sface" runs on any CPU with the models this project fetches;
    # "insightface" is the GPU path on the cluster.
    engine: str = engines.DEFAULT_ENGINE
    # Cosine similarity a face needs to match a gallery person; None takes the engine's own,
    # measured on the sample faces (docs/thresholds.md).
    threshold: float | None = None
    # Sightings of one person closer than this merge into one appearance. Two seconds is
    # four samples at the default rate: a face the detector misses in up to three samples
    # in a row (a turned head, motion blur) does not split an appearance, while a cut away
    # to another shot for longer than that does. Never shorter than 1.5 sampling intervals
    # in effect (see effective_gap_seconds), else every sample would be its own appearance.
    appearance_gap_seconds: float = 2.0
    # Spark master when the analysis starts its own session: all local cores. Under
    # spark-submit the master comes from spark-submit instead.
    master: str = "local[*]"

    def __post_init__(self) -> None:
        decoding.check_frames_per_second(self.frames_per_second)
        segments.check_segment_seconds(self.segment_seconds)
        if self.engine not in engines.ENGINES:
            raise errors.SettingsError(
                f"the face engine {self.engine!r} is unknown; choose one of "
                f"{', '.join(engines.ENGINES)}"
            )
        if self.threshold is not None and not (
            isinstance(self.threshold, (int, float)) and -1.0 < self.threshold <= 1.0
        ):
            raise errors.SettingsError(
                f"the match threshold {self.threshold!r} is not a cosine similarity in "
                "(-1, 1]; give one such as 0.4, or none for the engine's default"
            )
        if not (
            isinstance(self.appearance_gap_seconds, (int, float))
            and math.isfinite(self.appearance_gap_seconds)
            and self.appearance_gap_seconds >= 0
        ):
            raise errors.SettingsError(
                f"the appearance gap {self.appearance_gap_seconds!r} s is not a number of "
                "seconds of 0 or more; give one such as 2"
            )
        if not self.master.strip():
            raise errors.SettingsError(
                "the Spark master is empty; give one such as local[*] or k8s://https://HOST"
            )

    @property
    def effective_gap_seconds(self) -> float:
        """The gap used to merge sightings: at least 1.5 sampling intervals.

        Sampled frames of a continuous sighting follow each other by one sampling interval,
        give or take a frame; half an interval more keeps them together at any rate.
        """
        return max(self.appearance_gap_seconds, 1.5 / self.frames_per_second)

    def stored(self) -> dict[str, object]:
        """The settings that shape the results, as stored with the analysis.

        The master is left out: where the analysis ran does not change what it found.
        """
        shown = dataclasses.asdict(self)
        del shown["master"]
        return shown
