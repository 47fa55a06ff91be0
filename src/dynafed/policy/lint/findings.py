"""What `dynafed policy check` reports about a valid policy."""

from __future__ import annotations

import enum
from dataclasses import dataclass


class Severity(enum.Enum):
    """Access Analyzer's finding types, most serious first."""

    ERROR = "error"
    SECURITY_WARNING = "security warning"
    WARNING = "warning"
    SUGGESTION = "suggestion"


@dataclass(frozen=True, slots=True)
class Finding:
    code: str
    """Stable identifier, e.g. `FOR_ALL_VALUES_WITH_SINGLE_VALUED_KEY`."""
    severity: Severity
    message: str
    statement_index: int
    sid: str | None


Issue = tuple[str, Severity, str]
"""A finding before it is attached to its statement: (code, severity, message)."""
