"""String condition operators (IAM condition operators page, "String condition operators")."""

from __future__ import annotations

import pytest
from tests.unit.policy.support import condition_holds

KEY = "aws:PrincipalTag/team"


@pytest.mark.parametrize(
    ("operator", "policy", "context", "expected"),
    [
        ("StringEquals", "blue", "blue", True),
        ("StringEquals", "blue", "Blue", False),
        ("StringEquals", "blue", "blue ", False),
        ("StringEquals", ["red", "blue"], "blue", True),
        ("StringEquals", "b*", "blue", False),
        ("StringEquals", "b*", "b*", True),
        ("StringNotEquals", "blue", "blue", False),
        ("StringNotEquals", "blue", "red", True),
        ("StringNotEquals", ["red", "blue"], "blue", False),
        ("StringNotEquals", ["red", "blue"], "green", True),
        ("StringEqualsIgnoreCase", "BLUE", "blue", True),
        ("StringEqualsIgnoreCase", "blue", "red", False),
        ("StringNotEqualsIgnoreCase", "BLUE", "blue", False),
        ("StringNotEqualsIgnoreCase", "BLUE", "red", True),
        ("StringLike", "b*e", "blue", True),
        ("StringLike", "b?ue", "blue", True),
        ("StringLike", "b?e", "blue", False),
        ("StringLike", "B*", "blue", False),
        ("StringLike", ["x*", "*ue"], "blue", True),
        ("StringNotLike", "b*", "blue", False),
        ("StringNotLike", "r*", "blue", True),
        ("StringNotLike", ["r*", "b*"], "blue", False),
    ],
)
def test_comparisons(operator: str, policy: object, context: str, expected: bool) -> None:
    assert condition_holds(operator, KEY, policy, {KEY: context}) is expected


def test_ignore_case_lowercases_without_case_folding() -> None:
    # The IAM simulator reports ß != ss and no Unicode normalization (PMapper's notes).
    assert not condition_holds("StringEqualsIgnoreCase", KEY, "STRASSE", {KEY: "straße"})
    assert not condition_holds("StringEqualsIgnoreCase", KEY, "e\u0301", {KEY: "é"})
    assert condition_holds("StringEqualsIgnoreCase", KEY, "ÉCOLE", {KEY: "école"})


@pytest.mark.parametrize(
    ("operator", "expected"),
    [
        ("StringEquals", False),
        ("StringLike", False),
        ("StringEqualsIgnoreCase", False),
        ("StringNotEquals", True),
        ("StringNotLike", True),
        ("StringNotEqualsIgnoreCase", True),
        ("StringEqualsIfExists", True),
        ("StringNotEqualsIfExists", True),
    ],
)
def test_absent_key(operator: str, expected: bool) -> None:
    # Condition element page: a missing key makes positive operators false, negated true.
    assert condition_holds(operator, KEY, "blue", {}) is expected


def test_if_exists_compares_when_the_key_is_present() -> None:
    assert condition_holds("StringEqualsIfExists", KEY, "blue", {KEY: "blue"})
    assert not condition_holds("StringEqualsIfExists", KEY, "blue", {KEY: "red"})


def test_key_names_are_case_insensitive_values_are_not() -> None:
    assert condition_holds("StringEquals", "AWS:PrincipalTag/TEAM", "blue", {KEY: "blue"})
    assert condition_holds("StringEquals", KEY, "blue", {"aws:principaltag/team": "blue"})


def test_numbers_and_booleans_compare_as_text() -> None:
    assert condition_holds("StringEquals", KEY, 10, {KEY: "10"})
    assert condition_holds("StringEquals", KEY, True, {KEY: "true"})
    assert not condition_holds("StringEquals", KEY, 10, {KEY: "10.0"})


def test_like_star_spans_everything() -> None:
    assert condition_holds("StringLike", KEY, "a*z", {KEY: "a/b:c\nz"})
