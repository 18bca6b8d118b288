"""Videos generated for the film tests: small, with known frame times."""

from __future__ import annotations

import pathlib
import subprocess
from collections.abc import Callable

import pytest

MakeVideo = Callable[..., pathlib.Path]


@pytest.fixture
def make_video(tmp_path: pathlib.Path) -> MakeVideo:
    """Build an H.264 test-pattern video whose first frame is shown at ``start`` seconds."""

    def make(
        name: str = "film.mp4", *, seconds: float = 20, rate: int = 10, start: float = 0.0
    ) -> pathlib.Path:
        path = tmp_path / name
        subprocess.run(
            [
                "ffmpeg", "-hide_banner", "-loglevel", "error", "-y",
                "-f", "lavfi", "-i", f"testsrc2=size=160x90:rate={rate}:duration={seconds}",
                "-c:v", "libx264", "-pix_fmt", "yuv420p", "-output_ts_offset", str(start),
                str(path),
            ],
            check=True,
        )
        return path

    return make
