"""Legacy conditional parameters mapped onto the expression AST (Developer Guide "Legacy
conditional parameters"), with DynamoDB's validation messages (dynalite's suite)."""

from typing import Any

import pytest
from tests.unit.expr.helpers import n, s

from dynafed.dynamodb.expr import (
    check_expression_parameters,
    condition_from_expected,
    condition_from_filter,
    projection_from_attributes_to_get,
    update_from_attribute_updates,
)
from dynafed.errors import ValidationException

INVALID = "One or more parameter values were invalid: "
ITEM = {"a": s("x"), "n": n("5"), "tags": {"SS": ["red"]}, "active": {"BOOL": False}}


def refused(function: Any, *args: Any) -> str:
    with pytest.raises(ValidationException) as caught:
        function(*args)
    return caught.value.message


def test_mixing_expressions_and_legacy_parameters_is_refused() -> None:
    params = {"Expected": {}, "ConditionalOperator": "OR", "ConditionExpression": "a = b"}
    assert refused(
        lambda: check_expression_parameters(
            params,
            expression_params=["ConditionExpression"],
            legacy_params=["Expected", "ConditionalOperator"],
        )
    ) == (
        "Can not use both expression and non-expression parameters in the same request: "
        "Non-expression parameters: {Expected, ConditionalOperator} "
        "Expression parameters: {ConditionExpression}"
    )


def test_placeholder_maps_need_expressions() -> None:
    query = {
        "expression_params": ["ProjectionExpression", "FilterExpression", "KeyConditionExpression"],
        "legacy_params": ["AttributesToGet", "QueryFilter", "ConditionalOperator", "KeyConditions"],
    }
    assert refused(
        lambda: check_expression_parameters({"ExpressionAttributeNames": {"#a": "a"}}, **query)
    ) == ("ExpressionAttributeNames can only be specified when using expressions")
    assert refused(
        lambda: check_expression_parameters(
            {"ExpressionAttributeValues": {":a": s("a")}, "ProjectionExpression": "a"}, **query
        )
    ) == (
        "ExpressionAttributeValues can only be specified when using expressions: "
        "FilterExpression and KeyConditionExpression are null"
    )
    # KeyConditions may accompany a FilterExpression
    check_expression_parameters({"KeyConditions": {}, "FilterExpression": "a = :a"}, **query)


@pytest.mark.parametrize(
    ("expected", "operator", "result"),
    [
        ({"a": {"Value": s("x")}}, None, True),
        ({"a": {"Value": s("x"), "Exists": True}}, None, True),
        ({"zz": {"Exists": False}}, None, True),
        ({"a": {"Exists": False}}, None, False),
        ({"active": {"Value": {"BOOL": False}, "Exists": True}}, None, True),
        ({"n": {"ComparisonOperator": "GT", "AttributeValueList": [n("4")]}}, None, True),
        (
            {"n": {"ComparisonOperator": "BETWEEN", "AttributeValueList": [n("1"), n("4")]}},
            None,
            False,
        ),
        ({"n": {"ComparisonOperator": "IN", "AttributeValueList": [n("4"), n("5")]}}, None, True),
        ({"tags": {"ComparisonOperator": "CONTAINS", "Value": s("red")}}, None, True),
        ({"tags": {"ComparisonOperator": "NOT_CONTAINS", "Value": s("red")}}, None, False),
        ({"zz": {"ComparisonOperator": "NOT_CONTAINS", "Value": s("red")}}, None, True),
        ({"zz": {"ComparisonOperator": "NE", "Value": s("red")}}, None, True),
        ({"a": {"ComparisonOperator": "BEGINS_WITH", "Value": s("x")}}, None, True),
        ({"zz": {"ComparisonOperator": "NULL"}}, None, True),
        ({"a": {"ComparisonOperator": "NOT_NULL"}}, None, True),
        ({"a": {"Value": s("no")}, "n": {"Value": n("5")}}, "OR", True),
        ({"a": {"Value": s("no")}, "n": {"Value": n("5")}}, "AND", False),
        ({"a": {"Value": s("no")}, "n": {"Value": n("5")}}, None, False),
    ],
)
def test_expected_conditions(expected: dict[str, Any], operator: str | None, result: bool) -> None:
    condition = condition_from_expected(expected, operator)
    assert condition is not None
    assert condition.evaluate(ITEM) is result


