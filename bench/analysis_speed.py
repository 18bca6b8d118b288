"""How long the analysis takes beside decoding alone, with one task and with two at once.

Run with ``make bench``. For the Hamilton sample and for a longer film made of that clip
played over and over, it prints side by side: the time to decode the sampled frames alone,
the time of the whole analysis with one Spark task at a time (local[1]) and with two
(local[2]), and their ratios. Both analyses cut the film into the same four segments, so
the only difference between them is how many run at once. A warm-up analysis in each Spark
session keeps the JVM's and the Python workers' start-up out of the figures.

This is a measurement, not a test: the figures depend on the machine and its load.
"""

from __future__ import annotations

import argparse
import dataclasses
import logging
import math
import pathlib
import subprocess
import sys
import tempfile
import time

from wos.analysis import application, sessions, settings
from wos.film import decoding, probing, segments

REPOSITORY = pathlib.Path(__file__).resolve().parent.parent
SAMPLES = REPOSITORY.parent / "shared" / "samples" / "hamilton"
CLIP = SAMPLES / "short_hamilton_clip.mp4"
CAST = SAMPLES / "cast"
# Every film is cut into this many segments, so two tasks have work to share.
SEGMENTS = 4


@dataclasses.dataclass
class Figures:
    """What was measured for one film."""

    name: str
    duration: float = 0.0
    frames: int = 0
    decode_seconds: float = 0.0
    analysis_seconds: dict[int, float] = dataclasses.field(default_factory=dict)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engine", default="sface")
    parser.add_argument("--fps", type=float, default=2.0)
    parser.add_argument("--long-seconds", type=int, default=150,
                        help="length of the longer film made by looping the clip")
    arguments = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)

    with tempfile.TemporaryDirectory(prefix="wos-bench-") as folder:
        work = pathlib.Path(folder)
        films = {
            "hamilton sample": CLIP,
            f"looped clip, {arguments.long_seconds} s": loop_clip(
                work / "long.mp4", seconds=arguments.long_seconds),
        }
        figures = {name: Figures(name=name) for name in films}
        for name, path in films.items():
            measure_decoding(figures[name], path, fps=arguments.fps)
        for tasks in (1, 2):
            measure_analyses(figures, films, tasks=tasks, engine=arguments.engine,
                             fps=arguments.fps, database=f"sqlite:///{work / 'bench.db'}")
    print_table(list(figures.values()), engine=arguments.engine, fps=arguments.fps)


def loop_clip(path: pathlib.Path, *, seconds: int) -> pathlib.Path:
    """The clip's video played again and again until ``seconds`` have passed."""
    loops = math.ceil(seconds / 10)
    subprocess.run(
        ["ffmpeg", "-v", "error", "-y", "-stream_loop", str(loops - 1), "-i", str(CLIP),
         "-t", str(seconds), "-an", "-c:v", "libx264", "-preset", "veryfast",
         "-pix_fmt", "yuv420p", str(path)],
        check=True,
    )
    return path


def segment_seconds(path: pathlib.Path) -> float:
    film = probing.probe_film(str(path))
    return math.ceil((film.end - film.start) / SEGMENTS * 100) / 100


def measure_decoding(figures: Figures, path: pathlib.Path, *, fps: float) -> None:
    """Decode every segment's sampled frames one after the other, and nothing else."""
    started = time.monotonic()
    film = probing.probe_film(str(path))
    plan = segments.plan_segments(film, segment_seconds=segment_seconds(path))
    for segment in plan:
        figures.frames += sum(
            1 for _ in decoding.decode_segment(film, segment, frames_per_second=fps))
    figures.decode_seconds = time.monotonic() - started
    figures.duration = film.duration


def measure_analyses(figures: dict[str, Figures], films: dict[str, pathlib.Path], *,
                     tasks: int, engine: str, fps: float, database: str) -> None:
    """Analyse every film in a Spark session that runs ``tasks`` tasks at once."""
    spark = sessions.start_session(master=f"local[{tasks}]", app_name=f"wos-bench-{tasks}")
    try:
        for warm_up in (True, False):
            for name, path in films.items():
                if warm_up and path != CLIP:
                    continue
                request = application.AnalysisRequest(
                    film=str(path), cast_dir=CAST, database_url=database,
                    analysis_id=f"bench-{tasks}-{len(name)}",
                    settings=settings.AnalysisSettings(
                        frames_per_second=fps, engine=engine,
                        segment_seconds=segment_seconds(path)),
                )
                started = time.monotonic()
                application.run_analysis(request, spark=spark)
                if not warm_up:
                    figures[name].analysis_seconds[tasks] = time.monotonic() - started
    finally:
        spark.stop()


def print_table(rows: list[Figures], *, engine: str, fps: float) -> None:
    print(f"\nengine {engine}, {fps:g} sampled frames/s, {SEGMENTS} segments per film, "
          f"CPU only\n")
    header = (f"{'film':<24} {'length':>7} {'frames':>6} {'decode':>8} {'1 task':>8} "
              f"{'2 tasks':>8} {'1 task/decode':>14} {'1 task/2 tasks':>15} "
              f"{'ms/frame':>9}")
    print(header)
    print("-" * len(header))
    for row in rows:
        one, two = row.analysis_seconds[1], row.analysis_seconds[2]
        print(f"{row.name:<24} {row.duration:>6.1f}s {row.frames:>6} "
              f"{row.decode_seconds:>7.1f}s {one:>7.1f}s {two:>7.1f}s "
              f"{one / row.decode_seconds:>13.1f}x {one / two:>14.2f}x "
              f"{1000 * one / row.frames:>9.0f}")


if __name__ == "__main__":
    sys.exit(main())
