"""The legacy conditional parameters end to end: Expected with ConditionalOperator,
AttributeUpdates, AttributesToGet, and the rule that they never mix with expressions.

Behaviour follows the Developer Guide section "Legacy conditional parameters" (Expected,
AttributeUpdates, AttributesToGet, ConditionalOperator) and the API reference types
ExpectedAttributeValue and AttributeValueUpdate."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from tests.support.dynamodb_tables import create_table, error_of, raw_client
from tests.support.server_process import ServerProcess

pytestmark = pytest.mark.e2e

INVALID = "One or more parameter values were invalid: "
ITEM: dict[str, Any] = {
    "n": {"N": "5"},
    "s": {"S": "hello"},
    "b": {"B": b"\x10\x20"},
    "tags": {"SS": ["red", "blue"]},
    "nums": {"NS": ["1", "2"]},
    "seq": {"L": [{"S": "a"}]},
    "none": {"NULL": True},
}


@pytest.fixture(scope="module")
def table(dynamodb: Any) -> str:
    return create_table(dynamodb, "Legacy", ("pk", "S"))


@pytest.fixture(scope="module")
def key(dynamodb: Any, table: str) -> dict[str, Any]:
    item_key = {"pk": {"S": f"legacy-{uuid.uuid4().hex[:8]}"}}
    dynamodb.put_item(TableName=table, Item={**item_key, **ITEM})
    return item_key


def fresh(dynamodb: Any, table: str) -> dict[str, Any]:
    item_key = {"pk": {"S": f"item-{uuid.uuid4().hex[:8]}"}}
    dynamodb.put_item(TableName=table, Item={**item_key, **ITEM})
    return item_key


def stored(dynamodb: Any, table: str, item_key: dict[str, Any]) -> dict[str, Any]:
    item: dict[str, Any] = dynamodb.get_item(
        TableName=table, Key=item_key, ConsistentRead=True
    ).get("Item", {})
    return item


def compare(operator: str, *values: dict[str, Any]) -> dict[str, Any]:
    return {"ComparisonOperator": operator, "AttributeValueList": list(values)}


def num(text: str) -> dict[str, str]:
    return {"N": text}


def text(value: str) -> dict[str, str]:
    return {"S": value}


# --- Expected -----------------------------------------------------------------------------

# (Expected, holds): every ComparisonOperator and the Exists forms, each holding and not.
EXPECTATIONS: list[tuple[dict[str, Any], bool]] = [
    ({"n": {"Value": num("5")}}, True),
    ({"n": {"Value": num("5.0"), "Exists": True}}, True),
    ({"n": {"Value": num("6")}}, False),
    ({"ghost": {"Exists": False}}, True),
    ({"n": {"Exists": False}}, False),
    ({"n": compare("EQ", num("5"))}, True),
    ({"n": compare("EQ", text("5"))}, False),
    ({"tags": compare("EQ", {"SS": ["blue", "red"]})}, True),  # sets compare unordered
    ({"n": compare("NE", num("4"))}, True),
    ({"n": compare("NE", num("5"))}, False),
    ({"ghost": compare("NE", num("5"))}, True),  # a missing attribute is not equal
    ({"n": compare("LT", num("6"))}, True),
    ({"n": compare("LT", num("5"))}, False),
    ({"n": compare("LE", num("5"))}, True),
    ({"s": compare("LE", text("hell"))}, False),
    ({"n": compare("GT", num("4.99"))}, True),
    ({"b": compare("GT", {"B": b"\x10\x21"})}, False),
    ({"n": compare("GE", num("5"))}, True),
    ({"n": compare("GE", num("50"))}, False),
    ({"n": compare("BETWEEN", num("1"), num("5"))}, True),
    ({"n": compare("BETWEEN", num("6"), num("9"))}, False),
    ({"s": compare("IN", text("bye"), text("hello"))}, True),
    ({"s": compare("IN", text("bye"))}, False),
    ({"s": compare("BEGINS_WITH", text("he"))}, True),
    ({"s": compare("BEGINS_WITH", text("lo"))}, False),
    ({"tags": compare("CONTAINS", text("red"))}, True),
    ({"s": compare("CONTAINS", text("ell"))}, True),
    ({"nums": compare("CONTAINS", num("3"))}, False),
    ({"tags": compare("NOT_CONTAINS", text("green"))}, True),
    ({"tags": compare("NOT_CONTAINS", text("red"))}, False),
    ({"ghost": compare("NULL")}, True),
    ({"none": compare("NULL")}, False),  # NULL means "absent", not "of type NULL"
    ({"none": compare("NOT_NULL")}, True),
    ({"ghost": compare("NOT_NULL")}, False),
]


@pytest.mark.parametrize(("expected", "holds"), EXPECTATIONS)
def test_expected(
    dynamodb: Any, table: str, key: dict[str, Any], expected: dict[str, Any], holds: bool
) -> None:
    request = {"TableName": table, "Item": {**key, **ITEM}, "Expected": expected}
    if holds:
        dynamodb.put_item(**request)
    else:
        assert error_of(dynamodb.put_item, **request) == (
            "ConditionalCheckFailedException",
            "The conditional request failed",
        )


@pytest.mark.parametrize(("operator", "holds"), [("AND", False), ("OR", True), (None, False)])
def test_conditional_operator_combines_expectations(
    dynamodb: Any, table: str, key: dict[str, Any], operator: str | None, holds: bool
) -> None:
    expected = {"n": compare("GT", num("100")), "s": compare("BEGINS_WITH", text("he"))}
    request: dict[str, Any] = {"TableName": table, "Key": key, "Expected": expected}
    if operator is not None:
        request["ConditionalOperator"] = operator
    request["AttributeUpdates"] = {"n": {"Action": "PUT", "Value": num("5")}}
    if holds:
        dynamodb.update_item(**request)
    else:  # AND is the default
        assert error_of(dynamodb.update_item, **request)[0] == "ConditionalCheckFailedException"


def test_expected_on_delete_item(dynamodb: Any, table: str) -> None:
    item_key = fresh(dynamodb, table)
    assert (
        error_of(
            dynamodb.delete_item,
            TableName=table,
            Key=item_key,
            Expected={"n": {"Value": num("4")}},
            ReturnValuesOnConditionCheckFailure="ALL_OLD",
        )[0]
        == "ConditionalCheckFailedException"
    )
    dynamodb.delete_item(TableName=table, Key=item_key, Expected={"n": {"Value": num("5")}})
    assert stored(dynamodb, table, item_key) == {}


# (Expected, ConditionalOperator or None, exact message)
EXPECTED_ERRORS: list[tuple[dict[str, Any], str | None, str]] = [
    ({"n": {"Exists": True}}, None, INVALID + "Value must be provided when Exists is true for "
     "Attribute: n"),
    ({"n": {}}, None, INVALID + "Value must be provided when Exists is null for Attribute: n"),
    ({"n": {"Exists": False, "Value": num("1")}}, None, INVALID + "Value cannot be used when "
     "Exists is false for Attribute: n"),
    ({"n": {"Exists": True, **compare("EQ", num("5"))}}, None, INVALID + "Exists and "
     "ComparisonOperator cannot be used together for Attribute: n"),
    ({"n": {"Value": num("1"), **compare("EQ", num("1"))}}, None, INVALID + "Value and "
     "AttributeValueList cannot be used together for Attribute: n"),
    ({"n": {"ComparisonOperator": "EQ"}}, None, INVALID + "Value or AttributeValueList must be "
     "used with ComparisonOperator: EQ for Attribute: n"),
    ({"n": compare("BETWEEN", num("1"))}, None, INVALID + "Invalid number of argument(s) for "
     "the BETWEEN ComparisonOperator"),
    ({"n": compare("NULL", num("1"))}, None, INVALID + "Invalid number of argument(s) for the "
     "NULL ComparisonOperator"),
    ({"n": compare("IN")}, None, INVALID + "Invalid number of argument(s) for the IN "
     "ComparisonOperator"),
    ({"n": compare("LT", {"SS": ["a"]})}, None, INVALID + "ComparisonOperator LT is not valid "
     "for SS AttributeValue type"),
    ({"s": compare("BEGINS_WITH", num("1"))}, None, INVALID + "ComparisonOperator BEGINS_WITH "
     "is not valid for N AttributeValue type"),
    ({"tags": compare("CONTAINS", {"SS": ["a"]})}, None, INVALID + "ComparisonOperator "
     "CONTAINS is not valid for SS AttributeValue type"),
    ({}, "OR", "ConditionalOperator cannot be used without Filter or Expected"),
    ({"n": compare("EQ", num("5"))}, "OR", "ConditionalOperator can only be used when Filter "
     "or Expected has two or more elements"),
]  # fmt: skip


@pytest.mark.parametrize(("expected", "operator", "message"), EXPECTED_ERRORS)
def test_expected_errors(
    dynamodb: Any,
    table: str,
    expected: dict[str, Any],
    operator: str | None,
    message: str,
) -> None:
    item_key = {"pk": {"S": f"refused-{uuid.uuid4().hex[:8]}"}}
    request: dict[str, Any] = {"TableName": table, "Item": item_key, "Expected": expected}
    if operator is not None:
        request["ConditionalOperator"] = operator
    assert error_of(dynamodb.put_item, **request) == ("ValidationException", message)
    assert stored(dynamodb, table, item_key) == {}


def test_conditional_operator_alone_is_refused(dynamodb: Any, table: str) -> None:
    assert error_of(
        dynamodb.delete_item, TableName=table, Key={"pk": {"S": "x"}}, ConditionalOperator="AND"
    ) == ("ValidationException", "ConditionalOperator cannot be used without Filter or Expected")


def test_enum_members_are_checked(server: ServerProcess, table: str) -> None:
    raw = raw_client(server)
    assert error_of(
        raw.put_item,
        TableName=table,
        Item={"pk": {"S": "x"}},
        Expected={"n": compare("ABOUT", num("1"))},
    ) == (
        "ValidationException",
        "1 validation error detected: Value 'ABOUT' at 'expected.n.member.comparisonOperator' "
        "failed to satisfy constraint: Member must satisfy enum value set: [IN, NULL, BETWEEN, "
        "LT, NOT_CONTAINS, EQ, GT, NOT_NULL, NE, LE, BEGINS_WITH, GE, CONTAINS]",
    )
    assert error_of(
        raw.put_item,
        TableName=table,
        Item={"pk": {"S": "x"}},
        Expected={"n": {"Exists": False}, "s": {"Exists": False}},
        ConditionalOperator="XOR",
    ) == (
        "ValidationException",
        "1 validation error detected: Value 'XOR' at 'conditionalOperator' failed to satisfy "
        "constraint: Member must satisfy enum value set: [OR, AND]",
    )
    assert error_of(
        raw.update_item,
        TableName=table,
        Key={"pk": {"S": "x"}},
        AttributeUpdates={"n": {"Action": "MERGE", "Value": num("1")}},
    ) == (
        "ValidationException",
        "1 validation error detected: Value 'MERGE' at 'attributeUpdates.n.member.action' "
        "failed to satisfy constraint: Member must satisfy enum value set: [ADD, PUT, DELETE]",
    )


# --- AttributeUpdates ---------------------------------------------------------------------


def test_attribute_updates_put_add_delete(dynamodb: Any, table: str) -> None:
    item_key = fresh(dynamodb, table)
    new = dynamodb.update_item(
        TableName=table,
        Key=item_key,
        AttributeUpdates={
            "s": {"Action": "PUT", "Value": text("bye")},
            "plain": {"Value": text("PUT is the default")},
            "n": {"Action": "ADD", "Value": num("-7.5")},
            "fresh": {"Action": "ADD", "Value": num("3")},
            "tags": {"Action": "ADD", "Value": {"SS": ["green", "red"]}},
            "nums": {"Action": "DELETE", "Value": {"NS": ["1", "9"]}},
            "seq": {"Action": "ADD", "Value": {"L": [text("b")]}},
            "none": {"Action": "DELETE"},
        },
        ReturnValues="ALL_NEW",
    )["Attributes"]
    assert new["s"] == text("bye")
    assert new["plain"] == text("PUT is the default")
    assert new["n"] == num("-2.5")
    assert new["fresh"] == num("3")  # ADD to a missing number starts from 0
    assert sorted(new["tags"]["SS"]) == ["blue", "green", "red"]
    assert new["nums"] == {"NS": ["2"]}
    assert new["seq"] == {"L": [text("a"), text("b")]}  # ADD appends to a list
    assert "none" not in new
    assert stored(dynamodb, table, item_key) == new
    emptied = dynamodb.update_item(
        TableName=table,
        Key=item_key,
        AttributeUpdates={"nums": {"Action": "DELETE", "Value": {"NS": ["2"]}}},
        ReturnValues="UPDATED_OLD",
    )
    assert emptied["Attributes"] == {"nums": {"NS": ["2"]}}
    assert "nums" not in stored(dynamodb, table, item_key)


def test_attribute_updates_with_expected(dynamodb: Any, table: str) -> None:
    item_key = fresh(dynamodb, table)
    changed = dynamodb.update_item(
        TableName=table,
        Key=item_key,
        AttributeUpdates={"n": {"Action": "PUT", "Value": num("6")}},
        Expected={"n": {"Value": num("5")}},
        ReturnValues="UPDATED_OLD",
    )
    assert changed["Attributes"] == {"n": num("5")}
    assert (
        error_of(
            dynamodb.update_item,
            TableName=table,
            Key=item_key,
            AttributeUpdates={"n": {"Action": "PUT", "Value": num("7")}},
            Expected={"n": {"Value": num("5")}},
        )[0]
        == "ConditionalCheckFailedException"
    )
    assert stored(dynamodb, table, item_key)["n"] == num("6")


ATTRIBUTE_UPDATE_ERRORS: list[tuple[dict[str, Any], str]] = [
    (
        {"s": {"Action": "PUT"}},
        INVALID + "Only DELETE action is allowed when no attribute value is specified",
    ),
    ({"s": {"Action": "ADD", "Value": text("x")}}, INVALID + "ADD action is not supported for "
     "the type S"),
    ({"n": {"Action": "DELETE", "Value": num("1")}}, INVALID + "DELETE action with value is not "
     "supported for the type N"),
    ({"pk": {"Action": "PUT", "Value": text("x")}}, INVALID + "Cannot update attribute pk. This "
     "attribute is part of the key"),
    ({"n": {"Action": "ADD", "Value": {"SS": ["x"]}}}, "Type mismatch for attribute to update"),
]  # fmt: skip


@pytest.mark.parametrize(("updates", "message"), ATTRIBUTE_UPDATE_ERRORS)
def test_attribute_update_errors(
    dynamodb: Any, table: str, updates: dict[str, Any], message: str
) -> None:
    item_key = fresh(dynamodb, table)
    assert error_of(
        dynamodb.update_item, TableName=table, Key=item_key, AttributeUpdates=updates
    ) == ("ValidationException", message)
    assert stored(dynamodb, table, item_key) == {**item_key, **ITEM}


# --- AttributesToGet ----------------------------------------------------------------------


def test_attributes_to_get(server: ServerProcess, dynamodb: Any, table: str) -> None:
    item_key = fresh(dynamodb, table)
    got = dynamodb.get_item(TableName=table, Key=item_key, AttributesToGet=["n", "tags", "ghost"])
    assert got["Item"] == {"n": ITEM["n"], "tags": ITEM["tags"]}
    # Names are whole attribute names: a dot is part of the name, not a path.
    dotted = dynamodb.get_item(TableName=table, Key=item_key, AttributesToGet=["seq.0", "s"])
    assert dotted["Item"] == {"s": ITEM["s"]}
    assert error_of(
        dynamodb.get_item, TableName=table, Key=item_key, AttributesToGet=["n", "n"]
    ) == ("ValidationException", INVALID + "Duplicate value in attribute name: n")
    assert error_of(
        raw_client(server).get_item, TableName=table, Key=item_key, AttributesToGet=[]
    ) == (
        "ValidationException",
        "1 validation error detected: Value '[]' at 'attributesToGet' failed to satisfy "
        "constraint: Member must have length greater than or equal to 1",
    )


# --- never mixed with expressions ---------------------------------------------------------


def mixing(non_expression: str, expression: str) -> str:
    return (
        "Can not use both expression and non-expression parameters in the same request: "
        f"Non-expression parameters: {{{non_expression}}} Expression parameters: {{{expression}}}"
    )


def test_legacy_and_expression_parameters_never_mix(dynamodb: Any, table: str) -> None:
    item_key = fresh(dynamodb, table)
    exists = {"n": {"Exists": True, "Value": num("5")}}
    cases: list[tuple[Any, dict[str, Any], str]] = [
        (
            dynamodb.put_item,
            {"Item": item_key, "Expected": exists, "ConditionExpression": "attribute_exists(n)"},
            mixing("Expected", "ConditionExpression"),
        ),
        (
            dynamodb.put_item,
            {
                "Item": item_key,
                "Expected": {**exists, "s": {"Exists": False}},
                "ConditionalOperator": "OR",
                "ConditionExpression": "attribute_exists(n)",
            },
            mixing("Expected, ConditionalOperator", "ConditionExpression"),
        ),
        (
            dynamodb.delete_item,
            {"Key": item_key, "ConditionalOperator": "AND", "ConditionExpression": "n = n2"},
            mixing("ConditionalOperator", "ConditionExpression"),
        ),
        (
            dynamodb.update_item,
            {
                "Key": item_key,
                "AttributeUpdates": {"n": {"Action": "PUT", "Value": num("1")}},
                "UpdateExpression": "SET n = :v",
                "ExpressionAttributeValues": {":v": num("1")},
            },
            mixing("AttributeUpdates", "UpdateExpression"),
        ),
        (
            dynamodb.update_item,
            {
                "Key": item_key,
                "AttributeUpdates": {"n": {"Action": "PUT", "Value": num("1")}},
                "Expected": exists,
                "UpdateExpression": "SET n = :v",
                "ConditionExpression": "attribute_exists(n)",
                "ExpressionAttributeValues": {":v": num("1")},
            },
            mixing("AttributeUpdates, Expected", "UpdateExpression, ConditionExpression"),
        ),
        (
            dynamodb.get_item,
            {"Key": item_key, "AttributesToGet": ["n"], "ProjectionExpression": "s"},
            mixing("AttributesToGet", "ProjectionExpression"),
        ),
        (
            dynamodb.get_item,
            {"Key": item_key, "AttributesToGet": ["n"], "ExpressionAttributeNames": {"#n": "n"}},
            "ExpressionAttributeNames can only be specified when using expressions",
        ),
        (
            dynamodb.put_item,
            {
                "Item": item_key,
                "Expected": exists,
                "ExpressionAttributeValues": {":v": num("1")},
            },
            "ExpressionAttributeValues can only be specified when using expressions: "
            "ConditionExpression is null",
        ),
        (
            dynamodb.update_item,
            {
                "Key": item_key,
                "AttributeUpdates": {"n": {"Action": "PUT", "Value": num("1")}},
                "ExpressionAttributeValues": {":v": num("1")},
            },
            "ExpressionAttributeValues can only be specified when using expressions: "
            "UpdateExpression and ConditionExpression are null",
        ),
    ]
    for call, request, message in cases:
        assert error_of(call, TableName=table, **request) == ("ValidationException", message)
    assert stored(dynamodb, table, item_key) == {**item_key, **ITEM}
