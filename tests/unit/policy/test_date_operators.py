"""Date condition operators (IAM condition operators page, "Date condition operators").
The clock is a context value (`aws:CurrentTime`, `aws:EpochTime`): the engine reads none."""

from __future__ import annotations

import pytest
from tests.unit.policy.support import condition_holds

from dynafed.policy.conditions.date import parse_instant

NOW = "aws:CurrentTime"
EPOCH = "aws:EpochTime"


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("1970-01-01T00:00:00Z", 0),
        ("2020-01-01T00:00:00Z", 1577836800),
        ("2020-01-01", 1577836800),
        ("2020-01", 1577836800),
        ("2020-01-01T00:00Z", 1577836800),
        ("2020-01-01T01:00:00+01:00", 1577836800),
        ("2019-12-31T19:00:00-05:00", 1577836800),
        ("2020-01-01T00:00:00", 1577836800),
        ("1577836800", 1577836800),
    ],
)
def test_iso8601_forms_and_epoch_seconds(text: str, seconds: int) -> None:
    assert parse_instant(text) == seconds * 1_000_000


def test_fractional_seconds() -> None:
    assert parse_instant("2020-01-01T00:00:00.5Z") == 1577836800_500_000


@pytest.mark.parametrize("bad", ["2020-13-01", "2020-02-30", "yesterday", "", "2020-01-01T25:00Z"])
def test_not_a_date(bad: str) -> None:
    assert parse_instant(bad) is None


def test_text_without_dash_is_epoch_seconds() -> None:
    # IAM simulator: a value without "-" is epoch time (PMapper's notes), so "2024" is 1970.
    assert parse_instant("2024") == 2024 * 1_000_000


@pytest.mark.parametrize(
    ("operator", "policy", "now", "expected"),
    [
        ("DateLessThan", "2025-01-01T00:00:00Z", "2024-12-31T23:59:59Z", True),
        ("DateLessThan", "2025-01-01T00:00:00Z", "2025-01-01T00:00:00Z", False),
        ("DateLessThanEquals", "2025-01-01T00:00:00Z", "2025-01-01T00:00:00Z", True),
        ("DateGreaterThan", "2025-01-01", "2025-01-01T00:00:01Z", True),
        ("DateGreaterThanEquals", "2025-01-01", "2024-12-31T23:59:59Z", False),
        ("DateEquals", "2025-01-01T01:00:00+01:00", "2025-01-01T00:00:00Z", True),
        ("DateNotEquals", "2025-01-01T00:00:00Z", "2025-01-01T00:00:00Z", False),
        ("DateNotEquals", "2025-01-01T00:00:00Z", "2025-01-02T00:00:00Z", True),
    ],
)
def test_comparisons(operator: str, policy: str, now: str, expected: bool) -> None:
    assert condition_holds(operator, NOW, policy, {NOW: now}) is expected


def test_epoch_and_iso_compare_as_instants() -> None:
    assert condition_holds("DateGreaterThan", EPOCH, "2020-01-01T00:00:00Z", {EPOCH: "1577836801"})
    assert condition_holds("DateEquals", NOW, "1577836800", {NOW: "2020-01-01T00:00:00Z"})


def test_unparseable_context_value_never_matches() -> None:
    assert not condition_holds("DateLessThan", NOW, "2025-01-01", {NOW: "soon"})
    assert condition_holds("DateNotEquals", NOW, "2025-01-01", {NOW: "soon"})


def test_absent_clock() -> None:
    assert not condition_holds("DateLessThan", NOW, "2025-01-01", {})
    assert condition_holds("DateLessThanIfExists", NOW, "2025-01-01", {})
