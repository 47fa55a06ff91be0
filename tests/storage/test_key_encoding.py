"""Order-preserving key encoding: byte order of encodings == DynamoDB's order of values.

DynamoDB orders S by UTF-8 bytes, B by unsigned bytes and N numerically; numbers have up to 38
significant digits and magnitudes from 1E-130 to 9.99..E+125
(https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/HowItWorks.NamingRulesDataTypes.html).
"""

from __future__ import annotations

import base64
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dynafed.dynamodb.keys import (
    composite_bound,
    decode_composite,
    decode_key_value,
    decode_number,
    encode_composite,
    encode_key_value,
    encode_number,
    escape_part,
    prefix_successor,
)

# --- numbers -------------------------------------------------------------------------------


@st.composite
def dynamo_numbers(draw: st.DrawFn) -> Decimal:
    """Any number DynamoDB accepts: 0, or +/- d.ddd x 10**e with 1..38 digits in range."""
    if draw(st.integers(0, 20)) == 0:
        return Decimal(0)
    ndigits = draw(st.integers(1, 38))
    first = draw(st.integers(1, 9))
    rest = draw(st.text("0123456789", min_size=ndigits - 1, max_size=ndigits - 1))
    # value = d.ddd x 10**e with e in [-130, 125]
    e = draw(st.integers(-130, 125))
    sign = draw(st.sampled_from(["", "-"]))
    return Decimal(f"{sign}{first}.{rest}E{e}")


def test_known_numbers_sort_numerically() -> None:
    texts = [
        "-9.9999999999999999999999999999999999999E+125",
        "-1E+125",
        "-100",
        "-12.5",
        "-12",
        "-1.5",
        "-1",
        "-0.5",
        "-1E-130",
        "0",
        "1E-130",
        "0.001",
        "0.0012",
        "0.5",
        "1",
        "1.0000000000000000000000000000000000001",
        "1.5",
        "9",
        "10",
        "11",
        "99",
        "100",
        "1E+125",
        "9.9999999999999999999999999999999999999E+125",
    ]
    encoded = [encode_number(t) for t in texts]
    assert encoded == sorted(encoded)
    assert len(set(encoded)) == len(texts)


@pytest.mark.parametrize(
    "equal_texts",
    [
        ["1", "1.0", "1.000", "10E-1", "0.1E1", "+1", "01"],
        ["0", "-0", "0.000", "0E10", "-0.0E-5"],
        ["-123.45", "-1.2345E2", "-12345E-2", "-123.450"],
        ["1E+125", "100E+123", "0.01E127"],
    ],
)
def test_equal_numbers_encode_identically(equal_texts: list[str]) -> None:
    assert len({encode_number(t) for t in equal_texts}) == 1


@pytest.mark.parametrize(
    "bad",
    ["", "abc", "NaN", "Infinity", "-Infinity", "1E+126", "1E-131", "-1E+126", "1" * 39],
)
def test_numbers_outside_dynamodb_range_are_rejected(bad: str) -> None:
    with pytest.raises(ValueError):
        encode_number(bad)


def test_39_digits_with_trailing_zeros_are_38_significant_digits() -> None:
    assert encode_number("1" * 38 + "0") == encode_number("1" * 38 + "E1")


def test_extreme_magnitudes_fit() -> None:
    assert encode_number("1E-130") < encode_number("2E-130")
    assert encode_number("9.9999999999999999999999999999999999999E+125") > encode_number("1E+125")


@given(dynamo_numbers(), dynamo_numbers())
def test_number_byte_order_equals_numeric_order(a: Decimal, b: Decimal) -> None:
    ea, eb = encode_number(str(a)), encode_number(str(b))
    assert (ea < eb) == (a < b)
    assert (ea == eb) == (a == b)


@given(dynamo_numbers())
def test_number_round_trips_to_an_equal_value(a: Decimal) -> None:
    assert Decimal(decode_number(encode_number(str(a)))) == a


@given(dynamo_numbers(), st.integers(0, 5))
def test_trailing_zeros_do_not_change_the_encoding(a: Decimal, zeros: int) -> None:
    sign, digits, exp = a.as_tuple()
    assert isinstance(exp, int)
    text = f"{'-' if sign else ''}{''.join(map(str, digits))}{'0' * zeros}E{exp - zeros}"
    assert Decimal(text) == a  # same value, more digits written
    assert encode_number(text) == encode_number(str(a))


def test_decoded_numbers_are_plain_decimal_text() -> None:
    assert decode_number(encode_number("1.50E2")) == "150"
    assert decode_number(encode_number("-0.0012")) == "-0.0012"
    assert decode_number(encode_number("-0")) == "0"


