"""Measures the similarity thresholds of the face engines on the sample media.

    .venv/bin/python scripts/measure_thresholds.py [--samples ../shared/samples]
        [--engine sface] [--engine insightface]

Prints, for each engine, the numbers docs/thresholds.md quotes:

1. photos: the faces of ``faces/test`` against the gallery of ``faces/train``: the cosine
   of each face to its own person (genuine) and its best cosine to anyone else (impostor);
2. film: the Hamilton clip sampled at 2 frames a second on the stream's own clock, each
   face's similarity to each person of two galleries (the Hamilton cast alone, and with
   ``faces/train`` added): genuine for Lin-Manuel Miranda in the frames he is visible in,
   impostor for him outside his seconds and for the people who never appear (Biden,
   Harington, Leslie);
3. the range of thresholds at which the clip comes out right (README's ground truth), and
   whether the engine's ``default_threshold`` lies in it.

Exit status 1 when an engine's default threshold gets the photos or the clip wrong.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import math
import pathlib
import subprocess
import sys
import tempfile

import numpy as np

from wos.faces import engine as face_engine
from wos.faces import engines
from wos.gallery import galleries, matching, photos

REPOSITORY = pathlib.Path(__file__).resolve().parent.parent
FRAMES_PER_SECOND = 2.0

# The people in each test photo, left to right (None: a stranger, the child in the
# Obama-Biden photo). See ../shared/samples/README.md.
TEST_PHOTOS: dict[str, tuple[str | None, ...]] = {
    "obama1.jpg": ("Barack Obama",),
    "obama_and_biden.jpg": ("Joe Biden", "Barack Obama", None),
    "kit_with_rose.jpg": ("Rose Leslie", "Kit Harington"),
    "johnsnow_test1.jpg": ("Kit Harington",),
    "alex_lacamoire1.jpg": ("Alex Lacamoire",),
}
# Whole seconds in which each person is on screen in the Hamilton clip.
LIN = "Lin-Manuel Miranda"
LIN_SECONDS = frozenset({0, 1, 3, 4, 5, 6, 7})
LIN_MIN_SECONDS = 6
# When he is visible (README's table): his genuine similarities come from these frames only,
# since second 3 opens on Alex Lacamoire's profile.
LIN_VISIBLE = ((0.852, 1.45), (3.6, 7.9))
NEVER_IN_CLIP = ("Joe Biden", "Kit Harington", "Rose Leslie")


@dataclasses.dataclass(frozen=True)
class FilmFace:
    """One face of one sampled frame with its similarity to every gallery person."""

    time: float
    height: float
    similarities: dict[str, float]


def main(argv: list[str] | None = None) -> int:
    arguments = _parse_arguments(argv)
    samples = arguments.samples
    frames = sample_frames(samples / "hamilton" / "short_hamilton_clip.mp4")
    print(f"Hamilton clip: {len(frames)} frames sampled at {FRAMES_PER_SECOND:g}/s, "
          f"times {frames[0][0]:.3f} .. {frames[-1][0]:.3f} s")
    all_right = True
    for name in arguments.engine or list(engines.ENGINES):
        engine = engines.load_engine(name)
        print(f"\n=== engine {name} (default threshold {engine.default_threshold}) ===")
        all_right &= report_photos(engine, samples)
        with tempfile.TemporaryDirectory() as scratch:
            casts = {
                "Hamilton cast": samples / "hamilton" / "cast",
                "Hamilton cast + faces/train": merged_cast(
                    [samples / "hamilton" / "cast", samples / "faces" / "train"],
                    pathlib.Path(scratch),
                ),
            }
            for title, cast in casts.items():
                gallery = galleries.load_gallery(cast, engine)
                all_right &= report_film(engine, gallery, frames, title)
    return 0 if all_right else 1


def report_photos(engine: face_engine.FaceEngine, samples: pathlib.Path) -> bool:
    """Genuine and impostor cosines of faces/test against faces/train; True if all right."""
    gallery = galleries.load_gallery(samples / "faces" / "train", engine)
    genuine, impostor, errors = [], [], []
    for photo, people in TEST_PHOTOS.items():
        faces = engine.faces(photos.load_photo(samples / "faces" / "test" / photo))
        faces.sort(key=lambda face: face.box[0])
        if len(faces) != len(people):
            errors.append(f"{photo}: {len(faces)} faces, expected {len(people)}")
            continue
        per_person = person_similarities(gallery, np.stack([f.embedding for f in faces]))
        matches = matching.match_faces(
            gallery, np.stack([f.embedding for f in faces]), engine.default_threshold
        )
        for person, similarities, match in zip(people, per_person, matches):
            if person is not None:
                genuine.append(similarities[person])
            others = [value for name, value in similarities.items() if name != person]
            impostor.append(max(others))
            own = similarities[person] if person is not None else math.nan
            print(f"  {photo:22} {str(person):16} own {own:.3f}"
                  f"  best other {max(others):.3f}  -> {match.person}")
            if match.person != person:
                errors.append(f"{photo}: {person} matched as {match.person}")
    print(f"  photos: genuine {_summary(genuine)}; impostor (best other) {_summary(impostor)}")
    for error in errors:
        print(f"  WRONG: {error}")
    return not errors


def report_film(
    engine: face_engine.FaceEngine,
    gallery: galleries.Gallery,
    frames: list[tuple[float, np.ndarray]],
    title: str,
) -> bool:
    """Per-frame similarities on the clip and the thresholds that get it right."""
    faces = film_faces(engine, gallery, frames)
    lin_genuine = [
        max((face.similarities[LIN] for face in faces if face.time == time), default=-1.0)
        for time, _ in frames
        if any(start <= time <= end for start, end in LIN_VISIBLE)
    ]
    lin_outside = [face.similarities[LIN] for face in faces
                   if math.floor(face.time) not in LIN_SECONDS]
    absent = [face.similarities[person] for face in faces
              for person in NEVER_IN_CLIP if person in face.similarities]
    print(f"\n  -- {title}: {len(gallery.people)} people, {len(faces)} faces in "
          f"{len(frames)} frames --")
    for face in faces:
        best = max(face.similarities, key=face.similarities.__getitem__)
        print(f"  t={face.time:6.3f} face {face.height:5.0f} px  best {best:18} "
              f"{face.similarities[best]:.3f}  Lin {face.similarities[LIN]:.3f}")
    print(f"  genuine: Lin's best face per frame he is visible in {_summary(lin_genuine)}")
    print(f"  impostor: Lin outside his seconds {_summary(lin_outside)}; "
          f"Biden/Harington/Leslie anywhere {_summary(absent)}")

    # The thresholds at which the clip comes out right, on a 0.01 grid.
    right = [t / 100 for t in range(10, 90) if clip_is_right(faces, gallery, t / 100)]
    span = f"{min(right):.2f} .. {max(right):.2f}" if right else "none"
    at_default = clip_is_right(faces, gallery, engine.default_threshold)
    print(f"  clip right at thresholds {span}; at the default "
          f"{engine.default_threshold}: {'yes' if at_default else 'NO'}")
    return at_default


def clip_is_right(faces: list[FilmFace], gallery: galleries.Gallery, threshold: float) -> bool:
    """Lin in >= 6 of his 7 seconds and in none other; nobody absent matched anywhere."""
    matched: dict[str, set[int]] = {}
    for face in faces:
        best = max(face.similarities, key=face.similarities.__getitem__)
        if face.similarities[best] >= threshold:
            matched.setdefault(best, set()).add(math.floor(face.time))
    lin = matched.get(LIN, set())
    return (
        len(lin & LIN_SECONDS) >= LIN_MIN_SECONDS
        and not lin - LIN_SECONDS
        and not any(person in matched for person in NEVER_IN_CLIP)
    )


def film_faces(
    engine: face_engine.FaceEngine,
    gallery: galleries.Gallery,
    frames: list[tuple[float, np.ndarray]],
) -> list[FilmFace]:
    found: list[FilmFace] = []
    for time, image in frames:
        faces = engine.faces(image)
        if not faces:
            continue
        per_person = person_similarities(gallery, np.stack([f.embedding for f in faces]))
        found.extend(
            FilmFace(time=time, height=face.box[3], similarities=similarities)
            for face, similarities in zip(faces, per_person)
        )
    return found


def person_similarities(
    gallery: galleries.Gallery, embeddings: np.ndarray
) -> list[dict[str, float]]:
    """For each face, its best cosine to each person's photos."""
    cosines = embeddings @ gallery.embeddings.T
    return [
        {
            person: float(row[gallery.owners == index].max())
            for index, person in enumerate(gallery.people)
        }
        for row in cosines
    ]


