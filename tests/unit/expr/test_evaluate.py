"""Condition evaluation semantics ("Comparison operator and function reference"): types
that differ compare false rather than erroring, absent attributes, functions, precedence.
Behaviours marked "captured" were observed on DynamoDB.
"""

from typing import Any

import pytest
from tests.unit.expr.helpers import compiled, n, s

ITEM: dict[str, Any] = {
    "pk": s("p1"),
    "n": n("5"),
    "flag": {"BOOL": True},
    "nothing": {"NULL": True},
    "greeting": s("hello world"),
    "emoji": s("é𝄞"),
    "bin": {"B": "AAEC"},  # 00 01 02
    "tags": {"SS": ["red", "blue"]},
    "nums": {"NS": ["1", "2.5"]},
    "bins": {"BS": ["AAE="]},
    "things": {"L": [s("a"), n("1"), {"M": {"x": n("2")}}]},
    "doc": {"M": {"nested": {"M": {"deep": s("bottom")}}, "count": n("3")}},
}


def holds(greeting: str, item: dict[str, Any] | None = ITEM, **values: dict[str, Any]) -> bool:
    eav = {f":{key}": value for key, value in values.items()}
    condition = compiled(
        ConditionExpression=greeting, ExpressionAttributeValues=eav or None
    ).condition
    assert condition is not None
    return condition.evaluate(item)


@pytest.mark.parametrize(
    ("greeting", "values", "expected"),
    [
        ("n = :v", {"v": n("5.0")}, True),
        ("n = :v", {"v": s("5")}, False),
        ("n <> :v", {"v": s("5")}, True),
        ("n < :v", {"v": n("10")}, True),
        ("n < :v", {"v": s("10")}, False),  # different types: false, not an error
        ("flag > :v", {"v": n("0")}, False),  # captured: a BOOL path compares false
        ("absent > :v", {"v": n("0")}, False),
        ("absent = :v", {"v": n("0")}, False),
        ("absent <> :v", {"v": n("0")}, True),
        ("n BETWEEN :lo AND :hi", {"lo": n("5"), "hi": n("6")}, True),
        ("n BETWEEN :lo AND :hi", {"lo": n("5.5"), "hi": n("6")}, False),
        ("greeting BETWEEN :lo AND :hi", {"lo": s("a"), "hi": s("i")}, True),
        ("n IN (:a, :b)", {"a": s("5"), "b": n("5")}, True),
        ("n IN (:a, :b)", {"a": s("5"), "b": n("6")}, False),
        ("tags = :v", {"v": {"SS": ["blue", "red"]}}, True),
        ("nums = :v", {"v": {"NS": ["2.50", "1"]}}, True),
        ("things = :v", {"v": {"L": [s("a"), n("1.0"), {"M": {"x": n("2")}}]}}, True),
        ("doc.nested.deep = :v", {"v": s("bottom")}, True),
        ("things[2].x = :v", {"v": n("2")}, True),
        ("things[3] = :v", {"v": n("2")}, False),
        ("greeting.x = :v", {"v": n("2")}, False),
        ("doc[0] = :v", {"v": n("2")}, False),
        ("nothing = :v", {"v": {"NULL": True}}, True),
        ("flag = :v", {"v": {"BOOL": True}}, True),
    ],
)
def test_comparisons(greeting: str, values: dict[str, Any], expected: bool) -> None:
    assert holds(greeting, **values) is expected


@pytest.mark.parametrize(
    ("greeting", "values", "expected"),
    [
        ("attribute_exists(doc.nested)", {}, True),
        ("attribute_exists(doc.nope)", {}, False),
        ("attribute_not_exists(things[5])", {}, True),
        ("attribute_type(nums, :t)", {"t": s("NS")}, True),
        ("attribute_type(nums, :t)", {"t": s("SS")}, False),
        ("attribute_type(absent, :t)", {"t": s("S")}, False),
        ("begins_with(greeting, :p)", {"p": s("hello")}, True),
        ("begins_with(greeting, :p)", {"p": s("world")}, False),
        ("begins_with(bin, :p)", {"p": {"B": "AAE="}}, True),
        ("begins_with(greeting, :p)", {"p": {"B": "aGVs"}}, False),
        ("contains(greeting, :p)", {"p": s("o w")}, True),
        ("contains(bin, :p)", {"p": {"B": "AQI="}}, True),
        ("contains(tags, :p)", {"p": s("red")}, True),
        ("contains(tags, :p)", {"p": s("re")}, False),
        ("contains(nums, :p)", {"p": n("2.50")}, True),
        ("contains(bins, :p)", {"p": {"B": "AAE="}}, True),
        ("contains(things, :p)", {"p": n("1")}, True),
        ("contains(things, :p)", {"p": {"M": {"x": n("2")}}}, True),
        ("contains(n, :p)", {"p": n("5")}, False),
        ("contains(absent, :p)", {"p": s("a")}, False),
        ("size(greeting) = :v", {"v": n("11")}, True),
        # captured: size() counts UTF-16 code units, so "é𝄞" has size 3
        ("size(emoji) = :v", {"v": n("3")}, True),
        ("size(bin) = :v", {"v": n("3")}, True),
        ("size(tags) = :v", {"v": n("2")}, True),
        ("size(things) = :v", {"v": n("3")}, True),
        ("size(doc) = :v", {"v": n("2")}, True),
        # captured: size() of a number, boolean or null has no value
        ("size(n) > :v", {"v": n("0")}, False),
        ("size(n) <> :v", {"v": n("0")}, True),
        ("size(flag) = :v", {"v": n("1")}, False),
        ("size(:s) = :v", {"s": s("abc"), "v": n("3")}, True),
    ],
)
def test_functions(greeting: str, values: dict[str, Any], expected: bool) -> None:
    assert holds(greeting, **values) is expected


@pytest.mark.parametrize(
    ("greeting", "expected"),
    [
        ("n = :five OR n = :six AND n = :six", True),  # AND binds tighter than OR
        ("(n = :five OR n = :six) AND n = :six", False),
        ("NOT n = :six AND n = :five", True),  # NOT binds tighter than AND
        ("NOT (n = :six OR n = :five)", False),
        ("NOT NOT n = :five AND n <> :six", True),
    ],
)
def test_precedence(greeting: str, expected: bool) -> None:
    assert holds(greeting, five=n("5"), six=n("6")) is expected


def test_a_missing_item_has_no_attributes() -> None:
    assert holds("attribute_not_exists(pk)", None) is True
    assert holds("attribute_exists(pk)", None) is False
    assert holds("pk <> :v", None, v=s("x")) is True


def test_condition_reports_the_top_level_attributes_it_reads() -> None:
    condition = compiled(
        ConditionExpression="#m.nested = :v AND size(things[0]) > :v OR attribute_exists(z)",
        ExpressionAttributeNames={"#m": "doc"},
        ExpressionAttributeValues={":v": n("1")},
    ).condition
    assert condition is not None
    assert condition.attribute_names == {"doc", "things", "z"}
