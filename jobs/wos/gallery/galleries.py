"""A cast folder turned into a gallery: the reference embeddings of every person.

A cast folder holds one sub-folder per person, named with the person's display name, with
one or more photos of that person. Each photo that shows exactly one clear face gives one
row of the gallery; the others are skipped with a warning that names them.
"""

from __future__ import annotations

import dataclasses
import logging
import pathlib
import time

import numpy as np

from wos import errors
from wos.faces import engine as face_engine
from wos.gallery import photos

logger = logging.getLogger(__name__)


@dataclasses.dataclass(frozen=True, eq=False)
class Gallery:
    """The reference faces of a cast; small and picklable, for a Spark broadcast."""

    # The face engine that embedded the photos; faces must be embedded by the same one.
    engine: str
    # Display names, sorted, each with at least one row below.
    people: tuple[str, ...]
    # (N, D) float32 unit vectors, one row per usable photo.
    embeddings: np.ndarray
    # (N,) int32: the index in ``people`` of each row's person.
    owners: np.ndarray
    # (N,) the photo each row came from, relative to the cast folder ("Person/photo.jpg").
    photos: tuple[str, ...]

    @property
    def dimension(self) -> int:
        """The length of the embeddings."""
        return int(self.embeddings.shape[1])


def load_gallery(cast_dir: pathlib.Path, engine: face_engine.FaceEngine) -> Gallery:
    """The gallery of a cast folder, embedded by ``engine``."""
    started = time.monotonic()
    people = _person_folders(cast_dir)

    # One row per usable photo; a person with none is left out with a warning.
    rows: list[tuple[int, np.ndarray, str]] = []
    names: list[str] = []
    skipped = 0
    for folder, pictures in people:
        embeddings = []
        for picture in pictures:
            face = _reference_face(picture, engine)
            if face is None:
                skipped += 1
            else:
                embeddings.append((face.embedding, f"{folder.name}/{picture.name}"))
        if not embeddings:
            logger.warning(
                "cast member %r has no usable photo in %s and is left out of the gallery",
                folder.name,
                folder,
            )
            continue
        rows.extend((len(names), embedding, photo) for embedding, photo in embeddings)
        names.append(folder.name)

    if not rows:
        raise errors.CastError(
            f"No photo in the cast folder {cast_dir} shows exactly one clear face; add photos "
            f"where the person's face is alone, frontal and at least "
            f"{photos.ClearFaceRules().min_face_pixels} pixels high."
        )
    gallery = Gallery(
        engine=engine.name,
        people=tuple(names),
        embeddings=np.stack([embedding for _, embedding, _ in rows]).astype(np.float32),
        owners=np.array([owner for owner, _, _ in rows], dtype=np.int32),
        photos=tuple(photo for _, _, photo in rows),
    )
    logger.info(
        "gallery of %s: %d people from %d photos (%d skipped) with engine %s in %.1f s",
        cast_dir,
        len(gallery.people),
        len(gallery.photos),
        skipped,
        engine.name,
        time.monotonic() - started,
    )
    return gallery


def _person_folders(cast_dir: pathlib.Path) -> list[tuple[pathlib.Path, list[pathlib.Path]]]:
    """Each person's folder with its photo files, in name order; hidden entries ignored."""
    if not cast_dir.is_dir():
        raise errors.CastError(
            f"The cast folder {cast_dir} does not exist; create it with one sub-folder per "
            "person, named with their display name, holding their photos."
        )
    people = []
    for folder in sorted(cast_dir.iterdir()):
        if not folder.is_dir() or folder.name.startswith("."):
            continue
        pictures = [
            path
            for path in sorted(folder.iterdir())
            if path.is_file()
            and not path.name.startswith(".")
            and path.suffix.lower() in photos.PHOTO_SUFFIXES
        ]
        if pictures:
            people.append((folder, pictures))
        else:
            logger.warning("cast folder %s holds no jpg, jpeg, png or webp photo", folder)
    if not people:
        raise errors.CastError(
            f"The cast folder {cast_dir} holds no person folder with photos; add one "
            "sub-folder per person, named with their display name, holding jpg, jpeg, png "
            "or webp photos of them."
        )
    return people


def _reference_face(
    picture: pathlib.Path, engine: face_engine.FaceEngine
) -> face_engine.Face | None:
    """The photo's one clear face, or None after a warning that names the photo and why."""
    try:
        image = photos.load_photo(picture)
    except errors.CastError as error:
        logger.warning("skipped photo %s: %s", picture, error)
        return None
    verdict = photos.check_photo(engine, image)
    if verdict.face is None:
        logger.warning("skipped photo %s: %s", picture, verdict.reason)
        return None
    logger.debug("reference photo %s: face %s", picture, verdict.face.box)
    return verdict.face
