"""Global indexes with multi-attribute keys, the pure parts: the key schema's rules and its
stored form, where an item's entry lives, and the storage range of a key condition.

Order: a composite sort key orders entries by its attributes one after another, in
KeySchema order (Developer Guide, "Using Global Secondary Indexes", multi-attribute key
schema). The raw encodings of S and B values are not prefix-free (b"a" is a prefix of
b"ab"), so plain concatenation would not keep that order; `keys.encode_composite` escapes
and terminates each part, which does."""

from __future__ import annotations

import base64
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dynafed.dynamodb import indexes
from dynafed.dynamodb.control_plane import schema_rules
from dynafed.dynamodb.expr import KeyCondition, SortCondition
from dynafed.dynamodb.keys import encode_composite, encode_key_value
from dynafed.dynamodb.reads.targets import ReadTarget, key_range, partition_of
from dynafed.dynamodb.tables import Index, KeySchema, Projection, Table
from dynafed.errors import ValidationException
from dynafed.storage.bounds import sort_key_bounds, within

MULTI = Index("M", KeySchema("h1", "r1", ("h2",), ("r2",)), Projection("ALL"))
SINGLE = Index("S", KeySchema("h1", "r1"), Projection("ALL"))
TABLE = Table(
    name="T",
    table_id="t",
    arn="arn:aws:dynamodb:us-east-1:123456789012:table/T",
    created_at=0.0,
    attribute_types={"pk": "S", "h1": "S", "h2": "N", "r1": "B", "r2": "N"},
    key_schema=KeySchema("pk"),
    global_indexes=(MULTI, SINGLE),
)


def element(name: str, kind: str) -> dict[str, str]:
    return {"AttributeName": name, "KeyType": kind}


# --- key schema ----------------------------------------------------------------------------


def test_key_schema_keeps_the_order_it_was_given() -> None:
    wire = [
        element("a", "HASH"),
        element("b", "HASH"),
        element("c", "RANGE"),
        element("d", "RANGE"),
    ]
    schema = schema_rules.global_key_schema(wire)  # type: ignore[arg-type]
    assert (schema.hash_keys, schema.range_keys) == (("a", "b"), ("c", "d"))
    assert schema.names == ("a", "b", "c", "d")
    assert schema.to_wire() == wire


@pytest.mark.parametrize(
    ("kinds", "message"),
    [
        (["HASH"] * 5, "A global secondary index key can have at most 4 HASH key attributes"),
        (["HASH"] + ["RANGE"] * 5, "A global secondary index key can have at most 4 RANGE"),
        (["HASH", "RANGE", "HASH"], "HASH key attributes must precede RANGE key attributes"),
        (["RANGE", "HASH", "HASH"], "The first KeySchemaElement is not a HASH key type"),
    ],
)
def test_key_schema_layout_errors(kinds: list[str], message: str) -> None:
    wire = [element(f"k{i}", kind) for i, kind in enumerate(kinds)]
    with pytest.raises(ValidationException) as caught:
        schema_rules.global_key_schema(wire)  # type: ignore[arg-type]
    assert message in caught.value.message


def test_key_schema_refuses_a_repeated_attribute() -> None:
    wire = [element("a", "HASH"), element("b", "HASH"), element("a", "RANGE")]
    with pytest.raises(ValidationException) as caught:
        schema_rules.global_key_schema(wire)  # type: ignore[arg-type]
    assert caught.value.message == "Invalid KeySchema: Two KeySchemaElements have the same name: a"


def test_single_attribute_keys_keep_their_checks() -> None:
    same = [element("a", "HASH"), element("a", "RANGE")]
    with pytest.raises(ValidationException) as caught:
        schema_rules.global_key_schema(same)  # type: ignore[arg-type]
    assert "Both the Hash Key and the Range Key element" in caught.value.message


def test_table_document_round_trips_and_single_keys_keep_their_form() -> None:
    document = TABLE.to_document()
    by_name = {entry["name"]: entry["key_schema"] for entry in document["global_indexes"]}
    assert by_name["S"] == ["h1", "r1"]  # unchanged from before multi-attribute keys
    assert by_name["M"] == ["h1", "r1", ["h2"], ["r2"]]
    assert Table.from_document(document) == TABLE


# --- storage positions ---------------------------------------------------------------------


def test_single_attribute_positions_are_byte_identical_to_before() -> None:
    item = {"pk": {"S": "p"}, "h1": {"S": "a"}, "r1": {"B": "AAE="}}
    pk, sk = indexes.position(TABLE, SINGLE, item)
    assert pk == b"a"
    assert sk == encode_composite([b"\x00\x01", b"p"])


def test_an_item_is_in_the_index_only_with_every_key_attribute_well_typed() -> None:
    item = {"pk": {"S": "p"}, "h1": {"S": "a"}, "h2": {"N": "1"}, "r1": {"B": "AA=="}}
    assert indexes.entry_for(TABLE, MULTI, item) is None  # no r2
    assert indexes.entry_for(TABLE, MULTI, {**item, "r2": {"S": "1"}}) is None  # r2 is N
    entry = indexes.entry_for(TABLE, MULTI, {**item, "r2": {"N": "2"}})
    assert entry is not None
    assert entry.pk == encode_composite([b"a", encode_key_value({"N": "1"})])