def test_empty_expected_means_no_condition() -> None:
    assert condition_from_expected({}) is None


@pytest.mark.parametrize(
    ("expected", "message"),
    [
        ({"a": {}}, INVALID + "Value must be provided when Exists is null for Attribute: a"),
        (
            {"a": {"Exists": True}},
            INVALID + "Value must be provided when Exists is true for Attribute: a",
        ),
        (
            {"a": {"Exists": False, "Value": s("a")}},
            INVALID + "Value cannot be used when Exists is false for Attribute: a",
        ),
        (
            {"a": {"ComparisonOperator": "LT"}},
            INVALID + "Value or AttributeValueList must be used with ComparisonOperator: LT for "
            "Attribute: a",
        ),
        (
            {"a": {"Exists": True, "ComparisonOperator": "LT"}},
            INVALID + "Exists and ComparisonOperator cannot be used together for Attribute: a",
        ),
        (
            {"a": {"AttributeValueList": [s("a")], "Value": s("a"), "ComparisonOperator": "LT"}},
            INVALID + "Value and AttributeValueList cannot be used together for Attribute: a",
        ),
        (
            {"a": {"AttributeValueList": [s("a")]}},
            INVALID + "AttributeValueList can only be used with a ComparisonOperator for "
            "Attribute: a",
        ),
        (
            {"a": {"AttributeValueList": [], "ComparisonOperator": "EQ"}},
            INVALID + "Invalid number of argument(s) for the EQ ComparisonOperator",
        ),
        (
            {"a": {"AttributeValueList": [s("a")], "ComparisonOperator": "NULL"}},
            INVALID + "Invalid number of argument(s) for the NULL ComparisonOperator",
        ),
        (
            {"a": {"Value": s("a"), "ComparisonOperator": "BETWEEN"}},
            INVALID + "Invalid number of argument(s) for the BETWEEN ComparisonOperator",
        ),
        (
            {"a": {"Value": {}}},
            "Supplied AttributeValue is empty, must contain exactly one of the supported datatypes",
        ),
    ],
)
def test_expected_validation(expected: dict[str, Any], message: str) -> None:
    assert refused(condition_from_expected, expected) == message


@pytest.mark.parametrize(
    ("op", "values", "message"),
    [
        (
            "LT",
            [{"BOOL": True}],
            INVALID + "ComparisonOperator LT is not valid for BOOL AttributeValue type",
        ),
        (
            "IN",
            [{"SS": ["a"]}],
            INVALID + "ComparisonOperator IN is not valid for SS AttributeValue type",
        ),
        (
            "CONTAINS",
            [{"L": []}],
            INVALID + "ComparisonOperator CONTAINS is not valid for L AttributeValue type",
        ),
        (
            "BEGINS_WITH",
            [n("1")],
            INVALID + "ComparisonOperator BEGINS_WITH is not valid for N AttributeValue type",
        ),
        (
            "IN",
            [n("1"), s("1")],
            INVALID + "AttributeValues inside AttributeValueList must be of same type",
        ),
        (
            "BETWEEN",
            [n("2"), n("1")],
            "The BETWEEN condition was provided a range where the "
            "lower bound is greater than the upper bound",
        ),
        (
            "EQ",
            [s("a"), s("b")],
            INVALID + "Invalid number of argument(s) for the EQ ComparisonOperator",
        ),
    ],
)
def test_filter_validation(op: str, values: list[Any], message: str) -> None:
    filters = {"a": {"ComparisonOperator": op, "AttributeValueList": values}}
    assert refused(condition_from_filter, filters) == message


