"""The ``status.conditions`` list: one entry per type, its time moved only on a change."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from wos_operator import resource

# The order kubectl describe lists them in: the order a run meets them.
_ORDER = [condition.value for condition in resource.Condition]


def with_condition(
    conditions: Sequence[Mapping[str, Any]],
    kind: resource.Condition,
    *,
    true: bool,
    reason: str,
    message: str,
    now: str,
) -> list[dict[str, Any]]:
    """``conditions`` with the one of type ``kind`` set; the others unchanged."""
    status = "True" if true else "False"
    others = [dict(condition) for condition in conditions if condition.get("type") != kind]
    previous = next((c for c in conditions if c.get("type") == kind), None)
    # The transition time tells when the status last flipped, not when it was last seen.
    since = now
    if previous is not None and previous.get("status") == status:
        since = previous.get("lastTransitionTime") or now
    updated = {
        "type": kind.value,
        "status": status,
        "reason": reason,
        "message": message,
        "lastTransitionTime": since,
    }
    return sorted([*others, updated], key=lambda c: _rank(c.get("type", "")))


def _rank(kind: str) -> int:
    return _ORDER.index(kind) if kind in _ORDER else len(_ORDER)
