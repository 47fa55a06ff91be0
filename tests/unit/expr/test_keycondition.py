"""Query key conditions: the shape of a KeyConditionExpression, then the key schema
(Developer Guide "Query operations: key condition expressions"). Messages are DynamoDB's,
from dynalite's and ExtendDB's suites run against the service.
"""

from typing import Any

import pytest
from tests.unit.expr.helpers import compiled, error, n, s

from dynafed.dynamodb.expr import KeySchema, bind_key_condition, key_clauses_from_legacy
from dynafed.errors import ValidationException

COMPOSITE = KeySchema("pk", "S", "sk", "N")
HASH_ONLY = KeySchema("pk", "S")


def bind(text: str, schema: KeySchema = COMPOSITE, **values: dict[str, Any]):  # type: ignore[no-untyped-def]
    eav = {f":{key}": value for key, value in values.items()}
    result = compiled(KeyConditionExpression=text, ExpressionAttributeValues=eav)
    assert result.key_clauses is not None
    return bind_key_condition(result.key_clauses, schema)


def bind_error(text: str, schema: KeySchema = COMPOSITE, **values: dict[str, Any]) -> str:
    with pytest.raises(ValidationException) as caught:
        bind(text, schema, **values)
    return caught.value.message


def test_partition_and_sort_conditions() -> None:
    condition = bind("pk = :p AND sk BETWEEN :lo AND :hi", p=s("a"), lo=n("1"), hi=n("9"))
    assert condition.partition_value == s("a")
    assert condition.sort is not None and condition.sort.op == "BETWEEN"
    assert condition.matches({"pk": s("a"), "sk": n("5")})
    assert not condition.matches({"pk": s("a"), "sk": n("10")})
    assert not condition.matches({"pk": s("b"), "sk": n("5")})


@pytest.mark.parametrize(
    ("text", "op", "inside", "outside"),
    [
        ("sk = :v", "EQ", "5", "6"),
        ("sk < :v", "LT", "4", "5"),
        ("sk <= :v", "LE", "5", "6"),
        ("sk > :v", "GT", "6", "5"),
        ("sk >= :v", "GE", "5", "4"),
        (":v > sk", "LT", "4", "5"),  # a value first mirrors the operator
        (":v <= sk", "GE", "5", "4"),
    ],
)
def test_sort_key_comparisons(text: str, op: str, inside: str, outside: str) -> None:
    condition = bind(f"pk = :p AND {text}", p=s("a"), v=n("5"))
    assert condition.sort is not None and condition.sort.op == op
    assert condition.sort.matches(n(inside)) and not condition.sort.matches(n(outside))


def test_begins_with_on_a_string_sort_key() -> None:
    condition = bind(
        "begins_with(sk, :pre) AND pk = :p", KeySchema("pk", "S", "sk", "S"), p=s("a"), pre=s("ab")
    )
    assert condition.sort is not None and condition.sort.op == "BEGINS_WITH"
    assert condition.sort.matches(s("abc")) and not condition.sort.matches(s("b"))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("pk = :p OR sk = :v", "Invalid operator used in KeyConditionExpression: OR"),
        ("NOT pk = :p", "Invalid operator used in KeyConditionExpression: NOT"),
        ("pk IN (:p, :v)", "Invalid operator used in KeyConditionExpression: IN"),
        ("pk <> :p", "Invalid operator used in KeyConditionExpression: <>"),
        (
            "pk = :p AND attribute_exists(sk)",
            "Invalid operator used in KeyConditionExpression: attribute_exists",
        ),
        (
            "pk = :p AND contains(sk, :v)",
            "Invalid operator used in KeyConditionExpression: contains",
        ),
        (
            "pk = :p AND :v BETWEEN sk AND :v",
            "Invalid condition in KeyConditionExpression: BETWEEN operator must have the key "
            "attribute as its first operand",
        ),
        (
            "pk = sk",
            "Invalid condition in KeyConditionExpression: Multiple attribute names used "
            "in one condition",
        ),
        (":p = :v", "Invalid condition in KeyConditionExpression: No key attribute specified"),
        (
            "pk = :p AND pk = :p",
            "Invalid KeyConditionExpression: KeyConditionExpressions must only contain one "
            "condition per key",
        ),
        (
            "pk = :p AND sk.foo = :v",
            "Invalid KeyConditionExpression: KeyConditionExpressions cannot have conditions on "
            "nested attributes",
        ),
        (
            "pk.foo > :v",
            "Invalid KeyConditionExpression: KeyConditionExpressions cannot have "
            "conditions on nested attributes",
        ),
        (
            "pk = :p AND size(sk) = :v",
            "Invalid KeyConditionExpression: KeyConditionExpressions cannot contain nested "
            "operations",
        ),
    ],
)
def test_shape_errors(text: str, message: str) -> None:
    values = {key: s("x") for key in (":p", ":v") if key in text}
    assert error(KeyConditionExpression=text, ExpressionAttributeValues=values or None) == message


@pytest.mark.parametrize(
    ("text", "schema", "message"),
    [
        ("foo = :p", COMPOSITE, "Query condition missed key schema element: pk"),
        ("pk = :p AND foo = :v", COMPOSITE, "Query condition missed key schema element: sk"),
        ("pk = :p AND sk = :v", HASH_ONLY, "Query key condition not supported"),
        ("pk > :p", COMPOSITE, "Query key condition not supported"),
        (
            "pk = :v",
            COMPOSITE,
            "One or more parameter values were invalid: Condition parameter type does not match "
            "schema type",
        ),
        ("pk = :p AND sk = :v AND c = :v", COMPOSITE, "Conditions can be of length 1 or 2 only"),
    ],
)
def test_schema_errors(text: str, schema: KeySchema, message: str) -> None:
    values = {key: value for key, value in {"p": s("a"), "v": n("1")}.items() if f":{key}" in text}
    assert bind_error(text, schema, **values) == message


def test_legacy_key_conditions_share_the_schema_checks() -> None:
    clauses = key_clauses_from_legacy(
        {
            "pk": {"ComparisonOperator": "EQ", "AttributeValueList": [s("a")]},
            "sk": {"ComparisonOperator": "GE", "AttributeValueList": [n("2")]},
        }
    )
    condition = bind_key_condition(clauses, COMPOSITE)
    assert condition.sort is not None and condition.sort.matches(n("2"))
    contains = key_clauses_from_legacy(
        {
            "pk": {"ComparisonOperator": "EQ", "AttributeValueList": [s("a")]},
            "sk": {"ComparisonOperator": "CONTAINS", "AttributeValueList": [n("2")]},
        }
    )
    with pytest.raises(ValidationException) as caught:
        bind_key_condition(contains, COMPOSITE)
    assert caught.value.message == "Attempted conditional constraint is not an indexable operation"