_TEXT = st.text(alphabet="ab\x00\x7f", max_size=3)
_BYTES = st.binary(max_size=3)
_NUMBERS = st.decimals(-50, 50, places=1)


def _sort_tuple(r1: bytes, r2: Decimal, pk: str) -> tuple[bytes, Decimal, bytes]:
    return (r1, r2, pk.encode())


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(_BYTES, _NUMBERS, _TEXT), min_size=2, max_size=10))
def test_composite_sort_keys_order_like_their_attribute_tuples(
    rows: list[tuple[bytes, Decimal, str]],
) -> None:
    def position(row: tuple[bytes, Decimal, str]) -> bytes:
        r1, r2, pk = row
        item = {
            "pk": {"S": pk},
            "h1": {"S": "x"},
            "h2": {"N": "1"},
            "r1": {"B": base64.b64encode(r1).decode()},
            "r2": {"N": str(r2)},
        }
        return indexes.position(TABLE, MULTI, item)[1]

    by_bytes = sorted(rows, key=position)
    by_tuple = sorted(rows, key=lambda row: _sort_tuple(*row))
    assert [_sort_tuple(*row) for row in by_bytes] == [_sort_tuple(*row) for row in by_tuple]


# --- storage ranges ------------------------------------------------------------------------

_OPS = ("EQ", "LT", "LE", "GT", "GE", "BETWEEN")


@settings(max_examples=150, deadline=None)
@given(
    op=st.sampled_from(_OPS),
    prefix=_TEXT,
    bounds=st.lists(_NUMBERS, min_size=2, max_size=2).map(sorted),
    rows=st.lists(st.tuples(_TEXT, _NUMBERS, _TEXT), max_size=12),
)
def test_key_range_selects_exactly_the_entries_the_condition_matches(
    op: str, prefix: str, bounds: list[Decimal], rows: list[tuple[str, Decimal, str]]
) -> None:
    """A prefix equality on r1 then a range on r2, for an index keyed (h; r1 S, r2 N)."""
    index = Index("P", KeySchema("h", "a", (), ("b",)), Projection("ALL"))
    table = Table(
        name="P",
        table_id="p",
        arn="arn:aws:dynamodb:us-east-1:123456789012:table/P",
        created_at=0.0,
        attribute_types={"pk": "S", "h": "S", "a": "S", "b": "N"},
        key_schema=KeySchema("pk"),
        global_indexes=(index,),
    )
    sort = SortCondition("b", op, tuple({"N": str(bound)} for bound in bounds))  # type: ignore[arg-type]
    condition = KeyCondition("h", {"S": "x"}, sort, (), (("a", {"S": prefix}),))
    target = ReadTarget(table, index, is_global=True)
    bounds_in_storage = sort_key_bounds(
        key_range(target, condition.sort, condition.sort_prefix),
        forward=True,
        exclusive_start_sk=None,
    )
    for a, b, pk in rows:
        item: dict[str, Any] = {"pk": {"S": pk}, "h": {"S": "x"}, "a": {"S": a}, "b": {"N": str(b)}}
        sk = indexes.position(table, index, item)[1]
        assert within(sk, bounds_in_storage) == condition.matches(item), (a, b, pk)


def test_partition_of_a_query_is_the_partition_of_its_items() -> None:
    condition = KeyCondition("h1", {"S": "a"}, None, (("h2", {"N": "1.0"}),))
    item = {"pk": {"S": "p"}, "h1": {"S": "a"}, "h2": {"N": "1"}, "r1": {"B": "AA=="}}
    item["r2"] = {"N": "3"}
    target = ReadTarget(TABLE, MULTI, is_global=True)
    assert partition_of(target, condition) == indexes.position(TABLE, MULTI, item)[0]


@settings(max_examples=150, deadline=None)
@given(
    op=st.sampled_from((*_OPS, "BEGINS_WITH")),
    prefix=_TEXT,
    bounds=st.lists(_TEXT, min_size=2, max_size=2).map(sorted),
    rows=st.lists(st.tuples(_TEXT, _TEXT, _TEXT), max_size=12),
)
def test_string_ranges_and_begins_with_behind_a_prefix(
    op: str, prefix: str, bounds: list[str], rows: list[tuple[str, str, str]]
) -> None:
    index = Index("Q", KeySchema("h", "a", (), ("b",)), Projection("ALL"))
    table = Table(
        name="Q",
        table_id="q",
        arn="arn:aws:dynamodb:us-east-1:123456789012:table/Q",
        created_at=0.0,
        attribute_types={"pk": "S", "h": "S", "a": "S", "b": "S"},
        key_schema=KeySchema("pk"),
        global_indexes=(index,),
    )
    sort = SortCondition("b", op, tuple({"S": bound} for bound in bounds))  # type: ignore[arg-type]
    condition = KeyCondition("h", {"S": "x"}, sort, (), (("a", {"S": prefix}),))
    target = ReadTarget(table, index, is_global=True)
    storage = sort_key_bounds(
        key_range(target, condition.sort, condition.sort_prefix),
        forward=True,
        exclusive_start_sk=None,
    )
    for a, b, pk in rows:
        item: dict[str, Any] = {"pk": {"S": pk}, "h": {"S": "x"}, "a": {"S": a}, "b": {"S": b}}
        sk = indexes.position(table, index, item)[1]
        assert within(sk, storage) == condition.matches(item), (a, b, pk)
