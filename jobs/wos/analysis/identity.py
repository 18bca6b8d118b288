"""The default analysis id: the same film, cast and settings always get the same id.

A re-run of the same analysis then replaces its rows instead of adding a second copy, and a
change to any input (another cut of the film, a new photo in the cast, another sampling
rate) gets an id of its own.
"""

from __future__ import annotations

import hashlib
import json
import os
import pathlib
from typing import Any

from wos.film import sources

# Hex digits kept from the sha256: 12 give 48 bits, no collision in practice among one
# user's analyses, and short enough to type in `wos results`.
ID_DIGITS = 12


def analysis_id(*, film: str, cast_dir: pathlib.Path, settings: dict[str, object]) -> str:
    """A short, stable id for analysing ``film`` against ``cast_dir`` with ``settings``."""
    digest = hashlib.sha256()
    digest.update(json.dumps(film_identity(film), sort_keys=True).encode())
    _add_folder(digest, cast_dir)
    digest.update(json.dumps(settings, sort_keys=True, default=str).encode())
    return digest.hexdigest()[:ID_DIGITS]


def film_identity(film: str) -> dict[str, object]:
    """What makes a film the same film: its URL, or its absolute path, size and mtime.

    Size and modification time stand in for the content, which may be gigabytes: a film
    replaced by another cut under the same name gets a new id.
    """
    if sources.is_url(film):
        return {"url": film}
    path = pathlib.Path(film).expanduser().resolve()
    stat = path.stat()
    return {"path": str(path), "size": stat.st_size, "modified_ns": stat.st_mtime_ns}


def _add_folder(digest: Any, folder: pathlib.Path) -> None:
    """Hash the folder's files (relative names and bytes) in a fixed order.

    Symbolic links are followed: a cast folder may be assembled from links to photos or
    to person folders kept elsewhere.
    """
    files = [
        pathlib.Path(root, name)
        for root, _folders, names in os.walk(folder, followlinks=True)
        for name in names
    ]
    for path in sorted(files):
        digest.update(str(path.relative_to(folder)).encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
        digest.update(b"\0")
