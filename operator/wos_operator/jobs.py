"""What a child Job's status says about the try it runs."""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Mapping
from typing import Any


class Outcome(enum.Enum):
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"


@dataclasses.dataclass(frozen=True)
class JobState:
    outcome: Outcome
    reason: str  # the Job controller's reason for the last condition, e.g. DeadlineExceeded
    message: str


def job_state(job: Mapping[str, Any]) -> JobState:
    """Succeeded or failed once the Job controller says so, else running."""
    status = job.get("status") or {}
    for condition in status.get("conditions") or ():
        if condition.get("status") != "True":
            continue
        if condition.get("type") == "Complete":
            return JobState(Outcome.SUCCEEDED, "Complete", condition.get("message", ""))
        if condition.get("type") == "Failed":
            return JobState(
                Outcome.FAILED,
                condition.get("reason") or "Failed",
                condition.get("message") or "its pod failed",
            )
    # Older controllers, and a moment before the condition: the pod counts alone.
    if status.get("succeeded"):
        return JobState(Outcome.SUCCEEDED, "Complete", "")
    if status.get("failed"):
        return JobState(Outcome.FAILED, "PodFailed", "its pod failed")
    return JobState(Outcome.RUNNING, "", "")
