"""`dynafed policy check` findings (IAM Access Analyzer policy check reference; DynamoDB
FGAC traps of iam-fgac.md 5.2 and section 9)."""

from __future__ import annotations

from typing import Any

from tests.unit.policy.support import allow, deny, document

from dynafed.policy import PolicyKind, parse_policy
from dynafed.policy.lint import lint_policy
from dynafed.policy.lint.findings import Severity

TABLE = "arn:aws:dynamodb:us-west-2:123456789012:table/GameScores"
OWN_PARTITION = {"dynamodb:LeadingKeys": ["${www.amazon.com:user_id}"]}
ATTRIBUTES = {"dynamodb:Attributes": ["UserId", "GameTitle", "TopScore"]}
SELECT = {"StringEqualsIfExists": {"dynamodb:Select": "SPECIFIC_ATTRIBUTES"}}


def codes(*statements: dict[str, Any], key_attributes: tuple[str, ...] = ()) -> list[str]:
    policy = parse_policy(document(*statements), PolicyKind.IDENTITY)
    return [f.code for f in lint_policy(policy, key_attributes=key_attributes)]


def test_clean_policy_has_no_findings() -> None:
    statement = allow(
        ["dynamodb:GetItem", "dynamodb:Query"],
        TABLE,
        Condition={"ForAllValues:StringEquals": {**OWN_PARTITION, **ATTRIBUTES}, **SELECT},
    )
    assert codes(statement, key_attributes=("UserId", "GameTitle")) == []


def test_scan_with_only_leading_keys_fails_open() -> None:
    statement = allow(
        ["dynamodb:GetItem", "dynamodb:Scan"],
        TABLE,
        Condition={"ForAllValues:StringEquals": OWN_PARTITION},
    )
    policy = parse_policy(document(statement), PolicyKind.IDENTITY)
    [finding] = lint_policy(policy)
    assert finding.code == "FOR_ALL_VALUES_ON_ABSENT_KEY"
    assert finding.severity is Severity.SECURITY_WARNING
    assert "dynamodb:Scan" in finding.message
    assert "dynamodb:GetItem" not in finding.message
    assert finding.statement_index == 0


def test_wildcard_actions_are_expanded() -> None:
    statement = allow("dynamodb:*", TABLE, Condition={"ForAllValues:StringEquals": OWN_PARTITION})
    policy = parse_policy(document(statement), PolicyKind.IDENTITY)
    [finding] = [f for f in lint_policy(policy) if f.code == "FOR_ALL_VALUES_ON_ABSENT_KEY"]
    assert "dynamodb:Scan" in finding.message
    assert "dynamodb:DescribeTable" in finding.message


def test_null_false_guard_silences_the_vacuous_truth_warning() -> None:
    condition = {
        "ForAllValues:StringEquals": OWN_PARTITION,
        "Null": {"dynamodb:LeadingKeys": "false"},
    }
    assert "FOR_ALL_VALUES_ON_ABSENT_KEY" not in codes(
        allow(["dynamodb:Scan"], TABLE, Condition=condition)
    )


def test_deny_statements_are_not_checked_for_vacuous_truth() -> None:
    statement = deny("dynamodb:Scan", TABLE, Condition={"ForAllValues:StringEquals": OWN_PARTITION})
    assert codes(statement) == []


def test_attribute_list_without_the_key_attributes() -> None:
    statement = allow(
        "dynamodb:GetItem",
        TABLE,
        Condition={
            "ForAllValues:StringEquals": {"dynamodb:Attributes": ["UserId", "TopScore"]},
            **SELECT,
        },
    )
    assert codes(statement, key_attributes=("UserId", "GameTitle")) == [
        "ATTRIBUTES_MISSING_KEY_ATTRIBUTES"
    ]
    assert codes(statement) == []


def test_reads_without_select_next_to_an_attribute_list() -> None:
    statement = allow(
        "dynamodb:GetItem", TABLE, Condition={"ForAllValues:StringEquals": ATTRIBUTES}
    )
    assert codes(statement) == ["READS_WITHOUT_SELECT_RESTRICTION"]


