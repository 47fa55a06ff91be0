"""Projection of items ("Projection expressions"); list elements compacted in index order,
as captured from DynamoDB (ExtendDB's suite)."""

from typing import Any

from tests.unit.expr.helpers import compiled, s

ITEM: dict[str, Any] = {
    "pk": s("p1"),
    "mylist": {"L": [s("zero"), s("one"), s("two"), s("three")]},
    "listOfMaps": {"L": [{"M": {"val": s(f"a{i}"), "x": s(f"x{i}")}} for i in range(3)]},
    "listWithNull": {"L": [s("keep0"), {"NULL": True}, s("keep2")]},
    "deep": {"M": {"l1": {"M": {"l2": {"M": {"l3": s("bottom"), "sib": s("s")}}}}}},
    "nestedList": {"L": [{"M": {"inner": {"L": [s("i0"), s("i1")]}}}]},
}


def project(text: str, **names: str) -> dict[str, Any]:
    projection = compiled(
        ProjectionExpression=text,
        ExpressionAttributeNames={f"#{k}": v for k, v in names.items()} or None,
    ).projection
    assert projection is not None
    return projection.apply(ITEM)


def test_list_elements_are_compacted_in_index_order() -> None:
    assert project("mylist[0], mylist[2]") == {"mylist": {"L": [s("zero"), s("two")]}}
    assert project("mylist[2], mylist[0]") == {"mylist": {"L": [s("zero"), s("two")]}}
    assert project("mylist[1], mylist[3]") == {"mylist": {"L": [s("one"), s("three")]}}


def test_only_projected_parts_of_nested_values_are_kept() -> None:
    assert project("listOfMaps[0].val, listOfMaps[2].val") == {
        "listOfMaps": {"L": [{"M": {"val": s("a0")}}, {"M": {"val": s("a2")}}]}
    }
    assert project("deep.l1.l2.l3") == {
        "deep": {"M": {"l1": {"M": {"l2": {"M": {"l3": s("bottom")}}}}}}
    }
    assert project("nestedList[0].#i[1]", i="inner") == {
        "nestedList": {"L": [{"M": {"inner": {"L": [s("i1")]}}}]}
    }


def test_null_elements_are_kept_only_when_projected() -> None:
    assert project("listWithNull") == {"listWithNull": ITEM["listWithNull"]}
    assert project("listWithNull[1]") == {"listWithNull": {"L": [{"NULL": True}]}}
    assert project("listWithNull[0], listWithNull[2]") == {
        "listWithNull": {"L": [s("keep0"), s("keep2")]}
    }


def test_paths_that_do_not_resolve_contribute_nothing() -> None:
    assert project("absent, mylist[9], deep.nope, pk.x") == {}
    assert project("deep[0], mylist.x") == {}
    assert project("pk, absent") == {"pk": s("p1")}
