"""Date operators: values are instants, compared as such (IAM condition operators page).

A value is W3C ISO 8601 (`YYYY-MM`, `YYYY-MM-DD`, `YYYY-MM-DDThh:mm[:ss[.s]]`, with `Z` or
`±hh:mm`; no zone means UTC) or whole epoch seconds. As the IAM simulator does, text that
contains `-` or `T` is ISO 8601 and anything else is epoch seconds (so `"2024"` is the
instant 2024 seconds after 1970). Policy values IAM refuses are rejected when the policy is
parsed ("The policy failed legacy parsing", `legacy_dates`); policy values IAM accepts but
this reader cannot parse, and context values that do not parse, never match.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone
from functools import lru_cache

from dynafed.policy import messages
from dynafed.policy.conditions.base import Binder, OperatorSpec, constant, never, texts
from dynafed.policy.conditions.legacy_dates import accepted_by_iam
from dynafed.policy.variables import Template

_ISO = re.compile(
    r"(?P<year>\d{4})(?:-(?P<month>\d{2})(?:-(?P<day>\d{2})"
    r"(?:[Tt](?P<hour>\d{2}):(?P<minute>\d{2})(?::(?P<second>\d{2})(?:\.(?P<fraction>\d+))?)?)?)?)?"
    r"(?P<zone>[Zz]|[+-]\d{2}:?\d{2})?"
)
_EPOCH = re.compile(r"\d+")
_EPOCH_START = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)


@lru_cache(maxsize=1024)
def parse_instant(text: str) -> int | None:
    """Microseconds since 1970-01-01T00:00:00Z, or None if `text` is not a date."""
    if "-" in text or "T" in text or "t" in text:
        return _parse_iso(text)
    if _EPOCH.fullmatch(text) is None:
        return None
    return int(text) * 1_000_000


def _parse_iso(text: str) -> int | None:
    found = _ISO.fullmatch(text)
    if found is None:
        return None
    fields = found.groupdict()
    fraction = (fields["fraction"] or "0")[:6].ljust(6, "0")
    try:
        moment = datetime(
            int(fields["year"]),
            int(fields["month"] or 1),
            int(fields["day"] or 1),
            int(fields["hour"] or 0),
            int(fields["minute"] or 0),
            int(fields["second"] or 0),
            int(fraction),
            tzinfo=_zone(fields["zone"]),
        )
    except ValueError:  # out-of-range field or zone offset
        return None
    return (moment - _EPOCH_START) // _MICROSECOND


def _zone(text: str | None) -> timezone:
    if text is None or text in ("Z", "z"):
        return UTC
    sign = -1 if text[0] == "-" else 1
    digits = text[1:].replace(":", "")
    hours, minutes = int(digits[:2]), int(digits[2:])
    if hours > 23 or minutes > 59:
        raise ValueError("zone offset out of range")
    return timezone(sign * timedelta(hours=hours, minutes=minutes))


def date_value_error(text: str) -> str | None:
    """IAM's write-time check (`legacy_dates`), looser than what `parse_instant` reads."""
    return None if accepted_by_iam(text) else messages.LEGACY_PARSING


def _compiler(compare: Callable[[int, int], bool]) -> Callable[..., Binder]:
    def compile_date(templates: tuple[Template, ...]) -> Binder:
        instants = [i for i in map(parse_instant, texts(templates)) if i is not None]
        if not instants:
            return constant(never)

        def match(text: str) -> bool:
            value = parse_instant(text)
            return value is not None and any(compare(value, i) for i in instants)

        return constant(match)

    return compile_date


def _spec(name: str, negated: bool, compare: Callable[[int, int], bool]) -> OperatorSpec:
    return OperatorSpec(name, negated, _compiler(compare), value_error=date_value_error)


OPERATORS = (
    _spec("DateEquals", False, operator.eq),
    _spec("DateNotEquals", True, operator.eq),
    _spec("DateLessThan", False, operator.lt),
    _spec("DateLessThanEquals", False, operator.le),
    _spec("DateGreaterThan", False, operator.gt),
    _spec("DateGreaterThanEquals", False, operator.ge),
)
