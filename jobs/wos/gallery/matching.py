"""Matching faces to the gallery: each face's best person, if similar enough."""

from __future__ import annotations

import dataclasses

import numpy as np

from wos import errors
from wos.gallery import galleries


@dataclasses.dataclass(frozen=True)
class Match:
    """The gallery person a face is, or None for a stranger."""

    # The best person's display name when their similarity reaches the threshold.
    person: str | None
    # The cosine similarity to the best person (their closest photo), matched or not.
    similarity: float


def match_faces(
    gallery: galleries.Gallery, embeddings: np.ndarray, threshold: float
) -> list[Match]:
    """One match per row of ``embeddings`` ((F, D) unit vectors), in the same order.

    A person's similarity to a face is the highest cosine over that person's photos, so one
    good photo is enough; the face goes to the most similar person, or to nobody when even
    that person stays below ``threshold``.
    """
    faces = np.asarray(embeddings, dtype=np.float32)
    if faces.size == 0:
        return []
    if faces.ndim != 2 or faces.shape[1] != gallery.dimension:
        raise errors.CastError(
            f"The faces' embeddings have shape {faces.shape} but the gallery was built by "
            f"engine {gallery.engine} with {gallery.dimension} dimensions; build the gallery "
            "and analyse the film with the same engine."
        )

    # (F, N) cosines to every photo, folded to (F, P): each person's best photo.
    cosines = faces @ gallery.embeddings.T
    per_person = np.full((len(gallery.people), len(faces)), -np.inf, dtype=np.float32)
    np.maximum.at(per_person, gallery.owners, cosines.T)

    best = per_person.argmax(axis=0)
    similarities = per_person[best, np.arange(len(faces))]
    return [
        Match(
            person=gallery.people[person] if similarity >= threshold else None,
            similarity=float(similarity),
        )
        for person, similarity in zip(best.tolist(), similarities.tolist())
    ]
