"""Key conditions on a global index with a multi-attribute key (Developer Guide, "Using
Global Secondary Indexes", multi-attribute key schema): every partition-key attribute with
`=`, sort-key attributes left to right with no gap, equalities on a prefix of them and at
most the last one named with a range condition; clauses in any order.

The RANGE messages are AWS's as recorded against the service by public test suites
("RANGE key attributes b must have equality conditions specified in the query because a
condition is present on key attribute c")."""

import re
from typing import Any

import pytest
from tests.unit.expr.helpers import compiled, n, s

from dynafed.dynamodb.expr import (
    KeyCondition,
    KeySchema,
    bind_key_condition,
    key_clauses_from_legacy,
)
from dynafed.errors import ValidationException

TWO_BY_TWO = KeySchema("h1", "S", "r1", "S", (("h2", "N"),), (("r2", "S"),))
ONE_BY_THREE = KeySchema("h", "S", "a", "S", (), (("b", "N"), ("c", "S")))
TWO_HASH_ONLY = KeySchema("h1", "S", extra_partition=(("h2", "N"),))

VALUES: dict[str, dict[str, str]] = {
    ":h1": s("acme"), ":h2": n("7"), ":r1": s("x"), ":r2": s("y"), ":lo": s("a"), ":hi": s("m"),
    ":h": s("o1"), ":a": s("T"), ":b": n("3"), ":c": s("c"), ":bad": n("1"),
}  # fmt: skip


def bind(text: str, schema: KeySchema = TWO_BY_TWO) -> KeyCondition:
    placeholders = set(re.findall(r":\w+", text))
    used = {name: value for name, value in VALUES.items() if name in placeholders}
    result = compiled(KeyConditionExpression=text, ExpressionAttributeValues=used)
    assert result.key_clauses is not None
    return bind_key_condition(result.key_clauses, schema)


def bind_error(text: str, schema: KeySchema = TWO_BY_TWO) -> str:
    with pytest.raises(ValidationException) as caught:
        bind(text, schema)
    return caught.value.message


def test_full_partition_alone_reads_the_whole_partition() -> None:
    condition = bind("h2 = :h2 AND h1 = :h1")
    assert condition.partition == (("h1", s("acme")), ("h2", n("7")))
    assert condition.sort is None and condition.sort_prefix == ()


def test_sort_prefix_equalities_then_a_range_on_the_last_named_attribute() -> None:
    condition = bind("h1 = :h1 AND r2 BETWEEN :lo AND :hi AND h2 = :h2 AND r1 = :r1")
    assert condition.sort_prefix == (("r1", s("x")),)
    assert condition.sort is not None
    assert (condition.sort.key, condition.sort.op) == ("r2", "BETWEEN")


def test_equality_on_every_sort_attribute() -> None:
    condition = bind("h1 = :h1 AND h2 = :h2 AND r1 = :r1 AND r2 = :r2")
    assert condition.sort_prefix == (("r1", s("x")),)
    assert condition.sort is not None and (condition.sort.key, condition.sort.op) == ("r2", "EQ")


def test_range_on_the_first_sort_attribute() -> None:
    condition = bind("h1 = :h1 AND h2 = :h2 AND begins_with(r1, :lo)")
    assert condition.sort is not None and condition.sort.op == "BEGINS_WITH"
    assert condition.sort_prefix == ()


def test_matches_checks_every_key_attribute() -> None:
    condition = bind("h1 = :h1 AND h2 = :h2 AND r1 = :r1 AND r2 > :lo")
    item = {"h1": s("acme"), "h2": n("7.0"), "r1": s("x"), "r2": s("b")}
    assert condition.matches(item)
    assert not condition.matches({**item, "h2": n("8")})
    assert not condition.matches({**item, "r1": s("z")})
    assert not condition.matches({**item, "r2": s("a")})


@pytest.mark.parametrize(
    ("text", "schema", "message"),
    [
        # A partition-key attribute missing, or without `=`.
        ("h1 = :h1", TWO_BY_TWO, "HASH key attributes h2 must have equality conditions "
         "specified in the query"),
        ("h1 = :h1 AND h2 > :h2", TWO_BY_TWO, "HASH key attributes h2 must have equality "
         "conditions specified in the query"),
        ("r1 = :r1 AND r2 = :r2", TWO_BY_TWO, "HASH key attributes h1 must have equality "
         "conditions specified in the query"),
        # A single-attribute partition key keeps the messages of any key.
        ("a = :a", ONE_BY_THREE, "Query condition missed key schema element: h"),
        ("h > :h", ONE_BY_THREE, "Query key condition not supported"),
        # A gap before a sort-key attribute, or a range condition before the last one.
        ("h1 = :h1 AND h2 = :h2 AND r2 = :r2", TWO_BY_TWO, "RANGE key attributes r1 must "
         "have equality conditions specified in the query because a condition is present on "
         "key attribute r2"),
        ("h = :h AND a = :a AND c = :c", ONE_BY_THREE, "RANGE key attributes b must have "
         "equality conditions specified in the query because a condition is present on key "
         "attribute c"),
        ("h = :h AND a = :a AND b > :b AND c = :c", ONE_BY_THREE, "RANGE key attributes b "
         "must have equality conditions specified in the query because a condition is present "
         "on key attribute c"),
        ("h = :h AND b = :b", ONE_BY_THREE, "RANGE key attributes a must have equality "
         "conditions specified in the query because a condition is present on key attribute b"),
        # A condition on an attribute outside the key.
        ("h1 = :h1 AND h2 = :h2 AND x = :r1", TWO_BY_TWO,
         "Query condition missed key schema element: r1"),
        ("h1 = :h1 AND h2 = :h2 AND x = :r1", TWO_HASH_ONLY, "Query key condition not supported"),
        # Values of another type than the attribute's definition.
        ("h1 = :bad AND h2 = :h2", TWO_BY_TWO,
         "One or more parameter values were invalid: Condition parameter type does not match "
         "schema type"),
        ("h1 = :h1 AND h2 = :h2 AND r1 = :bad", TWO_BY_TWO,
         "One or more parameter values were invalid: Condition parameter type does not match "
         "schema type"),
    ],
)  # fmt: skip
def test_rule_violations(text: str, schema: KeySchema, message: str) -> None:
    assert bind_error(text, schema) == message


def test_legacy_key_conditions_follow_the_same_rules() -> None:
    def legacy(**conditions: tuple[str, list[dict[str, Any]]]) -> KeyCondition:
        specs = {
            name: {"ComparisonOperator": op, "AttributeValueList": values}
            for name, (op, values) in conditions.items()
        }
        return bind_key_condition(key_clauses_from_legacy(specs), TWO_BY_TWO)

    condition = legacy(h1=("EQ", [s("acme")]), h2=("EQ", [n("7")]), r1=("GT", [s("a")]))
    assert condition.sort is not None and condition.sort.op == "GT"
    with pytest.raises(ValidationException) as caught:
        legacy(h1=("EQ", [s("acme")]), h2=("EQ", [n("7")]), r2=("GT", [s("a")]))
    assert caught.value.message.startswith("RANGE key attributes r1 must have equality")
