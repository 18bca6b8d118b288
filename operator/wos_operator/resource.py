"""The FilmAnalysis resource's names, phases and condition types (see docs/operator.md)."""

from __future__ import annotations

import enum

GROUP = "whoisonscreen.io"
VERSION = "v1alpha1"
PLURAL = "filmanalyses"
KIND = "FilmAnalysis"
API_VERSION = f"{GROUP}/{VERSION}"


class Phase(enum.StrEnum):
    """Where an analysis stands, in the order a run goes through them."""

    PENDING = "Pending"
    GALLERY = "Gallery"
    ANALYZING = "Analyzing"
    SUCCEEDED = "Succeeded"
    FAILED = "Failed"


# Phases a run never leaves, unless the spec changes and a new run starts.
FINISHED = frozenset({Phase.SUCCEEDED, Phase.FAILED})


class Condition(enum.StrEnum):
    """The condition types the operator keeps in ``status.conditions``."""

    SPEC_VALID = "SpecValid"
    GALLERY_READY = "GalleryReady"
    ANALYZED = "Analyzed"
    FAILED = "Failed"