def test_writes_without_return_values_next_to_an_attribute_list() -> None:
    statement = allow(
        "dynamodb:UpdateItem", TABLE, Condition={"ForAllValues:StringEquals": ATTRIBUTES}
    )
    assert codes(statement) == ["WRITES_WITHOUT_RETURN_VALUES_RESTRICTION"]
    restricted = allow(
        "dynamodb:UpdateItem",
        TABLE,
        Condition={
            "ForAllValues:StringEquals": ATTRIBUTES,
            "StringEqualsIfExists": {"dynamodb:ReturnValues": ["NONE", "UPDATED_NEW"]},
        },
    )
    assert codes(restricted) == []


def test_return_values_that_still_allow_whole_items_are_flagged() -> None:
    """ALL_OLD also covers ReturnValuesOnConditionCheckFailure=ALL_OLD: a failed condition
    would return the whole stored item."""
    allowing_all_old = allow(
        "dynamodb:PutItem",
        TABLE,
        Condition={
            "ForAllValues:StringEquals": ATTRIBUTES,
            "StringEqualsIfExists": {"dynamodb:ReturnValues": ["NONE", "ALL_OLD"]},
        },
    )
    assert codes(allowing_all_old) == ["WRITES_WITHOUT_RETURN_VALUES_RESTRICTION"]


def test_wildcards_inside_string_equals() -> None:
    assert codes(allow(Condition={"StringEquals": {"aws:PrincipalTag/team": "red*"}})) == [
        "WILDCARD_WITHOUT_LIKE_OPERATOR"
    ]
    assert codes(allow(Condition={"StringLike": {"aws:PrincipalTag/team": "red*"}})) == []
    # Variables and their escapes are not wildcards.
    assert (
        codes(allow(Condition={"StringEquals": {"aws:PrincipalTag/team": "${aws:username}"}})) == []
    )


def test_set_qualifiers_on_single_valued_keys() -> None:
    assert codes(
        allow(Condition={"ForAllValues:StringEquals": {"aws:PrincipalTag/team": "red"}})
    ) == ["FOR_ALL_VALUES_WITH_SINGLE_VALUED_KEY"]
    assert codes(
        allow(Condition={"ForAnyValue:StringEquals": {"accounts.google.com:sub": "1"}})
    ) == ["FOR_ANY_VALUE_WITH_SINGLE_VALUED_KEY"]
    assert codes(allow(Condition={"ForAllValues:StringEquals": {"custom:unknown": "x"}})) == []


def test_multivalued_key_without_a_qualifier() -> None:
    assert codes(allow(Condition={"StringEquals": {"aws:TagKeys": "env"}})) == ["MISSING_QUALIFIER"]
    assert codes(
        allow(Condition={"StringLike": {"cognito-identity.amazonaws.com:amr": "authenticated"}})
    ) == ["MISSING_QUALIFIER"]


def test_null_with_a_qualifier_and_empty_arrays() -> None:
    assert codes(allow(Condition={"ForAnyValue:Null": {"aws:TagKeys": "true"}})) == [
        "NULL_WITH_QUALIFIER"
    ]
    assert codes(allow(Condition={"ForAllValues:StringEquals": {"aws:TagKeys": []}})) == [
        "EMPTY_ARRAY_CONDITION"
    ]


def test_type_mismatches() -> None:
    assert codes(allow(Condition={"NumericLessThan": {"s3:max-keys": "ten"}})) == ["TYPE_MISMATCH"]
    assert codes(allow(Condition={"Bool": {"aws:SecureTransport": "yes"}})) == ["TYPE_MISMATCH"]
    assert codes(allow(Condition={"BinaryEquals": {"custom:blob": "!!"}})) == ["TYPE_MISMATCH"]


def test_multivalued_key_as_a_variable() -> None:
    statement = allow(Condition={"StringEquals": {"custom:k": "${dynamodb:LeadingKeys}"}})
    assert codes(statement) == ["VARIABLE_WITH_MULTIVALUED_KEY"]
