"""The expression language end to end: ConditionExpression, UpdateExpression,
ProjectionExpression, ExpressionAttributeNames/Values, through the real server with boto3 and
the AWS CLI.

Semantics follow the Developer Guide pages "Condition and filter expressions, operators, and
functions", "Update expressions", "Projection expressions", "Expression attribute names" and
"Expression attribute values"; the error texts are DynamoDB's (its validator's sentences,
`Invalid <Parameter>: <sentence>; <details>`)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from typing import Any

import pytest

from tests.support.clients import aws_cli_env
from tests.support.dynamodb_tables import create_table, error_of
from tests.support.server_process import ServerProcess

pytestmark = pytest.mark.e2e

#: The item every condition below is evaluated against (one attribute per type; `status` is
#: a reserved word, so expressions must reach it through a name placeholder).
ITEM: dict[str, Any] = {
    "n": {"N": "10"},
    "s": {"S": "hello world"},
    "b": {"B": b"\x01\x02"},
    "flag": {"BOOL": True},
    "nothing": {"NULL": True},
    "tags": {"SS": ["red", "blue"]},
    "nums": {"NS": ["1", "2"]},
    "scores": {"L": [{"N": "1"}, {"S": "two"}, {"M": {"three": {"N": "3"}}}]},
    "doc": {"M": {"nested": {"M": {"deep": {"S": "x"}}}, "qty": {"N": "2"}}},
    "status": {"S": "active"},
}


@pytest.fixture(scope="module")
def table(dynamodb: Any) -> str:
    return create_table(dynamodb, "Expressions", ("pk", "S"))


@pytest.fixture(scope="module")
def key(dynamodb: Any, table: str) -> dict[str, Any]:
    """The key of ITEM, written once for the condition tests (which never change it)."""
    item_key = {"pk": {"S": f"conditions-{uuid.uuid4().hex[:8]}"}}
    dynamodb.put_item(TableName=table, Item={**item_key, **ITEM})
    return item_key


def fresh(dynamodb: Any, table: str, **attributes: Any) -> dict[str, Any]:
    """A new item holding `attributes` (ITEM's when none are given); returns its key."""
    item_key = {"pk": {"S": f"item-{uuid.uuid4().hex[:8]}"}}
    dynamodb.put_item(TableName=table, Item={**item_key, **(attributes or ITEM)})
    return item_key


def stored(dynamodb: Any, table: str, item_key: dict[str, Any]) -> dict[str, Any]:
    item: dict[str, Any] = dynamodb.get_item(
        TableName=table, Key=item_key, ConsistentRead=True
    ).get("Item", {})
    return item


def num(text: str) -> dict[str, str]:
    return {"N": text}


def text(value: str) -> dict[str, str]:
    return {"S": value}


# --- ConditionExpression ------------------------------------------------------------------

PRECEDENCE = {":ten": num("10"), ":nine": num("9"), ":other": text("bye")}

# (expression, values, holds). Each operator appears with a case that holds and one that
# does not, so a server that ignores the condition fails half of them.
CONDITIONS: list[tuple[str, dict[str, Any], bool]] = [
    ("n = :v", {":v": num("10")}, True),
    ("n = :v", {":v": num("10.0")}, True),  # numbers compare by value
    ("n = :v", {":v": num("9")}, False),
    ("n = :v", {":v": text("10")}, False),  # different types are never equal
    ("n <> :v", {":v": num("9")}, True),
    ("n <> :v", {":v": num("10")}, False),
    ("n < :v", {":v": num("11")}, True),
    ("n < :v", {":v": num("10")}, False),
    ("n <= :v", {":v": num("10")}, True),
    ("n <= :v", {":v": num("9.99")}, False),
    ("n > :v", {":v": num("-1e2")}, True),
    ("n > :v", {":v": num("10")}, False),
    ("n >= :v", {":v": num("10")}, True),
    ("n >= :v", {":v": num("10.0001")}, False),
    ("s < :v", {":v": text("i")}, True),  # strings by UTF-8 bytes
    ("s > :v", {":v": text("hello worlds")}, False),
    ("b > :v", {":v": {"B": b"\x01"}}, True),
    ("b < :v", {":v": {"B": b"\x01\x01"}}, False),
    ("n < :v", {":v": text("z")}, False),  # ordering across types is false, not an error
    ("n BETWEEN :lo AND :hi", {":lo": num("10"), ":hi": num("10")}, True),
    ("n BETWEEN :lo AND :hi", {":lo": num("11"), ":hi": num("20")}, False),
    ("s BETWEEN :lo AND :hi", {":lo": text("a"), ":hi": text("i")}, True),
    ("n IN (:a, :b, :c)", {":a": num("1"), ":b": num("2"), ":c": num("10")}, True),
    ("n IN (:a, :b)", {":a": num("1"), ":b": num("2")}, False),
    ("s IN (:a)", {":a": text("hello world")}, True),
    ("n = :ten AND s = :s", {":ten": num("10"), ":s": text("hello world")}, True),
    ("n = :nine AND s = :s", {":nine": num("9"), ":s": text("hello world")}, False),
    ("n = :nine OR s = :s", {":nine": num("9"), ":s": text("hello world")}, True),
    ("n = :nine OR s = :s", {":nine": num("9"), ":s": text("bye")}, False),
    ("NOT n = :nine", {":nine": num("9")}, True),
    ("NOT n = :ten", {":ten": num("10")}, False),
    # AND binds tighter than OR, NOT tighter than AND; parentheses change both.
    ("n = :ten OR n = :nine AND s = :other", PRECEDENCE, True),
    ("(n = :ten OR n = :nine) AND s = :other", PRECEDENCE, False),
    ("NOT n = :nine AND s = :other", {":nine": num("9"), ":other": text("bye")}, False),
    ("NOT (n = :nine AND s = :other)", {":nine": num("9"), ":other": text("bye")}, True),
    ("attribute_exists(n)", {}, True),
    ("attribute_exists(ghost)", {}, False),
    ("attribute_not_exists(ghost)", {}, True),
    ("attribute_not_exists(n)", {}, False),
    ("attribute_exists(doc.nested.deep)", {}, True),
    ("attribute_exists(doc.nested.shallow)", {}, False),
    ("attribute_exists(scores[2].three)", {}, True),
    ("attribute_exists(scores[3])", {}, False),
    ("attribute_not_exists(s.nested)", {}, True),  # a path through a scalar finds nothing
    ("begins_with(s, :p)", {":p": text("hello")}, True),
    ("begins_with(s, :p)", {":p": text("world")}, False),
    ("begins_with(b, :p)", {":p": {"B": b"\x01"}}, True),
    ("begins_with(n, :p)", {":p": text("1")}, False),  # not a string: false
    ("contains(s, :p)", {":p": text("o w")}, True),
    ("contains(s, :p)", {":p": text("planet")}, False),
    ("contains(tags, :p)", {":p": text("red")}, True),
    ("contains(tags, :p)", {":p": text("green")}, False),
    ("contains(nums, :p)", {":p": num("2.0")}, True),
    ("contains(scores, :p)", {":p": text("two")}, True),
    ("contains(scores, :p)", {":p": text("three")}, False),
    ("size(s) = :v", {":v": num("11")}, True),
    ("size(b) = :v", {":v": num("2")}, True),
    ("size(tags) = :v", {":v": num("2")}, True),
    ("size(scores) > :v", {":v": num("2")}, True),
    ("size(doc) = :v", {":v": num("2")}, True),
    ("size(doc.nested) = :v", {":v": num("1")}, True),
    ("size(s) < :v", {":v": num("11")}, False),
    ("size(n) >= :v", {":v": num("0")}, False),  # numbers have no size
    ("size(ghost) >= :v", {":v": num("0")}, False),
    ("doc.#c = scores[0]", {}, False),  # two paths: 2 vs 1
    ("doc.#c > scores[0]", {}, True),
]


@pytest.mark.parametrize(("expression", "values", "holds"), CONDITIONS)
def test_condition_expressions(
    dynamodb: Any,
    table: str,
    key: dict[str, Any],
    expression: str,
    values: dict[str, Any],
    holds: bool,
) -> None:
    request: dict[str, Any] = {
        "TableName": table,
        "Item": {**key, **ITEM},  # rewriting ITEM itself leaves it unchanged
        "ConditionExpression": expression,
    }
    if values:
        request["ExpressionAttributeValues"] = values
    if "#c" in expression:
        request["ExpressionAttributeNames"] = {"#c": "qty"}
    if holds:
        dynamodb.put_item(**request)
    else:
        assert error_of(dynamodb.put_item, **request) == (
            "ConditionalCheckFailedException",
            "The conditional request failed",
        )


@pytest.mark.parametrize(
    ("type_name", "attribute"),
    [
        ("N", "n"), ("S", "s"), ("B", "b"), ("BOOL", "flag"), ("NULL", "nothing"),
        ("SS", "tags"), ("NS", "nums"), ("L", "scores"), ("M", "doc"),
    ],
)  # fmt: skip
def test_attribute_type_names_each_type(
    dynamodb: Any, table: str, key: dict[str, Any], type_name: str, attribute: str
) -> None:
    def check(expected: str) -> dict[str, Any]:
        return {
            "TableName": table,
            "Item": {**key, **ITEM},
            "ConditionExpression": f"attribute_type({attribute}, :t)",
            "ExpressionAttributeValues": {":t": {"S": expected}},
        }

    dynamodb.put_item(**check(type_name))
    assert error_of(dynamodb.put_item, **check("BS"))[0] == "ConditionalCheckFailedException"


def test_reserved_word_through_a_name_placeholder(
    dynamodb: Any, table: str, key: dict[str, Any]
) -> None:
    dynamodb.delete_item(
        TableName=table,
        Key={"pk": {"S": "never-written"}},
        ConditionExpression="attribute_not_exists(#st)",
        ExpressionAttributeNames={"#st": "status"},
    )
    dynamodb.put_item(
        TableName=table,
        Item={**key, **ITEM},
        ConditionExpression="#st = :active AND #m.#i.deep = :x",
        ExpressionAttributeNames={"#st": "status", "#m": "doc", "#i": "nested"},
        ExpressionAttributeValues={":active": text("active"), ":x": text("x")},
    )


# (parameter, request members, exact message)
CONDITION_ERRORS: list[tuple[dict[str, Any], str]] = [
    (
        {"ConditionExpression": "status = :v", "ExpressionAttributeValues": {":v": text("a")}},
        "Invalid ConditionExpression: Attribute name is a reserved keyword; "
        "reserved keyword: status",
    ),
    (
        {"ConditionExpression": "attribute_exists(doc.count)"},
        "Invalid ConditionExpression: Attribute name is a reserved keyword; "
        "reserved keyword: count",
    ),
    (
        {
            "ConditionExpression": "attribute_exists(#d)",
            "ExpressionAttributeNames": {"#d": "doc", ":d": "doc"},
        },
        'ExpressionAttributeNames contains invalid key: Syntax error; key: ":d"',
    ),
    (
        {"ConditionExpression": "#nope = :v", "ExpressionAttributeValues": {":v": text("a")}},
        "Invalid ConditionExpression: An expression attribute name used in the document path "
        "is not defined; attribute name: #nope",
    ),
    (
        {"ConditionExpression": "n = :nope"},
        "Invalid ConditionExpression: An expression attribute value used in expression is "
        "not defined; attribute value: :nope",
    ),
    (
        {
            "ConditionExpression": "n = :v",
            "ExpressionAttributeValues": {":v": num("1")},
            "ExpressionAttributeNames": {"#unused": "n"},
        },
        "Value provided in ExpressionAttributeNames unused in expressions: keys: {#unused}",
    ),
    (
        {
            "ConditionExpression": "n = :v",
            "ExpressionAttributeValues": {":v": num("1"), ":spare": num("2")},
        },
        "Value provided in ExpressionAttributeValues unused in expressions: keys: {:spare}",
    ),
    (
        {"ExpressionAttributeNames": {"#n": "n"}},
        "ExpressionAttributeNames can only be specified when using expressions",
    ),
    (
        {"ConditionExpression": "n = :v", "ExpressionAttributeValues": {}},
        "ExpressionAttributeValues must not be empty",
    ),
    (
        {"ConditionExpression": "n > 4"},
        'Invalid ConditionExpression: Syntax error; token: "4", near: "> 4"',
    ),
    (
        {"ConditionExpression": "((n = n))"},
        "Invalid ConditionExpression: The expression has redundant parentheses;",
    ),
    (
        {"ConditionExpression": "n = n"},
        "Invalid ConditionExpression: The first operand must be distinct from the remaining "
        "operands for this operator or function; operator: =, first operand: [n]",
    ),
    (
        {"ConditionExpression": "launch(n)"},
        "Invalid ConditionExpression: Invalid function name; function: launch",
    ),
    (
        {
            "ConditionExpression": "if_not_exists(n, :v) = :v",
            "ExpressionAttributeValues": {":v": num("1")},
        },
        "Invalid ConditionExpression: The function is not allowed in a condition expression; "
        "function: if_not_exists",
    ),
    (
        {
            "ConditionExpression": "attribute_type(n, :t)",
            "ExpressionAttributeValues": {":t": text("NUMBER")},
        },
        "Invalid ConditionExpression: Invalid attribute type name found; type: NUMBER, "
        "valid types: {B,NULL,SS,BOOL,L,BS,N,NS,S,M}",
    ),
    (
        {
            "ConditionExpression": "begins_with(s, :p)",
            "ExpressionAttributeValues": {":p": num("1")},
        },
        "Invalid ConditionExpression: Incorrect operand type for operator or function; "
        "operator or function: begins_with, operand type: N",
    ),
    (
        {
            "ConditionExpression": "n BETWEEN :hi AND :lo",
            "ExpressionAttributeValues": {":lo": num("1"), ":hi": num("2")},
        },
        "Invalid ConditionExpression: The BETWEEN operator requires upper bound to be greater "
        "than or equal to lower bound; lower bound operand: AttributeValue: {N:2}, upper bound "
        "operand: AttributeValue: {N:1}",
    ),
    (
        {
            "ConditionExpression": "n BETWEEN :lo AND :hi",
            "ExpressionAttributeValues": {":lo": num("1"), ":hi": text("2")},
        },
        "Invalid ConditionExpression: The BETWEEN operator requires same data type for lower "
        "and upper bounds; lower bound operand: AttributeValue: {N:1}, upper bound operand: "
        "AttributeValue: {S:2}",
    ),
    (
        {
            "ConditionExpression": "n IN (" + ", ".join([":v"] * 101) + ")",
            "ExpressionAttributeValues": {":v": num("1")},
        },
        "Invalid ConditionExpression: The IN operator is provided with too many operands; "
        "number of operands: 101",
    ),
    (
        {"ConditionExpression": ""},
        "Invalid ConditionExpression: The expression can not be empty;",
    ),
]


@pytest.mark.parametrize(("members", "message"), CONDITION_ERRORS)
def test_condition_expression_errors(
    dynamodb: Any, table: str, members: dict[str, Any], message: str
) -> None:
    item_key = {"pk": {"S": f"refused-{uuid.uuid4().hex[:8]}"}}
    assert error_of(dynamodb.put_item, TableName=table, Item=item_key, **members) == (
        "ValidationException",
        message,
    )
    assert stored(dynamodb, table, item_key) == {}


def test_condition_on_a_missing_item_sees_no_attributes(dynamodb: Any, table: str) -> None:
    item_key = {"pk": {"S": f"absent-{uuid.uuid4().hex[:8]}"}}
    assert (
        error_of(
            dynamodb.update_item,
            TableName=table,
            Key=item_key,
            UpdateExpression="SET a = :v",
            ConditionExpression="attribute_exists(pk)",
            ExpressionAttributeValues={":v": num("1")},
        )[0]
        == "ConditionalCheckFailedException"
    )
    assert stored(dynamodb, table, item_key) == {}


# --- UpdateExpression ---------------------------------------------------------------------


def update(
    dynamodb: Any, table: str, item_key: dict[str, Any], expression: str, **extra: Any
) -> Any:
    return dynamodb.update_item(
        TableName=table, Key=item_key, UpdateExpression=expression, ReturnValues="ALL_NEW", **extra
    )["Attributes"]


def test_set_arithmetic_reads_the_item_before_the_update(dynamodb: Any, table: str) -> None:
    item_key = fresh(dynamodb, table)
    new = update(
        dynamodb,
        table,
        item_key,
        "SET n = n + :five, below = n - :three, tally = doc.#c + scores[0]",
        ExpressionAttributeValues={":five": num("5"), ":three": num("3.5")},
        ExpressionAttributeNames={"#c": "qty"},
    )
    assert (new["n"], new["below"], new["tally"]) == (num("15"), num("6.5"), num("3"))
    assert stored(dynamodb, table, item_key) == new


def test_if_not_exists_and_list_append(dynamodb: Any, table: str) -> None:
    item_key = fresh(dynamodb, table)
    new = update(
        dynamodb,
        table,
        item_key,
        "SET n = if_not_exists(n, :zero), fresh = if_not_exists(fresh, :zero), "
        "scores = list_append(:front, scores), "
        "later = list_append(if_not_exists(later, :empty), :b)",
        ExpressionAttributeValues={
            ":zero": num("0"),
            ":front": {"L": [text("zero")]},
            ":empty": {"L": []},
            ":b": {"L": [{"BOOL": False}]},
        },
    )
    assert new["n"] == num("10")
    assert new["fresh"] == num("0")
    assert new["scores"]["L"] == [text("zero"), *ITEM["scores"]["L"]]
    assert new["later"] == {"L": [{"BOOL": False}]}


def test_nested_map_paths_and_list_indexes(dynamodb: Any, table: str) -> None:
    item_key = fresh(dynamodb, table)
    new = update(
        dynamodb,
        table,
        item_key,
        "SET doc.nested.deep = :y, doc.added = :y, scores[1] = :y, scores[2].three = :four, "
        "scores[99] = :tail",
        ExpressionAttributeValues={":y": text("y"), ":four": num("4"), ":tail": text("tail")},
    )
    assert new["doc"] == {
        "M": {"nested": {"M": {"deep": text("y")}}, "qty": num("2"), "added": text("y")}
    }
    # An index past the end appends (Developer Guide, "Adding elements to a list").
    assert new["scores"]["L"] == [num("1"), text("y"), {"M": {"three": num("4")}}, text("tail")]


def test_remove_attributes_nested_keys_and_list_elements(dynamodb: Any, table: str) -> None:
    item_key = fresh(dynamodb, table)
    new = update(dynamodb, table, item_key, "REMOVE s, doc.nested, scores[0], scores[2], nowhere")
    assert "s" not in new
    assert new["doc"] == {"M": {"qty": num("2")}}
    # Indexes name elements of the list before the update; the rest shift down.
    assert new["scores"] == {"L": [text("two")]}


def test_add_numbers_and_sets_delete_from_sets(dynamodb: Any, table: str) -> None:
    item_key = fresh(dynamodb, table)
    new = update(
        dynamodb,
        table,
        item_key,
        "ADD n :minus, tally2 :one, tags :more, nums :twos, letters :ab DELETE s2 :x",
        ExpressionAttributeValues={
            ":minus": num("-10.5"),
            ":one": num("1"),
            ":more": {"SS": ["red", "green"]},
            ":twos": {"NS": ["2", "22"]},
            ":ab": {"SS": ["a", "b"]},
            ":x": {"SS": ["x"]},
        },
    )
    assert new["n"] == num("-0.5")
    assert new["tally2"] == num("1")  # ADD to a ghost number starts from 0
    assert sorted(new["tags"]["SS"]) == ["blue", "green", "red"]
    assert sorted(new["nums"]["NS"], key=float) == ["1", "2", "22"]
    assert sorted(new["letters"]["SS"]) == ["a", "b"]
    assert "s2" not in new  # DELETE from a ghost set is no error
    emptied = update(
        dynamodb,
        table,
        item_key,
        "DELETE tags :all, letters :a",
        ExpressionAttributeValues={":all": {"SS": ["red", "green", "blue"]}, ":a": {"SS": ["a"]}},
    )
    assert "tags" not in emptied  # a set emptied by DELETE disappears
    assert emptied["letters"] == {"SS": ["b"]}


def test_all_four_clauses_in_one_update(dynamodb: Any, table: str) -> None:
    item_key = fresh(dynamodb, table)
    new = update(
        dynamodb,
        table,
        item_key,
        "REMOVE flag ADD n :one SET s = :s DELETE tags :red",
        ExpressionAttributeValues={":one": num("1"), ":s": text("set"), ":red": {"SS": ["red"]}},
    )
    assert "flag" not in new
    assert (new["n"], new["s"], new["tags"]) == (num("11"), text("set"), {"SS": ["blue"]})


# (expression, values, exact message): refused before the item is read.
UPDATE_ERRORS: list[tuple[str, dict[str, Any], str]] = [
    (
        "SET doc.nested = :v, doc.nested.deep = :v",
        {":v": num("1")},
        "Invalid UpdateExpression: Two document paths overlap with each other; must remove or "
        "rewrite one of these paths; path one: [doc, nested], path two: [doc, nested, deep]",
    ),
    (
        "SET n = :v REMOVE n",
        {":v": num("1")},
        "Invalid UpdateExpression: Two document paths overlap with each other; must remove or "
        "rewrite one of these paths; path one: [n], path two: [n]",
    ),
    (
        "SET scores[0] = :v, scores.x = :v",
        {":v": num("1")},
        "Invalid UpdateExpression: Two document paths conflict with each other; must remove or "
        "rewrite one of these paths; path one: [scores, [0]], path two: [scores, x]",
    ),
    (
        "SET n = :v SET s = :v",
        {":v": num("1")},
        'Invalid UpdateExpression: The "SET" section can only be used once in an update '
        "expression;",
    ),
    (
        "SET n = attribute_type(n, :t)",
        {":t": text("N")},
        "Invalid UpdateExpression: The function is not allowed in an update expression; "
        "function: attribute_type",
    ),
    (
        "SET n = :s + :s",
        {":s": text("1")},
        "Invalid UpdateExpression: Incorrect operand type for operator or function; operator "
        "or function: +, operand type: S",
    ),
    (
        "SET scores = list_append(scores, :s)",
        {":s": text("1")},
        "Invalid UpdateExpression: Incorrect operand type for operator or function; operator "
        "or function: list_append, operand type: S",
    ),
    (
        "ADD n :s",
        {":s": text("1")},
        "Invalid UpdateExpression: Incorrect operand type for operator or function; operator: "
        "ADD, operand type: STRING, typeSet: ALLOWED_FOR_ADD_OPERAND",
    ),
    (
        "DELETE tags :n",
        {":n": num("1")},
        "Invalid UpdateExpression: Incorrect operand type for operator or function; operator: "
        "DELETE, operand type: NUMBER, typeSet: ALLOWED_FOR_DELETE_OPERAND",
    ),
    (
        "SET n = n * :v",
        {":v": num("2")},
        'Invalid UpdateExpression: Syntax error; token: "*", near: "n * :v"',
    ),
    (
        "SET #name = :v",
        {":v": num("2")},
        "Invalid UpdateExpression: An expression attribute name used in the document path is "
        "not defined; attribute name: #name",
    ),
    (
        "SET name = :v",
        {":v": num("2")},
        "Invalid UpdateExpression: Attribute name is a reserved keyword; reserved keyword: name",
    ),
    (
        "REMOVE pk",
        {},
        "One or more parameter values were invalid: Cannot update attribute pk. This attribute "
        "is part of the key",
    ),
]


@pytest.mark.parametrize(("expression", "values", "message"), UPDATE_ERRORS)
def test_update_expression_errors_leave_the_item_alone(
    dynamodb: Any, table: str, expression: str, values: dict[str, Any], message: str
) -> None:
    item_key = fresh(dynamodb, table)
    request: dict[str, Any] = {"TableName": table, "Key": item_key, "UpdateExpression": expression}
    if values:
        request["ExpressionAttributeValues"] = values
    assert error_of(dynamodb.update_item, **request) == ("ValidationException", message)
    assert stored(dynamodb, table, item_key) == {**item_key, **ITEM}


# (expression, values): valid expressions that fail against this item's data, after a
# harmless SET that must not be applied either.
RUNTIME_TYPE_ERRORS: list[tuple[str, dict[str, Any]]] = [
    ("SET touched = :t, n = s + :t", {":t": num("1")}),
    ("SET touched = :t, scores = list_append(s, :l)", {":t": num("1"), ":l": {"L": []}}),
    ("SET touched = :t ADD s :t", {":t": num("1")}),
    ("SET touched = :t ADD tags :nums", {":t": num("1"), ":nums": {"NS": ["1"]}}),
    ("SET touched = :t DELETE tags :nums", {":t": num("1"), ":nums": {"NS": ["1"]}}),
]


@pytest.mark.parametrize(("expression", "values"), RUNTIME_TYPE_ERRORS)
def test_operands_of_the_wrong_type_at_run_time(
    dynamodb: Any, table: str, expression: str, values: dict[str, Any]
) -> None:
    item_key = fresh(dynamodb, table)
    assert error_of(
        dynamodb.update_item,
        TableName=table,
        Key=item_key,
        UpdateExpression=expression,
        ExpressionAttributeValues=values,
    ) == ("ValidationException", "An operand in the update expression has an incorrect data type")
    assert stored(dynamodb, table, item_key) == {**item_key, **ITEM}  # nothing half-written


@pytest.mark.parametrize(
    "expression", ["SET ghost.x = :v", "SET s[0] = :v", "SET doc.absent.deeper = :v"]
)
def test_paths_through_missing_or_scalar_attributes(
    dynamodb: Any, table: str, expression: str
) -> None:
    item_key = fresh(dynamodb, table)
    assert error_of(
        dynamodb.update_item,
        TableName=table,
        Key=item_key,
        UpdateExpression=expression,
        ExpressionAttributeValues={":v": num("1")},
    ) == (
        "ValidationException",
        "The document path provided in the update expression is invalid for update",
    )
    assert stored(dynamodb, table, item_key) == {**item_key, **ITEM}


# --- ProjectionExpression -----------------------------------------------------------------


def test_projection_of_nested_paths(dynamodb: Any, table: str, key: dict[str, Any]) -> None:
    got = dynamodb.get_item(
        TableName=table,
        Key=key,
        ProjectionExpression="doc.nested.deep, scores[2].three, scores[0], #st, tags, absent",
        ExpressionAttributeNames={"#st": "status"},
    )["Item"]
    assert got == {
        "doc": {"M": {"nested": {"M": {"deep": text("x")}}}},
        "scores": {"L": [num("1"), {"M": {"three": num("3")}}]},
        "status": text("active"),
        "tags": ITEM["tags"],
    }


def test_projection_errors(dynamodb: Any, table: str, key: dict[str, Any]) -> None:
    assert error_of(
        dynamodb.get_item, TableName=table, Key=key, ProjectionExpression="s, status"
    ) == (
        "ValidationException",
        "Invalid ProjectionExpression: Attribute name is a reserved keyword; reserved keyword: "
        "status",
    )
    assert error_of(
        dynamodb.get_item,
        TableName=table,
        Key=key,
        ProjectionExpression="doc.nested, doc.nested.deep",
    ) == (
        "ValidationException",
        "Invalid ProjectionExpression: Two document paths overlap with each other; must remove "
        "or rewrite one of these paths; path one: [doc, nested], path two: [doc, nested, deep]",
    )
    assert error_of(
        dynamodb.get_item,
        TableName=table,
        Key=key,
        ProjectionExpression="s, #st",
        ExpressionAttributeNames={"#st": "status", "#spare": "n"},
    ) == (
        "ValidationException",
        "Value provided in ExpressionAttributeNames unused in expressions: keys: {#spare}",
    )


# --- the AWS CLI --------------------------------------------------------------------------


def aws(server: ServerProcess, *args: str) -> subprocess.CompletedProcess[str]:
    cli = os.path.join(os.path.dirname(sys.executable), "aws")
    return subprocess.run(
        [cli, "dynamodb", *args, "--endpoint-url", server.endpoint, "--output", "json"],
        env=aws_cli_env(server),
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_aws_cli_expressions(server: ServerProcess, table: str) -> None:
    item_key = json.dumps({"pk": {"S": f"cli-{uuid.uuid4().hex[:8]}"}})
    put = aws(
        server,
        "put-item",
        "--table-name", table,
        "--item", json.dumps({**json.loads(item_key), "score": {"N": "1.50"}}),
        "--condition-expression", "attribute_not_exists(pk)",
    )  # fmt: skip
    assert put.returncode == 0, put.stderr
    updated = aws(
        server,
        "update-item",
        "--table-name", table,
        "--key", item_key,
        "--update-expression", "SET score = score + :d, #st = :s ADD plays :one",
        "--condition-expression", "score < :limit",
        "--expression-attribute-names", json.dumps({"#st": "status"}),
        "--expression-attribute-values", json.dumps(
            {":d": {"N": "0.25"}, ":s": {"S": "won"}, ":one": {"N": "1"}, ":limit": {"N": "2"}}
        ),
        "--return-values", "UPDATED_NEW",
    )  # fmt: skip
    assert updated.returncode == 0, updated.stderr
    assert json.loads(updated.stdout)["Attributes"] == {
        "score": {"N": "1.75"},
        "status": {"S": "won"},
        "plays": {"N": "1"},
    }
    got = aws(
        server,
        "get-item",
        "--table-name", table,
        "--key", item_key,
        "--projection-expression", "score, plays",
        "--consistent-read",
    )  # fmt: skip
    assert got.returncode == 0, got.stderr
    assert json.loads(got.stdout)["Item"] == {"score": {"N": "1.75"}, "plays": {"N": "1"}}
    refused = aws(
        server,
        "update-item",
        "--table-name", table,
        "--key", item_key,
        "--update-expression", "SET score = :v REMOVE score",
        "--expression-attribute-values", json.dumps({":v": {"N": "0"}}),
    )  # fmt: skip
    assert refused.returncode != 0
    assert (
        "An error occurred (ValidationException) when calling the UpdateItem operation: "
        "Invalid UpdateExpression: Two document paths overlap with each other; must remove or "
        "rewrite one of these paths; path one: [score], path two: [score]" in refused.stderr
    )
