"""Which Date condition values IAM accepts when a policy is written ("legacy parsing").

IAM's write-time check is looser than the W3C profile the evaluator reads: CreatePolicy
accepts `01T`, `2016-12-13t2:00:00.593194+23` and `-292275054`, and refuses `234-13`,
`...+1` (a one-digit zone), ten fraction digits and epoch seconds past 2^63 - 1 (responses
recorded against AWS in localstack/localstack tests/aws/services/iam/
test_iam_policies.snapshot.json, valid-30/-35/-36/-37 and invalid-64/-72..-76). A value
IAM accepts but the evaluator cannot read is kept and never matches (`date.py`).

Rules, on the lower-cased text: with a `t` or `-` it is a date `[-]year[-month[-day]]`
(year -292275054..292278993, month 1..12, day 1..31) and, after the first `t`, an optional
time `hour[:minute[:second[.fraction]]]` (0..23, 0..59, 0..59, up to nine fraction digits)
that may end in `z` or an offset `±hh[:mm]`; anything else is whole epoch seconds.
"""

from __future__ import annotations

import re

_MAX_EPOCH = 2**63 - 1
_YEARS = range(-292275054, 292278993 + 1)
_NUMBER = re.compile(r"\d+")
_OFFSET = re.compile(r"[+-](?P<hours>\d{2})(?::(?P<minutes>\d{2}))?")


def accepted_by_iam(text: str) -> bool:
    lowered = text.lower()
    if "t" not in lowered and "-" not in lowered:
        return _NUMBER.fullmatch(lowered) is not None and int(lowered) <= _MAX_EPOCH
    day, _, time = lowered.partition("t")
    return _date_ok(day) and _time_ok(time)


def _in(text: str, low: int, high: int) -> bool:
    return _NUMBER.fullmatch(text) is not None and low <= int(text) <= high


def _date_ok(text: str) -> bool:
    negative = text.startswith("-")
    fields = (text[1:] if negative else text).split("-")
    if len(fields) > 3 or _NUMBER.fullmatch(fields[0]) is None:
        return False
    year = -int(fields[0]) if negative else int(fields[0])
    if year not in _YEARS:
        return False
    if len(fields) > 1 and not _in(fields[1], 1, 12):
        return False
    return len(fields) < 3 or _in(fields[2], 1, 31)


def _time_ok(text: str) -> bool:
    if text == "":
        return True
    clock, zone = _split_zone(text)
    if zone is None:
        return False
    fields = clock.split(":")
    if len(fields) > 3 or not _in(fields[0], 0, 23):
        return False
    if len(fields) > 1 and not _in(fields[1], 0, 59):
        return False
    if len(fields) < 3:
        return True
    seconds, dot, fraction = fields[2].partition(".")
    return _in(seconds, 0, 59) and (not dot or _in(fraction, 0, 999_999_999))


def _split_zone(text: str) -> tuple[str, str | None]:
    """The clock and its zone (`""` when there is none); None for a zone IAM refuses."""
    if text.endswith("z"):
        return text[:-1], "z"
    for sign in ("+", "-"):
        at = text.rfind(sign)
        if at > 0:
            found = _OFFSET.fullmatch(text[at:])
            if found is None or not _zone_in_range(found):
                return text, None
            return text[:at], text[at:]
    return text, ""


def _zone_in_range(found: re.Match[str]) -> bool:
    minutes = found["minutes"]
    return int(found["hours"]) <= 23 and (minutes is None or int(minutes) <= 59)
