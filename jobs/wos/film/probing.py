"""Probing a film with ffprobe: its video stream's start, length, frame rate and size."""

from __future__ import annotations

import dataclasses
import fractions
import logging
import math

import ffmpeg

from wos import errors
from wos.film import sources

logger = logging.getLogger(__name__)

# Formats ffmpeg opens as a video stream that no film comes in: "tty" renders any text
# file as ANSI art, "image2" is a single image or a numbered series of them.
_NOT_FILM_FORMATS = frozenset({"tty", "image2"})


@dataclasses.dataclass(frozen=True)
class Film:
    """What the analysis needs to know about a film before decoding it."""

    # The absolute path or the URL, as ffmpeg opens it.
    source: str
    # Presentation time of the video stream's first frame; often not 0 (0.852 s for the
    # Hamilton sample), and every frame time is measured on this same clock.
    start: float
    # Presentation time at which the video stream ends: start plus the stream's length.
    end: float
    # Nominal frames per second of the video stream (for logs and benchmarks only: sampling
    # follows the frames' own timestamps).
    frame_rate: fractions.Fraction
    # Size of a decoded frame as shown (after any rotation), in pixels.
    width: int
    height: int
    # The container's start time: ffmpeg's -ss counts from it even with -copyts, so a seek
    # to film time t asks for t - seek_origin.
    seek_origin: float = 0.0
    # The film as messages, logs and the database name it: the source, except for an s3
    # film, whose source is a presigned URL with a signature that must not spread.
    # Empty: the source itself.
    name: str = ""

    def __post_init__(self) -> None:
        if not self.name:
            object.__setattr__(self, "name", self.source)

    @property
    def duration(self) -> float:
        """Length of the film's timeline in seconds, from time 0 to the last frame's end."""
        return self.end


def probe_film(source: str) -> Film:
    """Ask ffprobe about the film at ``source`` (a path, an http(s) or an s3 URL)."""
    resolved = sources.resolve(source)
    info = _run_ffprobe(source, resolved)

    _refuse_non_films(source, info.get("format", {}))
    video = [stream for stream in info.get("streams", []) if _is_moving_picture(stream)]
    if not video:
        kinds = sorted({
            stream.get("codec_type", "unknown") for stream in info.get("streams", [])
            if stream.get("codec_type") != "video"
        })
        held = f"only {' and '.join(kinds)}" if kinds else "no streams"
        raise errors.FilmError(
            f"the film {source} has no video stream ({held}); give a file that holds video"
        )

    film = _film_from_stream(source, resolved, video[0], info.get("format", {}))
    logger.info(
        "Probed the film %s: %.2f s to %.2f s, %.3f frames/s, %dx%d",
        source, film.start, film.end, float(film.frame_rate), film.width, film.height,
    )
    return film


def _run_ffprobe(source: str, resolved: str) -> dict:
    """ffprobe's JSON about the film, or a FilmError that says why it cannot be read."""
    try:
        return ffmpeg.probe(resolved, **sources.network_options(resolved))
    except ffmpeg.Error as error:
        # ffprobe names the URL it failed on: a presigned one must not reach the message.
        reason = _last_line(error.stderr).replace(resolved, source) or "ffprobe failed"
        if sources.is_url(resolved):
            raise errors.FilmError(
                f"the film URL {source} cannot be read ({reason}); check the address and "
                "that its server is up and reachable from here"
            ) from error
        raise errors.FilmError(
            f"the film {source} cannot be read as a video ({reason}); give a video file "
            "such as an MP4, MKV or MOV"
        ) from error


def _refuse_non_films(source: str, container: dict) -> None:
    """Refuse what ffmpeg opens as "video" but is no film: text files, still images."""
    name = container.get("format_name", "")
    if name in _NOT_FILM_FORMATS or name.endswith("_pipe"):
        raise errors.FilmError(
            f"the film {source} cannot be read as a video (ffmpeg reads it as {name!r}, "
            "text or a still image); give a video file such as an MP4, MKV or MOV"
        )


def _is_moving_picture(stream: dict) -> bool:
    """A video stream, not the cover picture that music files carry as one."""
    attached = stream.get("disposition", {}).get("attached_pic", 0)
    return stream.get("codec_type") == "video" and not attached


def _film_from_stream(source: str, resolved: str, stream: dict, container: dict) -> Film:
    """The Film described by ffprobe's video stream, with the container as a fallback."""
    seek_origin = _number(container.get("start_time"), 0.0)
    start = _number(stream.get("start_time"), default=seek_origin)
    length = _number(stream.get("duration"))
    if length is None:
        # Matroska and WebM keep no per-stream length: the container's end is the film's end.
        container_end = _number(container.get("duration"))
        length = None if container_end is None else container_end - start
    if length is None or length <= 0:
        raise errors.FilmError(
            f"the film {source} has a video stream of unknown or zero length; "
            "remux it (ffmpeg -i FILM -c copy fixed.mp4) and analyse that"
        )

    width, height = int(stream.get("width") or 0), int(stream.get("height") or 0)
    if width <= 0 or height <= 0:
        raise errors.FilmError(
            f"the film {source} has a video stream of unknown frame size; "
            "give a video file that ffprobe can read the size of"
        )
    if _is_rotated_sideways(stream):
        width, height = height, width

    return Film(
        source=resolved,
        start=start,
        end=start + length,
        frame_rate=_frame_rate(stream),
        width=width,
        height=height,
        seek_origin=seek_origin,
        name=source if sources.is_s3(source) else resolved,
    )


def _frame_rate(stream: dict) -> fractions.Fraction:
    """The stream's average frame rate, or its base rate when the average is unknown."""
    for key in ("avg_frame_rate", "r_frame_rate"):
        text = stream.get(key) or "0/0"
        numerator, _, denominator = text.partition("/")
        if denominator.strip() not in ("", "0") and int(numerator) > 0:
            return fractions.Fraction(int(numerator), int(denominator))
    return fractions.Fraction(0)


def _is_rotated_sideways(stream: dict) -> bool:
    """Whether ffmpeg turns the frames by 90 degrees when decoding (phone videos)."""
    rotations = [_number(stream.get("tags", {}).get("rotate"), 0.0)]
    rotations += [
        _number(side.get("rotation"), 0.0) for side in stream.get("side_data_list", [])
    ]
    return any(round(rotation) % 180 == 90 for rotation in rotations)


def _number(text: object, default: float | None = None) -> float | None:
    """A finite number from ffprobe's text, or ``default`` for N/A and missing values."""
    try:
        value = float(text)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return default
    return value if math.isfinite(value) else default


def _last_line(stderr: bytes | None) -> str:
    """The last non-empty line ffmpeg wrote to stderr: its reason for failing."""
    lines = (stderr or b"").decode("utf-8", "replace").strip().splitlines()
    return lines[-1].strip() if lines else ""
