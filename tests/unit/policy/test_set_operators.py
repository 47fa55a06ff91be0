"""`ForAllValues:` / `ForAnyValue:` and combination rules (IAM pages "Single-valued vs.
multivalued context keys" and "Condition element"; iam-fgac.md 3.1 and 2.4)."""

from __future__ import annotations

import pytest
from tests.unit.policy.support import allow, condition_holds, decide, document

ATTRS = "dynamodb:Attributes"
ALLOWED = ["UserId", "GameTitle", "TopScore"]


@pytest.mark.parametrize(
    ("operator", "context", "expected"),
    [
        # ForAllValues: every request value must be in the policy set.
        ("ForAllValues:StringEquals", ["UserId", "TopScore"], True),
        ("ForAllValues:StringEquals", ["UserId", "Secret"], False),
        ("ForAllValues:StringEquals", [], True),
        ("ForAllValues:StringEquals", [""], True),
        ("ForAllValues:StringEquals", None, True),
        # ForAnyValue: at least one request value in the set.
        ("ForAnyValue:StringEquals", ["Secret", "UserId"], True),
        ("ForAnyValue:StringEquals", ["Secret"], False),
        ("ForAnyValue:StringEquals", [], False),
        ("ForAnyValue:StringEquals", [""], False),
        ("ForAnyValue:StringEquals", None, False),
        # Negated, inside the quantifier: none of / at least one not.
        ("ForAllValues:StringNotEquals", ["Secret", "Other"], True),
        ("ForAllValues:StringNotEquals", ["Secret", "UserId"], False),
        ("ForAllValues:StringNotEquals", None, True),
        ("ForAnyValue:StringNotEquals", ["Secret", "UserId"], True),
        ("ForAnyValue:StringNotEquals", ["UserId", "TopScore"], False),
        ("ForAnyValue:StringNotEquals", None, False),
        # IfExists on the set qualifiers.
        ("ForAnyValue:StringEqualsIfExists", None, True),
        ("ForAllValues:StringEqualsIfExists", ["Secret"], False),
    ],
)
def test_set_qualifiers(operator: str, context: list[str] | None, expected: bool) -> None:
    request_context = {} if context is None else {ATTRS: context}
    assert condition_holds(operator, ATTRS, ALLOWED, request_context) is expected


def test_empty_string_values_are_compared_when_mixed_with_others() -> None:
    # Only an all-empty set is a null data set; PMapper skipped empty strings (section 9).
    assert not condition_holds("ForAllValues:StringEquals", ATTRS, ALLOWED, {ATTRS: ["", "UserId"]})


def test_unqualified_operator_on_several_values_tests_any() -> None:
    assert condition_holds("StringEquals", ATTRS, ["UserId"], {ATTRS: ["Secret", "UserId"]})
    assert not condition_holds("StringNotEquals", ATTRS, ["UserId"], {ATTRS: ["Secret", "UserId"]})


def test_single_valued_key_under_for_all_values_passes_when_absent() -> None:
    # The documented over-permissive case: absent key ⇒ ForAllValues is vacuously true.
    assert condition_holds("ForAllValues:StringEquals", "aws:PrincipalTag/team", "blue", {})


def test_keys_under_one_operator_are_anded() -> None:
    text = document(
        allow(Condition={"StringEquals": {"k:a": "1", "k:b": "2"}}),
    )
    assert decide(text, context={"k:a": "1", "k:b": "2"}).allowed
    assert not decide(text, context={"k:a": "1", "k:b": "3"}).allowed


def test_operators_are_anded() -> None:
    text = document(
        allow(Condition={"StringEquals": {"k:a": "1"}, "StringLike": {"k:b": "x*"}}),
    )
    assert decide(text, context={"k:a": "1", "k:b": "xy"}).allowed
    assert not decide(text, context={"k:a": "2", "k:b": "xy"}).allowed
    assert not decide(text, context={"k:a": "1", "k:b": "yx"}).allowed


def test_for_all_values_does_not_mean_and_across_keys() -> None:
    # github/docs #12137: the qualifier quantifies one key's values; keys are always ANDed.
    text = document(
        allow(Condition={"ForAnyValue:StringEquals": {"k:a": ["1"], "k:b": ["2"]}}),
    )
    assert not decide(text, context={"k:a": ["1"], "k:b": ["9"]}).allowed
    assert decide(text, context={"k:a": ["1"], "k:b": ["2", "9"]}).allowed


def test_empty_condition_block_is_true() -> None:
    assert decide(document(allow(Condition={}))).allowed
    assert decide(document(allow(Condition={"StringEquals": {}}))).allowed
