"""A film assembled from known pictures at known times, so its screen time is known."""

from __future__ import annotations

import dataclasses
import pathlib
import subprocess

import cv2
import numpy as np

WIDTH, HEIGHT = 320, 180
# Frames per second of the assembled film: 4, so that the analysis's default 2 samples a
# second land exactly on frames (every other one).
RATE = 4


@dataclasses.dataclass(frozen=True)
class Shot:
    """Pictures shown from ``start`` (included) to ``end`` (excluded), in seconds."""

    start: float
    end: float
    # One picture held for the whole shot, or a sequence played at RATE (the last held).
    pictures: list[np.ndarray]


def still(path: pathlib.Path) -> list[np.ndarray]:
    """A photo fitted into the frame on a black background."""
    return [_fit(cv2.imread(str(path)))]


def clip_part(clip: pathlib.Path, *, start: float, seconds: float) -> list[np.ndarray]:
    """The clip's frames from ``start`` for ``seconds``, at RATE, fitted into the frame."""
    raw = subprocess.run(
        ["ffmpeg", "-v", "error", "-ss", str(start), "-t", str(seconds), "-i", str(clip),
         "-vf", f"fps={RATE},scale={WIDTH}:{HEIGHT}", "-f", "rawvideo", "-pix_fmt", "bgr24",
         "pipe:"],
        check=True, capture_output=True,
    ).stdout
    return list(np.frombuffer(raw, np.uint8).reshape(-1, HEIGHT, WIDTH, 3))


def assemble(path: pathlib.Path, *, seconds: int, shots: list[Shot]) -> pathlib.Path:
    """Write an H.264 film of ``seconds`` seconds: the shots on black, frame n at n / RATE."""
    black = np.zeros((HEIGHT, WIDTH, 3), np.uint8)
    encoder = subprocess.Popen(
        ["ffmpeg", "-v", "error", "-y", "-f", "rawvideo", "-pix_fmt", "bgr24",
         "-s", f"{WIDTH}x{HEIGHT}", "-r", str(RATE), "-i", "pipe:",
         "-c:v", "libx264", "-preset", "veryfast", "-pix_fmt", "yuv420p", str(path)],
        stdin=subprocess.PIPE,
    )
    for index in range(seconds * RATE):
        time = index / RATE
        shot = next((shot for shot in shots if shot.start <= time < shot.end), None)
        if shot is None:
            picture = black
        else:
            played = round((time - shot.start) * RATE)
            picture = shot.pictures[min(played, len(shot.pictures) - 1)]
        encoder.stdin.write(picture.tobytes())
    encoder.stdin.close()
    if encoder.wait() != 0:
        raise RuntimeError(f"ffmpeg could not write {path}")
    return path


def _fit(image: np.ndarray) -> np.ndarray:
    """The image scaled to fit the frame, centred on black."""
    scale = min(WIDTH / image.shape[1], HEIGHT / image.shape[0])
    resized = cv2.resize(image, (round(image.shape[1] * scale), round(image.shape[0] * scale)),
                         interpolation=cv2.INTER_AREA)
    frame = np.zeros((HEIGHT, WIDTH, 3), np.uint8)
    top, left = (HEIGHT - resized.shape[0]) // 2, (WIDTH - resized.shape[1]) // 2
    frame[top:top + resized.shape[0], left:left + resized.shape[1]] = resized
    return frame
