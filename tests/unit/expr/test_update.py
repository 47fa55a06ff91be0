"""Applying update expressions ("Update expressions" in the Developer Guide), with the
runtime errors DynamoDB returns. Expected results were captured from DynamoDB by dynalite's
suite where noted.
"""

from typing import Any

import pytest
from tests.unit.expr.helpers import compiled, n, s

from dynafed.errors import ValidationException

KEY = {"pk": s("k")}


def update(text: str, item: dict[str, Any], **values: dict[str, Any]) -> dict[str, Any]:
    eav = {f":{key}": value for key, value in values.items()}
    compiled_update = compiled(UpdateExpression=text, ExpressionAttributeValues=eav or None).update
    assert compiled_update is not None
    return compiled_update.apply(item)


def update_error(text: str, item: dict[str, Any], **values: dict[str, Any]) -> str:
    with pytest.raises(ValidationException) as caught:
        update(text, item, **values)
    return caught.value.message


def test_nested_update_captured_from_dynamodb() -> None:
    item = {
        **KEY,
        "b": {"M": {"a": n("1"), "b": n("2"), "c": n("3")}},
        "c": {"L": [n("1"), n("3")]},
    }
    text = (
        "set b.c=((c[1])+(b.a)),b.a = pk,c[1] = pk, c[4] = b.a - b.b, c[2] = b.c "
        "add c[8] :b, c[6] :a"
    )
    compiled_update = compiled(
        UpdateExpression=text, ExpressionAttributeValues={":a": n("2"), ":b": {"SS": ["a"]}}
    ).update
    assert compiled_update is not None
    new = compiled_update.apply(item)
    # Every value comes from the item before the update; appends land in index order.
    assert new == {
        **KEY,
        "b": {"M": {"a": s("k"), "b": n("2"), "c": n("4")}},
        "c": {"L": [n("1"), s("k"), n("3"), n("-1"), n("2"), {"SS": ["a"]}]},
    }
    assert compiled_update.updated_attributes(new) == {
        "b": {"M": {"a": s("k"), "c": n("4")}},
        "c": {"L": [s("k"), n("3"), n("2")]},
    }
    assert item["c"] == {"L": [n("1"), n("3")]}, "the input item is not modified"


def test_set_reads_the_item_before_the_update() -> None:
    assert update("SET a = :v, b = a", {**KEY, "a": s("OLD")}, v=s("NEW")) == {
        **KEY,
        "a": s("NEW"),
        "b": s("OLD"),
    }


def test_arithmetic_and_if_not_exists() -> None:
    item = {**KEY, "c": n("10")}
    assert update("SET c = (c - :v)", item, v=n("3"))["c"] == n("7")
    assert update("SET d = if_not_exists(d, :z) + :one", item, z=n("0"), one=n("1"))["d"] == n("1")
    assert update("SET c = if_not_exists(c, :z)", item, z=n("0"))["c"] == n("10")
    assert update("SET c = c + :v", item, v=n("0.1"))["c"] == n("10.1")


def test_list_append_and_list_elements() -> None:
    item = {**KEY, "l": {"L": [n(str(i)) for i in range(5)]}}
    assert update("SET l = list_append(:h, l)", item, h={"L": [s("x")]})["l"]["L"][:2] == [
        s("x"),
        n("0"),
    ]
    # REMOVE uses original indexes; SET past the end appends.
    assert update("REMOVE l[1], l[2] SET l[0] = :x, l[9] = :y", item, x=s("X"), y=s("Y"))["l"] == {
        "L": [s("X"), n("3"), n("4"), s("Y")]
    }
    assert update("REMOVE l[7]", item)["l"] == item["l"]


def test_add_creates_numbers_and_sets_and_merges_sets() -> None:
    item = {**KEY, "n": n("0.2"), "t": {"SS": ["a", "b"]}}
    new = update(
        "ADD n :n, t :t, m :m, s :s",
        item,
        n=n("0.1"),
        t={"SS": ["b", "c"]},
        m=n("5"),
        s={"NS": ["1"]},
    )
    assert new["n"] == n("0.3")
    assert sorted(new["t"]["SS"]) == ["a", "b", "c"]
    assert new["m"] == n("5")
    assert new["s"] == {"NS": ["1"]}


def test_delete_removes_members_and_an_emptied_set() -> None:
    item = {**KEY, "ns": {"NS": ["1", "2", "3"]}, "ss": {"SS": ["a"]}}
    new = update("DELETE ns :d, ss :e, gone :e", item, d={"NS": ["1.0", "4"]}, e={"SS": ["a"]})
    assert sorted(new["ns"]["NS"]) == ["2", "3"]
    assert "ss" not in new and "gone" not in new


