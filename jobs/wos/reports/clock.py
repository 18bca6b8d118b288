"""Film times written the way an editor reads them off a timeline."""

from __future__ import annotations


def clock(seconds: float) -> str:
    """``m:ss`` for times under an hour, ``h:mm:ss`` beyond; fractions are dropped."""
    whole = int(seconds)
    hours, rest = divmod(whole, 3600)
    minutes, seconds_left = divmod(rest, 60)
    if hours:
        return f"{hours}:{minutes:02d}:{seconds_left:02d}"
    return f"{minutes}:{seconds_left:02d}"


def share(seconds_on_screen: float, film_duration: float) -> float:
    """The fraction of the film a person was on screen, 0 when the film has no length."""
    return seconds_on_screen / film_duration if film_duration > 0 else 0.0