def sample_frames(clip: pathlib.Path) -> list[tuple[float, np.ndarray]]:
    """The frames sampled at 2/s: for sample k, the first frame at or after start + k/2 s.

    Times are the stream's presentation timestamps (the Hamilton video starts at 0.852 s).
    """
    probe = json.loads(subprocess.run(
        ["ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries",
         "stream=width,height:frame=pts_time", "-of", "json", str(clip)],
        capture_output=True, check=True, text=True,
    ).stdout)  # fmt: skip
    width, height = probe["streams"][0]["width"], probe["streams"][0]["height"]
    times = [float(frame["pts_time"]) for frame in probe["frames"]]
    raw = subprocess.run(
        ["ffmpeg", "-v", "error", "-copyts", "-i", str(clip), "-map", "0:v:0",
         "-fps_mode", "passthrough", "-f", "rawvideo", "-pix_fmt", "bgr24", "pipe:"],
        capture_output=True, check=True,
    ).stdout  # fmt: skip
    images = np.frombuffer(raw, np.uint8).reshape(-1, height, width, 3)
    sampled, due = [], times[0]
    for time, image in zip(times, images):
        if time >= due - 1e-3:
            sampled.append((time, image))
            due = times[0] + (math.floor((time - times[0]) * FRAMES_PER_SECOND + 1e-3) + 1) / (
                FRAMES_PER_SECOND
            )
    return sampled


def merged_cast(casts: list[pathlib.Path], scratch: pathlib.Path) -> pathlib.Path:
    """One cast folder linking the photos of several (a person in two gets both sets)."""
    merged = scratch / "cast"
    for number, cast in enumerate(casts):
        for person in sorted(path for path in cast.iterdir() if path.is_dir()):
            target = merged / person.name
            target.mkdir(parents=True, exist_ok=True)
            for picture in sorted(person.iterdir()):
                (target / f"{number}-{picture.name}").symlink_to(picture.resolve())
    return merged


def _summary(values: list[float]) -> str:
    if not values:
        return "(none)"
    return (f"n={len(values)} min {min(values):.3f} median {float(np.median(values)):.3f} "
            f"max {max(values):.3f}")


def _parse_arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--samples", type=pathlib.Path,
                        default=REPOSITORY.parent / "shared" / "samples")
    parser.add_argument("--engine", action="append", choices=list(engines.ENGINES))
    return parser.parse_args(argv)


if __name__ == "__main__":
    sys.exit(main())
