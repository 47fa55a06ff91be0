"""What `dynafed apply` found for one declared object, and the calls that converge it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

Status = Literal["created", "changed", "unchanged"]


@dataclass(frozen=True, slots=True)
class Change:
    description: str
    run: Callable[[], Any]


@dataclass(slots=True)
class Outcome:
    label: str
    """`kind name`, e.g. `role GameRole`."""
    status: Status
    changes: list[Change] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    """Differences apply cannot converge (IAM has no API for them), shown as warnings."""

    def line(self, *, dry_run: bool) -> str:
        verb = {"created": "create", "changed": "change", "unchanged": "unchanged"}[self.status]
        status = f"would {verb}" if dry_run and self.status != "unchanged" else self.status
        details = [c.description for c in self.changes if self.status == "changed"]
        suffix = f" ({'; '.join(details)})" if details else ""
        return f"{self.label}: {status}{suffix}"


def outcome(label: str, changes: list[Change], *, exists: bool) -> Outcome:
    if not exists:
        return Outcome(label, "created", changes)
    return Outcome(label, "changed" if changes else "unchanged", changes)