def test_scan_filter_evaluates() -> None:
    condition = condition_from_filter(
        {
            "n": {"ComparisonOperator": "GE", "AttributeValueList": [n("5")]},
            "a": {"ComparisonOperator": "EQ", "AttributeValueList": [s("y")]},
        },
        "OR",
    )
    assert condition is not None and condition.evaluate(ITEM)
    assert condition.attribute_names == {"n", "a"}


def test_attribute_updates() -> None:
    update = update_from_attribute_updates(
        {
            "a": {"Value": s("new")},
            "n": {"Action": "ADD", "Value": n("1")},
            "tags": {"Action": "DELETE"},
            "l": {"Action": "ADD", "Value": {"L": [s("x")]}},
            "s": {"Action": "ADD", "Value": {"SS": ["b"]}},
        }
    )
    item = {**ITEM, "l": {"L": [s("w")]}}
    assert update.apply(item) == {
        "a": s("new"),
        "n": n("6"),
        "active": {"BOOL": False},
        "l": {"L": [s("w"), s("x")]},
        "s": {"SS": ["b"]},
    }
    assert update.modified_names == {"a", "n", "tags", "l", "s"}


@pytest.mark.parametrize(
    ("updates", "message"),
    [
        (
            {"a": {"Action": "PUT"}},
            INVALID + "Only DELETE action is allowed when no attribute value is specified",
        ),
        (
            {"a": {"Action": "DELETE", "Value": s("a")}},
            INVALID + "DELETE action with value is not supported for the type S",
        ),
        (
            {"a": {"Action": "ADD", "Value": s("a")}},
            INVALID + "ADD action is not supported for the type S",
        ),
    ],
)
def test_attribute_updates_validation(updates: dict[str, Any], message: str) -> None:
    assert refused(update_from_attribute_updates, updates) == message


@pytest.mark.parametrize(
    "updates",
    [
        {"tags": {"Action": "DELETE", "Value": {"NS": ["1"]}}},
        {"n": {"Action": "DELETE", "Value": {"NS": ["1"]}}},
        {"tags": {"Action": "ADD", "Value": {"NS": ["1"]}}},
        {"tags": {"Action": "ADD", "Value": n("1")}},
    ],
)
def test_attribute_updates_type_mismatch(updates: dict[str, Any]) -> None:
    update = update_from_attribute_updates(updates)
    assert refused(update.apply, ITEM) == "Type mismatch for attribute to update"


def test_attributes_to_get() -> None:
    assert projection_from_attributes_to_get(["a", "n"]).apply(ITEM) == {"a": s("x"), "n": n("5")}
    assert refused(projection_from_attributes_to_get, ["a", "a"]) == (
        INVALID + "Duplicate value in attribute name: a"
    )


def test_malformed_legacy_parameters_are_refused_not_crashed() -> None:
    assert refused(condition_from_filter, {"a": {"ComparisonOperator": "LIKE"}}) == (
        "1 validation error detected: Value 'LIKE' at 'scanFilter.a.member.comparisonOperator' "
        "failed to satisfy constraint: Member must satisfy enum value set: [IN, NULL, BETWEEN, "
        "LT, NOT_CONTAINS, EQ, GT, NOT_NULL, NE, LE, BEGINS_WITH, GE, CONTAINS]"
    )
    assert refused(condition_from_filter, {"a": {}}) == (
        "1 validation error detected: Value null at 'scanFilter.a.member.comparisonOperator' "
        "failed to satisfy constraint: Member must not be null"
    )
    assert refused(update_from_attribute_updates, {"a": {"Action": "PATCH"}}) == (
        "1 validation error detected: Value 'PATCH' at 'attributeUpdates.a.member.action' "
        "failed to satisfy constraint: Member must satisfy enum value set: [ADD, PUT, DELETE]"
    )
    from dynafed.errors import SerializationException

    with pytest.raises(SerializationException):
        condition_from_expected({"a": "not a structure"})
    with pytest.raises(SerializationException):
        condition_from_filter({"a": {"ComparisonOperator": "EQ", "AttributeValueList": "x"}})
