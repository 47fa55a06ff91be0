"""Ordering and equality of values, item size and capacity units.

AWS references: "Comparison operator and function reference" (strings by UTF-8 bytes,
binary as unsigned bytes, numbers by value); "DynamoDB item sizes and formats"; "Read/write
capacity mode" (4 KB read units, halved for eventually consistent reads; 1 KB write units).
Expected sizes below were measured on DynamoDB (consumed capacity and the 400 KB limit).
"""

import base64
from typing import Any

import pytest

from dynafed.dynamodb.values import (
    MAX_ITEM_SIZE,
    check_item_size,
    compare_values,
    item_size,
    read_capacity_units,
    values_equal,
    write_capacity_units,
)
from dynafed.errors import ValidationException


def b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode()


@pytest.mark.parametrize(
    ("left", "right", "order"),
    [
        ({"N": "10"}, {"N": "9"}, 1),
        ({"N": "-1.5"}, {"N": "-1.25"}, -1),
        ({"N": "100"}, {"N": "1E+2"}, 0),
        ({"S": "a"}, {"S": "B"}, 1),
        # UTF-8 byte order: U+FFFF (EF BF BF) sorts before U+1F600 (F0 ...),
        # although UTF-16 code units would put it after.
        ({"S": "\uffff"}, {"S": "\U0001f600"}, -1),
        ({"B": b64(b"\x80")}, {"B": b64(b"\x7f")}, 1),
        ({"B": b64(b"ab")}, {"B": b64(b"abc")}, -1),
    ],
)
def test_ordering(left: dict[str, Any], right: dict[str, Any], order: int) -> None:
    assert compare_values(left, right) == order
    assert compare_values(right, left) == -order


@pytest.mark.parametrize(
    ("left", "right"),
    [({"N": "1"}, {"S": "1"}), ({"BOOL": True}, {"BOOL": False}), ({"SS": ["a"]}, {"SS": ["a"]})],
)
def test_only_same_typed_scalars_are_ordered(left: dict[str, Any], right: dict[str, Any]) -> None:
    assert compare_values(left, right) is None


@pytest.mark.parametrize(
    ("left", "right", "equal"),
    [
        ({"N": "1.0"}, {"N": "1"}, True),
        ({"N": "1"}, {"S": "1"}, False),
        ({"NS": ["1", "2"]}, {"NS": ["2.0", "1"]}, True),
        ({"SS": ["a", "b"]}, {"SS": ["b"]}, False),
        ({"L": [{"S": "a"}, {"N": "1"}]}, {"L": [{"S": "a"}, {"N": "1.0"}]}, True),
        ({"L": [{"S": "a"}, {"N": "1"}]}, {"L": [{"N": "1"}, {"S": "a"}]}, False),
        ({"M": {"a": {"NULL": True}}}, {"M": {"a": {"NULL": True}}}, True),
        ({"M": {"a": {"BOOL": True}}}, {"M": {"a": {"BOOL": False}}}, False),
    ],
)
def test_equality(left: dict[str, Any], right: dict[str, Any], equal: bool) -> None:
    assert values_equal(left, right) is equal


def test_item_size_counts_names_values_and_container_overhead() -> None:
    item = {
        "s": {"S": "héllo"},  # 1 + 6 UTF-8 bytes
        "b": {"B": b64(b"\x00\x01")},  # 1 + 2 raw bytes
        "t": {"BOOL": True},  # 1 + 1
        "l": {"L": [{"S": "ab"}, {"NULL": True}]},  # 1 + 3 + (1+2) + (1+1)
        "m": {"M": {"k": {"S": "v"}}},  # 1 + 3 + (1 + 1 + 1)
    }
    assert item_size(item) == 7 + 3 + 2 + 9 + 7


@pytest.mark.parametrize(
    ("item", "units"),
    [
        ({"pk": {"S": "l500"}, "data": {"L": [{"S": "aa"}] * 500}}, 2),
        ({"pk": {"S": "l1500"}, "data": {"L": [{"S": "aa"}] * 1500}}, 5),
        ({"pk": {"S": "l3000"}, "data": {"L": [{"S": "aa"}] * 3000}}, 9),
        ({"pk": {"S": "m800"}, "data": {"M": {f"k{i}": {"S": "v"} for i in range(800)}}}, 5),
        ({"pk": {"S": "nest"}, "data": {"L": [{"M": {"a": {"S": "b"}}}] * 500}}, 4),
        (
            {
                "pk": {"S": "mapl"},
                "data": {"M": {f"k{i}": {"L": [{"S": "b"}]} for i in range(500)}},
            },
            5,
        ),
        ({"pk": {"S": "under"}, "data": {"L": [{"S": "aa"}] * 130_000}}, 381),
        ({"pk": {"S": "scalar"}, "n": {"N": "1"}, "s": {"S": "hello"}}, 1),
    ],
)
def test_write_units_match_dynamodb(item: dict[str, Any], units: int) -> None:
    assert write_capacity_units(item_size(item)) == units


def test_a_1024_byte_item_is_one_write_unit_and_1025_two() -> None:
    base = {"c": {"N": "12.3456"}, "d": {"B": "AQI="}}  # 1+4 + 1+2
    filler = 1024 - item_size(base) - 1
    assert write_capacity_units(item_size({**base, "b": {"S": "b" * filler}})) == 1
    assert write_capacity_units(item_size({**base, "b": {"S": "b" * (filler + 1)}})) == 2


def test_items_over_400_kb_are_refused() -> None:
    fits = {"a": {"S": "k"}, "b": {"S": "x" * (MAX_ITEM_SIZE - 3)}}
    assert item_size(fits) == MAX_ITEM_SIZE
    check_item_size(fits)
    too_big = {**fits, "b": {"S": "x" * (MAX_ITEM_SIZE - 2)}}
    with pytest.raises(ValidationException) as caught:
        check_item_size(too_big)
    assert caught.value.message == "Item size has exceeded the maximum allowed size"
    with pytest.raises(ValidationException) as caught:
        check_item_size(too_big, update=True)
    assert caught.value.message == "Item size to update has exceeded the maximum allowed size"


@pytest.mark.parametrize(
    ("size", "consistent", "units"),
    [
        (0, True, 1.0),
        (0, False, 0.5),
        (4096, True, 1.0),
        (4097, True, 2.0),
        (4097, False, 1.0),
        (10_000, False, 1.5),
    ],
)
def test_read_units(size: int, consistent: bool, units: float) -> None:
    assert read_capacity_units(size, consistent=consistent) == units


@pytest.mark.parametrize(("size", "units"), [(0, 1.0), (1024, 1.0), (1025, 2.0), (409_600, 400.0)])
def test_write_units(size: int, units: float) -> None:
    assert write_capacity_units(size) == units