def test_remove_of_something_absent_does_nothing() -> None:
    assert update("REMOVE a, m.x", {**KEY, "m": {"M": {}}}) == {**KEY, "m": {"M": {}}}


def test_reading_a_missing_attribute_is_an_error() -> None:
    message = "The provided expression refers to an attribute that does not exist in the item"
    assert update_error("set c = b", KEY) == message
    assert update_error("set e = list_append(b, c)", KEY) == message
    assert update_error("set e = b + :v", KEY, v=n("1")) == message
    # if_not_exists evaluates its default even when the attribute exists
    assert update_error("set a = if_not_exists(a, b)", {**KEY, "a": n("1")}) == message


@pytest.mark.parametrize(
    ("text", "values"),
    [
        ("delete d :a", {"a": {"SS": ["1"]}}),
        ("delete b :a", {"a": {"NS": ["1"]}}),
        ("delete b.a :a", {"a": {"NS": ["1"]}}),
        ("delete c :a", {"a": {"NS": ["1"]}}),
        ("add b :a", {"a": {"NS": ["1"]}}),
        ("add d :a", {"a": n("1")}),
        ("set e = pk + :a", {"a": n("1")}),
        ("set e = b - :a", {"a": n("1")}),
        ("set e = list_append(d, if_not_exists(f, :a))", {"a": {"L": []}}),
    ],
)
def test_wrong_data_types_are_errors(text: str, values: dict[str, Any]) -> None:
    item = {**KEY, "b": {"M": {"a": {"SS": ["1"]}}}, "c": n("1"), "d": {"NS": ["1"]}}
    assert update_error(text, item, **values) == (
        "An operand in the update expression has an incorrect data type"
    )


@pytest.mark.parametrize(
    "text",
    [
        "set b.a = :a",
        "set b[1] = :a",
        "set y.a = :a",
        "set y[1] = :a",
        "set c[1] = :a",
        "set d.#1 = :a",
        "remove b.a",
        "remove b[1]",
        "remove y.a",
        "remove c[1]",
        "remove d.#1",
        "delete y.a :a",
        "delete c[1] :a",
        "add y[1] :a",
        "add d.#1 :a",
    ],
)
def test_paths_through_missing_or_wrong_types_are_errors(text: str) -> None:
    # captured: b is a string, c a map, d a list, y missing
    item = {**KEY, "b": s("x"), "c": {"M": {"1": s("a")}}, "d": {"L": [s("a"), s("b")]}}
    params: dict[str, Any] = {"UpdateExpression": text}
    if ":a" in text:
        params["ExpressionAttributeValues"] = {":a": {"SS": ["a"]}}
    if "#1" in text:
        params["ExpressionAttributeNames"] = {"#1": "1"}
    compiled_update = compiled(**params).update
    assert compiled_update is not None
    with pytest.raises(ValidationException) as caught:
        compiled_update.apply(item)
    assert caught.value.message == (
        "The document path provided in the update expression is invalid for update"
    )


def test_arithmetic_overflow_is_refused() -> None:
    big = "9.9999999999999999999999999999999999999E+125"
    assert update_error("SET n = n + :v", {**KEY, "n": n(big)}, v=n("1E+125")) == (
        "Number overflow. Attempting to store a number with magnitude larger than supported range"
    )
    assert update_error("SET n = :a + :b", KEY, a=n("1E+30"), b=n("1E-30")) == (
        "Attempting to store more than 38 significant digits in a Number"
    )


def test_updates_report_their_attributes() -> None:
    compiled_update = compiled(
        UpdateExpression="SET a.b = c, #d = :v REMOVE e[0] ADD f :v",
        ExpressionAttributeNames={"#d": "d"},
        ExpressionAttributeValues={":v": n("1")},
    ).update
    assert compiled_update is not None
    assert compiled_update.modified_names == {"a", "d", "e", "f"}
    assert compiled_update.nested_names == {"a", "e"}
    assert compiled_update.attribute_names == {"a", "c", "d", "e", "f"}


def test_updated_old_projects_the_item_before_the_update() -> None:
    compiled_update = compiled(
        UpdateExpression="REMOVE b SET c = :v", ExpressionAttributeValues={":v": s("new")}
    ).update
    assert compiled_update is not None
    old = {**KEY, "b": s("old b"), "c": s("old c"), "d": s("kept")}
    new = compiled_update.apply(old)
    assert compiled_update.updated_attributes(old) == {"b": s("old b"), "c": s("old c")}
    assert compiled_update.updated_attributes(new) == {"c": s("new")}
