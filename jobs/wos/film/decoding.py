"""Decoding the sampled frames of one segment, each with its true presentation time.

Sampling is defined on the film's own clock, not per segment: sample ``k`` is due at
``film.start + k / fps``, and it takes the first frame shown at or after that time. A frame
is therefore sampled when a sample time falls between the previous frame's time (excluded)
and its own (included): a test on the frame and its predecessor alone, which every segment
evaluates identically. Together with the segments' half-open intervals this puts every
sampled frame in exactly one segment, whatever the segment length.

ffmpeg does the selection (its ``select`` filter), so only the sampled frames cross the
pipe to Python; ``showinfo`` reports each one's presentation timestamp.
"""

from __future__ import annotations

import collections.abc
import dataclasses
import logging
import math
import queue
import re
import subprocess
import threading
import time
from typing import IO

import ffmpeg
import numpy as np

from wos import errors
from wos.film import probing, segments, sources

logger = logging.getLogger(__name__)

# A frame this close before a sample time counts as shown at it, so that rounding in the
# stream's time base (1/11988 s for the Hamilton sample) cannot skip a frame that lies
# exactly on the sampling grid.
SNAP_SECONDS = 1e-3

# How far before a segment ffmpeg starts decoding, beyond one sampling interval: the frame
# before the segment's first must be decoded too, since sampling compares each frame with
# its predecessor.
LEAD_IN_SECONDS = 1.0

_SHOWINFO_FRAME = re.compile(r"\bn:\s*(\d+)\s+pts:\s*(-?\d+)\s")
_SHOWINFO_TIME_BASE = re.compile(r"config in time_base:\s*(\d+)/(\d+)")


@dataclasses.dataclass(frozen=True)
class Frame:
    """One sampled frame: its presentation time in seconds and its HxWx3 uint8 BGR pixels."""

    time: float
    image: np.ndarray


def check_frames_per_second(frames_per_second: float) -> None:
    """Refuse a sampling rate that samples nothing (zero, negative, not a number)."""
    if not (isinstance(frames_per_second, (int, float)) and math.isfinite(frames_per_second)
            and frames_per_second > 0):
        raise errors.SettingsError(
            f"the sampling rate {frames_per_second!r} frames/s is not a positive number; "
            "give one such as 2"
        )


def decode_segment(
    film: probing.Film, segment: segments.Segment, *, frames_per_second: float
) -> collections.abc.Iterator[Frame]:
    """Yield the sampled frames of ``segment`` in time order, decoded by ffmpeg."""
    check_frames_per_second(frames_per_second)
    started = time.monotonic()
    process = _start_ffmpeg(film, segment, frames_per_second=frames_per_second)
    reader = _StderrReader(process.stderr)

    # Frames come out of stdout in the order showinfo announced their timestamps on stderr.
    frame_bytes = film.width * film.height * 3
    count = 0
    try:
        while chunk := process.stdout.read(frame_bytes):
            if len(chunk) < frame_bytes:
                break
            image = np.frombuffer(chunk, np.uint8).reshape(film.height, film.width, 3)
            yield Frame(time=reader.next_frame_time(), image=image)
            count += 1
    finally:
        process.stdout.close()
        returncode = process.wait()
        reader.join()

    if returncode != 0:
        # ffmpeg names the URL it failed on: a presigned one must not reach the message.
        reason = reader.last_line().replace(film.source, film.name)
        raise errors.FilmError(
            f"ffmpeg could not decode segment {segment.index} of the film {film.name} "
            f"({reason or f'exit code {returncode}'}); check that the file is "
            "complete and, for a URL, that the server still serves it"
        )
    logger.debug(
        "Decoded %d frames of segment %d of %s in %.2f s",
        count, segment.index, film.name, time.monotonic() - started,
    )


def _start_ffmpeg(
    film: probing.Film, segment: segments.Segment, *, frames_per_second: float
) -> subprocess.Popen[bytes]:
    """An ffmpeg process writing the segment's sampled frames to stdout as raw BGR."""
    # -copyts keeps the stream's own timestamps; an input -ss still counts from the
    # container's start time, hence the seek origin.
    input_options: dict[str, object] = dict(sources.network_options(film.source))
    if math.isfinite(segment.start):
        lead_in = 1.0 / frames_per_second + LEAD_IN_SECONDS
        input_options["ss"] = max(0.0, segment.start - lead_in - film.seek_origin)

    video = (
        ffmpeg.input(film.source, **input_options)
        .video.filter("select", selection(segment, film_start=film.start,
                                          frames_per_second=frames_per_second))
        .filter("showinfo")
        # Same size as probed, so every frame in the pipe has the length we read.
        .filter("scale", film.width, film.height)
    )
    output = video.output(
        "pipe:", format="rawvideo", pix_fmt="bgr24", fps_mode="passthrough"
    ).global_args("-copyts", "-nostdin", "-nostats", "-hide_banner", "-loglevel", "info")
    # The film by its name: an s3 film's source is a presigned URL, readable by anyone.
    logger.debug("Running %s", " ".join(output.compile()).replace(film.source, film.name))
    return output.run_async(pipe_stdout=True, pipe_stderr=True)


def selection(segment: segments.Segment, *, film_start: float, frames_per_second: float) -> str:
    """The ``select`` expression that keeps the segment's sampled frames.

    ``floor((t - start) * fps)`` numbers the last sample due at or before ``t``; a frame is
    sampled when that number rose since the previous frame. The first frame ffmpeg decodes
    has no predecessor (NAN): it is either the film's first frame or, thanks to the lead-in,
    a frame before the segment, which the bounds drop.
    """
    snap = SNAP_SECONDS * frames_per_second
    due = f"floor(({{t}}-{film_start!r})*{float(frames_per_second)!r}+{snap!r})"
    sampled = f"if(isnan(prev_t),1,gt({due.format(t='t')},{due.format(t='prev_t')}))"

    # The bounds use the segment's own floats, written exactly (repr round-trips).
    bounds = []
    if math.isfinite(segment.start):
        bounds.append(f"gte(t,{segment.start!r})")
    if math.isfinite(segment.end):
        bounds.append(f"lt(t,{segment.end!r})")
    return "*".join([*bounds, sampled])


class _StderrReader:
    """Reads ffmpeg's stderr on a thread: frame timestamps for the decoder, the rest for errors.

    Reading it concurrently also keeps ffmpeg from blocking on a full stderr pipe.
    """

    def __init__(self, stream: IO[bytes]) -> None:
        self._times: queue.Queue[float | None] = queue.Queue()
        self._tail: collections.deque[str] = collections.deque(maxlen=20)
        self._thread = threading.Thread(target=self._read, args=(stream,), daemon=True)
        self._thread.start()

    def _read(self, stream: IO[bytes]) -> None:
        time_base: float | None = None
        for raw in stream:
            line = raw.decode("utf-8", "replace").rstrip()
            if match := _SHOWINFO_TIME_BASE.search(line):
                time_base = int(match[1]) / int(match[2])
            elif (match := _SHOWINFO_FRAME.search(line)) and time_base is not None:
                self._times.put(int(match[2]) * time_base)
            elif line and "Parsed_showinfo" not in line:
                self._tail.append(line)
        stream.close()
        self._times.put(None)

    def next_frame_time(self) -> float:
        """The presentation time of the next frame on stdout."""
        frame_time = self._times.get()
        if frame_time is None:
            raise errors.FilmError(
                "ffmpeg wrote a frame without reporting its time; this is a bug in wos.film"
            )
        return frame_time

    def join(self) -> None:
        self._thread.join()

    def last_line(self) -> str:
        return self._tail[-1] if self._tail else ""
