"""Pure parts of Query and Scan: pages, starting keys, Select rules, parallel-scan segments
and the storage range of a key condition (API reference: Query, Scan; Developer Guide:
"Paginating table query results", "Parallel scan")."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dynafed.dynamodb.expr import SortCondition
from dynafed.dynamodb.keys import encode_composite, encode_key_value
from dynafed.dynamodb.reads import select
from dynafed.dynamodb.reads.paging import start_position, take_page
from dynafed.dynamodb.reads.segments import check_segments, segment_of
from dynafed.dynamodb.reads.targets import ReadTarget, key_range
from dynafed.dynamodb.tables import Index, KeySchema, Projection, Table
from dynafed.errors import ValidationException
from dynafed.storage.bounds import sort_key_bounds, within

TABLE = Table(
    name="T",
    table_id="t",
    arn="arn:aws:dynamodb:us-east-1:123456789012:table/T",
    created_at=0.0,
    attribute_types={"pk": "S", "sk": "N", "g": "S", "r": "S"},
    key_schema=KeySchema("pk", "sk"),
    global_indexes=(Index("G", KeySchema("g", "r"), Projection("ALL")),),
)
GSI = TABLE.global_indexes[0]


# --- pages --------------------------------------------------------------------------------


def test_page_ends_at_limit_with_a_next_key() -> None:
    page = take_page(iter(range(10)), lambda _row: 1, limit=4)
    assert (page.rows, page.truncated) == ([0, 1, 2, 3], True)


def test_page_ends_once_the_bytes_read_reach_the_cap() -> None:
    page = take_page(iter(range(10)), lambda _row: 300, limit=None, max_bytes=1000)
    assert (page.rows, page.size_bytes, page.truncated) == ([0, 1, 2, 3], 1200, True)


def test_page_that_exhausts_the_rows_has_no_next_key() -> None:
    page = take_page(iter(range(3)), lambda _row: 1, limit=5)
    assert (page.rows, page.truncated) == ([0, 1, 2], False)


def test_start_position_checks_names_and_types() -> None:
    start = {"pk": {"S": "a"}, "sk": {"N": "1"}}
    assert start_position(TABLE, None, start, detail=True) == (
        encode_key_value({"S": "a"}),
        encode_key_value({"N": "1"}),
    )
    for bad in (
        {"pk": {"S": "a"}},
        {"pk": {"S": "a"}, "sk": {"S": "1"}},
        {**start, "x": {"S": "1"}},
    ):
        with pytest.raises(ValidationException) as caught:
            start_position(TABLE, None, bad, detail=True)
        assert caught.value.message == (
            "The provided starting key is invalid: The provided key element does not match the "
            "schema"
        )
        with pytest.raises(ValidationException) as caught:
            start_position(TABLE, None, bad, detail=False)
        assert caught.value.message == "The provided starting key is invalid"


def test_index_start_position_needs_table_and_index_keys() -> None:
    start = {"pk": {"S": "a"}, "sk": {"N": "1"}, "g": {"S": "x"}, "r": {"S": "y"}}
    pk, sk = start_position(TABLE, GSI, start, detail=False)
    assert pk == b"x"
    assert sk == encode_composite([b"y", b"a", encode_key_value({"N": "1"})])
    with pytest.raises(ValidationException):
        start_position(TABLE, GSI, {"g": {"S": "x"}, "r": {"S": "y"}}, detail=False)


# --- Select -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("request_", "expected"),
    [
        ({}, "ALL_ATTRIBUTES"),
        ({"IndexName": "G"}, "ALL_PROJECTED_ATTRIBUTES"),
        ({"ProjectionExpression": "a"}, "SPECIFIC_ATTRIBUTES"),
        ({"AttributesToGet": ["a"], "IndexName": "G"}, "SPECIFIC_ATTRIBUTES"),
        ({"Select": "COUNT"}, "COUNT"),
    ],
)
def test_select_defaults(request_: dict[str, object], expected: str) -> None:
    assert select.choose(request_, query=False) == expected


def test_select_refusals_are_prefixed_only_for_query() -> None:
    for query, prefix in ((True, "1 validation error detected: "), (False, "")):
        with pytest.raises(ValidationException) as caught:
            select.choose({"Select": "ALL_ATTRIBUTES", "AttributesToGet": ["a"]}, query=query)
        assert caught.value.message == (
            f"{prefix}Cannot specify the AttributesToGet when choosing to get ALL_ATTRIBUTES"
        )


def test_all_attributes_on_a_global_index_needs_projection_all() -> None:
    keys_only = Index("K", KeySchema("g"), Projection("KEYS_ONLY"))
    select.check_index_select("ALL_ATTRIBUTES", keys_only, is_global=False)  # local: fetches
    select.check_index_select("ALL_PROJECTED_ATTRIBUTES", keys_only, is_global=True)
    with pytest.raises(ValidationException):
        select.check_index_select("ALL_ATTRIBUTES", keys_only, is_global=True)


# --- segments -----------------------------------------------------------------------------


@settings(max_examples=100, deadline=None)
@given(keys=st.lists(st.binary(max_size=12), max_size=50), total=st.integers(1, 1_000_000))
def test_every_key_is_in_exactly_one_segment(keys: list[bytes], total: int) -> None:
    for key in keys:
        assert 0 <= segment_of(key, total) < total


def test_segments_share_out_the_keys() -> None:
    counts = [0, 0, 0, 0]
    for number in range(4000):
        counts[segment_of(f"user-{number}".encode(), 4)] += 1
    assert all(800 < count < 1200 for count in counts)  # roughly a quarter each


def test_segment_parameter_errors() -> None:
    check_segments(None, None)
    check_segments(2, 3)
    for segment, total in ((1, None), (None, 2), (3, 3)):
        with pytest.raises(ValidationException):
            check_segments(segment, total)


# --- key ranges: storage range == condition, on plain and composite sort keys -------------

_OPS = ("EQ", "LT", "LE", "GT", "GE", "BETWEEN", "BEGINS_WITH")
_STRINGS = st.text(alphabet="ab\x00\xff", max_size=4)


def _satisfies(op: str, value: str, bounds: list[str]) -> bool:
    a = value.encode()
    b = [bound.encode() for bound in bounds]
    return {
        "EQ": lambda: a == b[0],
        "LT": lambda: a < b[0],
        "LE": lambda: a <= b[0],
        "GT": lambda: a > b[0],
        "GE": lambda: a >= b[0],
        "BETWEEN": lambda: b[0] <= a <= b[1],
        "BEGINS_WITH": lambda: a.startswith(b[0]),
    }[op]()


@settings(max_examples=150, deadline=None)
@given(
    op=st.sampled_from(_OPS),
    bounds=st.lists(_STRINGS, min_size=2, max_size=2).map(sorted),
    values=st.lists(_STRINGS, max_size=12),
    tails=st.lists(st.binary(max_size=3), min_size=12, max_size=12),
)
def test_key_range_selects_exactly_the_matching_sort_keys(
    op: str, bounds: list[str], values: list[str], tails: list[bytes]
) -> None:
    condition = SortCondition("r", op, tuple({"S": bound} for bound in bounds))  # type: ignore[arg-type]
    index_target = ReadTarget(TABLE, GSI, is_global=True)
    index_range = key_range(index_target, condition)
    index_bounds = sort_key_bounds(index_range, forward=True, exclusive_start_sk=None)
    for value, tail in zip(values, tails, strict=False):
        composite = encode_composite([value.encode(), tail])
        assert within(composite, index_bounds) == _satisfies(op, value, bounds), (value, tail)


@settings(max_examples=100, deadline=None)
@given(
    op=st.sampled_from(("EQ", "LT", "LE", "GT", "GE", "BETWEEN")),
    bounds=st.lists(st.decimals(-1000, 1000, places=2), min_size=2, max_size=2).map(sorted),
    values=st.lists(st.decimals(-1000, 1000, places=2), max_size=12),
)
def test_number_sort_key_ranges_follow_numeric_order(
    op: str, bounds: list[Decimal], values: list[Decimal]
) -> None:
    condition = SortCondition("sk", op, tuple({"N": str(b)} for b in bounds))  # type: ignore[arg-type]
    table_range = key_range(ReadTarget(TABLE), condition)
    plain = sort_key_bounds(table_range, forward=True, exclusive_start_sk=None)
    for value in values:
        expected = {
            "EQ": value == bounds[0],
            "LT": value < bounds[0],
            "LE": value <= bounds[0],
            "GT": value > bounds[0],
            "GE": value >= bounds[0],
            "BETWEEN": bounds[0] <= value <= bounds[1],
        }[op]
        assert within(encode_key_value({"N": str(value)}), plain) == expected
