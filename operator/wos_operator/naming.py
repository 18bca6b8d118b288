"""Names and labels of a FilmAnalysis's children, derived so that a restarted operator
finds the children it made before instead of making them twice."""

from __future__ import annotations

import hashlib
import re
import uuid

from wos.storage import tables

from wos_operator import specs

# Kubernetes label values and the names of Jobs' pods and Services stop at 63 characters.
NAME_LIMIT = 63

FILM_ANALYSIS_LABEL = "whoisonscreen.io/film-analysis"
RUN_ID_LABEL = "whoisonscreen.io/run-id"
COMPONENT_LABEL = "app.kubernetes.io/component"


def new_run_id() -> str:
    """A fresh run id: 8 hex digits, unique enough among one FilmAnalysis's runs."""
    return uuid.uuid4().hex[:8]


def analysis_id(namespace: str, name: str, run_id: str) -> str:
    """The id that keys the run's rows in the results database."""
    identifier = f"{namespace}-{name}-{run_id}"
    if len(identifier) > tables.ANALYSIS_ID_LENGTH:
        raise specs.SpecError(
            f"the analysis id {identifier!r} is longer than the database's "
            f"{tables.ANALYSIS_ID_LENGTH} characters: give the FilmAnalysis a shorter name"
        )
    return identifier


def child_name(name: str, run_id: str, kind: str, attempt: int | None = None) -> str:
    """``wos-<name>-<run id>-<kind>[-<attempt>]``, the FilmAnalysis name cut to fit 63.

    The ``wos-`` prefix makes the name start with a letter, as Service names must; dots,
    allowed in a FilmAnalysis name, are not allowed in a Service name.
    """
    suffix = f"-{run_id}-{kind}" + (f"-{attempt}" if attempt is not None else "")
    room = NAME_LIMIT - len("wos-") - len(suffix)
    short = re.sub(r"[^a-z0-9-]", "-", name.lower())[:room].rstrip("-")
    return f"wos-{short}{suffix}"


def label_value(text: str) -> str:
    """``text`` as a label value: itself when it fits, else cut and tagged with a hash."""
    if len(text) <= NAME_LIMIT:
        return text
    digest = hashlib.sha256(text.encode()).hexdigest()[:8]
    return f"{text[:NAME_LIMIT - 9].rstrip('-.')}-{digest}"


def labels(name: str, run_id: str, component: str) -> dict[str, str]:
    """The labels every child carries: the recommended app ones and the FilmAnalysis's."""
    return {
        "app.kubernetes.io/name": "who-is-on-screen",
        "app.kubernetes.io/instance": label_value(name),
        COMPONENT_LABEL: component,
        "app.kubernetes.io/part-of": "who-is-on-screen",
        "app.kubernetes.io/managed-by": "wos-operator",
        FILM_ANALYSIS_LABEL: label_value(name),
        RUN_ID_LABEL: run_id,
    }
