"""Segments cover a film exactly once, and every sampled frame carries its true time."""

from __future__ import annotations

import json
import math
import pathlib
import subprocess

import numpy as np
import pytest

from wos.film import decoding, probing, segments


def stream_frame_times(path: pathlib.Path) -> list[float]:
    """Every frame's presentation time, in order, as ffprobe reads it from the stream."""
    output = subprocess.run(
        ["ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries",
         "stream=time_base:frame=pts", "-of", "json", str(path)],
        check=True, capture_output=True, text=True,
    ).stdout
    info = json.loads(output)
    numerator, denominator = info["streams"][0]["time_base"].split("/")
    return sorted(frame["pts"] * int(numerator) / int(denominator) for frame in info["frames"])


def all_frames(path: pathlib.Path, *, width: int, height: int) -> list[np.ndarray]:
    """Every frame of the video in presentation order, decoded by a plain ffmpeg call."""
    raw = subprocess.run(
        ["ffmpeg", "-v", "error", "-i", str(path), "-f", "rawvideo", "-pix_fmt", "bgr24",
         "-fps_mode", "passthrough", "pipe:"],
        check=True, capture_output=True,
    ).stdout
    return list(np.frombuffer(raw, np.uint8).reshape(-1, height, width, 3))


def expected_samples(times: list[float], *, start: float, fps: float) -> list[float]:
    """For each sample time start + k/fps, the first frame shown at or after it."""
    picked: list[float] = []
    k = 0
    while (due := start + k / fps) <= times[-1] + decoding.SNAP_SECONDS:
        picked.append(next(t for t in times if t >= due - decoding.SNAP_SECONDS))
        k += 1
    return sorted(set(picked))


@pytest.mark.parametrize("start", [0.0, 1.3])
@pytest.mark.parametrize(
    ("segment_seconds", "fps"), [(60, 2.0), (5, 2.0), (7.3, 2.0), (1.7, 3.0), (4, 0.7)]
)
def test_segments_cover_every_sampled_frame_exactly_once(
    make_video, start: float, segment_seconds: float, fps: float
) -> None:
    path = make_video(seconds=20, rate=10, start=start)
    film = probing.probe_film(str(path))
    plan = segments.plan_segments(film, segment_seconds=segment_seconds)

    decoded = {
        segment.index: [frame.time for frame in
                        decoding.decode_segment(film, segment, frames_per_second=fps)]
        for segment in plan
    }

    stream_times = stream_frame_times(path)
    every = [time for times in decoded.values() for time in times]
    assert film.start == pytest.approx(start, abs=1e-3)
    assert len(plan) == math.ceil(20 / segment_seconds)
    assert len(every) == len(set(every)), "a frame was decoded in two segments"
    assert sorted(every) == pytest.approx(expected_samples(stream_times, start=film.start,
                                                           fps=fps), abs=1e-9)
    for segment in plan:
        assert all(segment.holds(time) for time in decoded[segment.index])
        assert decoded[segment.index] == sorted(decoded[segment.index])


def test_frame_times_are_the_stream_timestamps_of_the_pixels_returned(make_video) -> None:
    path = make_video(seconds=12, rate=10, start=0.852)
    film = probing.probe_film(str(path))
    stream_times = stream_frame_times(path)
    reference = all_frames(path, width=film.width, height=film.height)

    for segment in segments.plan_segments(film, segment_seconds=4):
        for frame in decoding.decode_segment(film, segment, frames_per_second=2):
            index = min(range(len(stream_times)),
                        key=lambda i: abs(stream_times[i] - frame.time))
            assert frame.time == pytest.approx(stream_times[index], abs=1e-9)
            assert frame.image.dtype == np.uint8 and frame.image.shape == (90, 160, 3)
            # The frame's pixels are those of the frame at its time, not a neighbour's.
            differences = [np.abs(frame.image.astype(int) - other).mean() for other in reference]
            assert int(np.argmin(differences)) == index
            assert differences[index] < 1.0


def test_the_hamilton_sample_is_sampled_on_its_own_clock(hamilton_clip) -> None:
    film = probing.probe_film(str(hamilton_clip))
    [segment] = segments.plan_segments(film, segment_seconds=60)

    times = [frame.time for frame in decoding.decode_segment(film, segment, frames_per_second=2)]

    assert (film.width, film.height) == (640, 360)
    assert film.start == pytest.approx(0.852, abs=1e-3)
    assert film.end == pytest.approx(10.028, abs=1e-3)
    assert times[0] == pytest.approx(0.852, abs=1e-3)
    # 9.18 s of video at 2 samples a second, each half a second (and at most a frame) apart.
    assert len(times) == 19
    assert all(0.5 - 1 / 29.97 <= b - a <= 0.5 + 1 / 29.97 for a, b in zip(times, times[1:]))