# --- strings and binary --------------------------------------------------------------------


def test_strings_sort_by_utf8_bytes_not_utf16_code_units() -> None:
    # U+FF61 < U+1F600 by UTF-8 bytes (and code points) but not by UTF-16 code units.
    assert encode_key_value({"S": "\uff61"}) < encode_key_value({"S": "\U0001f600"})
    assert encode_key_value({"S": "Z"}) < encode_key_value({"S": "a"})
    assert encode_key_value({"S": "a"}) < encode_key_value({"S": "ab"})


@given(st.text(), st.text())
def test_string_byte_order_equals_code_point_order(a: str, b: str) -> None:
    # UTF-8 byte order coincides with code point order; Python compares str by code point.
    ea, eb = encode_key_value({"S": a}), encode_key_value({"S": b})
    assert (ea < eb) == (a < b)


@given(st.binary(), st.binary())
def test_binary_keys_are_the_decoded_bytes(a: bytes, b: bytes) -> None:
    ea = encode_key_value({"B": base64.b64encode(a).decode()})
    eb = encode_key_value({"B": base64.b64encode(b).decode()})
    assert ea == a
    assert (ea < eb) == (a < b)


def test_binary_ordering_is_unsigned() -> None:
    high = encode_key_value({"B": base64.b64encode(b"\x80").decode()})
    low = encode_key_value({"B": base64.b64encode(b"\x7f").decode()})
    assert low < high


@pytest.mark.parametrize(
    "av",
    [{"BOOL": True}, {"S": "a", "N": "1"}, {}, {"N": 1}, {"B": "not base64!"}, {"SS": ["a"]}],
)
def test_non_key_values_are_rejected(av: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        encode_key_value(av)


@pytest.mark.parametrize(
    "av", [{"S": "héllo"}, {"N": "-12.5"}, {"B": base64.b64encode(b"\x00\xff").decode()}]
)
def test_key_values_decode_back(av: dict[str, str]) -> None:
    ((kind, _),) = av.items()
    assert decode_key_value(kind, encode_key_value(av)) == av


# --- composite keys ------------------------------------------------------------------------

parts_lists = st.lists(st.binary(max_size=6), min_size=1, max_size=3)
# Bytes near the escape bytes make the interesting cases likely.
tricky = st.lists(st.sampled_from([b"", b"\x00", b"\x00\x00", b"\x01", b"\xff", b"a", b"\x00a"]))


@given(st.one_of(parts_lists, tricky), st.one_of(parts_lists, tricky))
def test_composite_order_equals_tuple_order(a: list[bytes], b: list[bytes]) -> None:
    ea, eb = encode_composite(a), encode_composite(b)
    assert (ea < eb) == (a < b)
    assert (ea == eb) == (a == b)


@given(st.one_of(parts_lists, tricky))
def test_composite_round_trips(parts: list[bytes]) -> None:
    assert decode_composite(encode_composite(parts)) == parts


@given(st.binary(max_size=4), st.binary(max_size=4), parts_lists)
def test_composite_bounds_select_by_first_part(v: bytes, first: bytes, rest: list[bytes]) -> None:
    key = encode_composite([first, *rest])
    assert (key >= composite_bound(v, after=False)) == (first >= v)
    assert (key >= composite_bound(v, after=True)) == (first > v)
    assert (key < composite_bound(v, after=True)) == (first <= v)
    assert (key < composite_bound(v, after=False)) == (first < v)


@given(st.binary(max_size=4), st.binary(max_size=6), parts_lists)
def test_begins_with_on_first_part(prefix: bytes, first: bytes, rest: list[bytes]) -> None:
    key = encode_composite([first, *rest])
    low = escape_part(prefix)
    high = prefix_successor(low)
    inside = key >= low and (high is None or key < high)
    assert inside == first.startswith(prefix)


@given(st.binary(max_size=4), st.binary(max_size=6))
def test_prefix_successor_bounds_begins_with(prefix: bytes, value: bytes) -> None:
    high = prefix_successor(prefix)
    inside = value >= prefix and (high is None or value < high)
    assert inside == value.startswith(prefix)


def test_prefix_successor_examples() -> None:
    assert prefix_successor(b"ab") == b"ac"
    assert prefix_successor(b"a\xff\xff") == b"b"
    assert prefix_successor(b"\xff") is None
    assert prefix_successor(b"") is None


@pytest.mark.parametrize("bad", [b"a", b"a\x00", b"a\x00\x05", b"\x00\x01a"])
def test_malformed_composite_is_rejected(bad: bytes) -> None:
    with pytest.raises(ValueError):
        decode_composite(bad)
