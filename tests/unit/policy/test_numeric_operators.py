"""Numeric condition operators (IAM condition operators page, "Numeric condition operators")."""

from __future__ import annotations

import pytest
from tests.unit.policy.support import condition_holds

KEY = "s3:max-keys"


@pytest.mark.parametrize(
    ("operator", "policy", "context", "expected"),
    [
        ("NumericEquals", "10", "10", True),
        ("NumericEquals", "10", "10.0", True),
        ("NumericEquals", "10", "+10", True),
        ("NumericEquals", 10, "10", True),
        ("NumericEquals", "10", "11", False),
        ("NumericNotEquals", "10", "10.00", False),
        ("NumericNotEquals", "10", "9", True),
        ("NumericLessThan", "10", "9.99", True),
        ("NumericLessThan", "10", "10", False),
        ("NumericLessThanEquals", "10", "10", True),
        ("NumericLessThanEquals", "10", "10.01", False),
        ("NumericGreaterThan", "-1", "0", True),
        ("NumericGreaterThan", "10", "10", False),
        ("NumericGreaterThanEquals", ".5", "0.5", True),
        ("NumericGreaterThanEquals", "1", "0.5", False),
        ("NumericEquals", ["1", "2"], "2", True),
    ],
)
def test_comparisons(operator: str, policy: object, context: str, expected: bool) -> None:
    assert condition_holds(operator, KEY, policy, {KEY: context}) is expected


@pytest.mark.parametrize("bad", ["abc", "1e3", "", "NaN", "Infinity", "0x10"])
def test_unparseable_context_value_never_matches(bad: str) -> None:
    # iam-fgac.md 3.1 [C]: a type mismatch makes the comparison false, the negation true.
    assert not condition_holds("NumericEquals", KEY, bad, {KEY: bad})
    assert condition_holds("NumericNotEquals", KEY, "1", {KEY: bad})


def test_unparseable_policy_value_never_matches() -> None:
    assert not condition_holds("NumericLessThan", KEY, "ten", {KEY: "1"})


def test_absent_key() -> None:
    assert not condition_holds("NumericLessThan", KEY, "10", {})
    assert condition_holds("NumericNotEquals", KEY, "10", {})
    assert condition_holds("NumericLessThanIfExists", KEY, "10", {})
