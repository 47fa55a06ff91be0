"""Item keys: checked against their table's schema, encoded for storage, written as policy
text. Every request that addresses an item by key goes through here.

**Checks.** Wording as DynamoDB answers: a `Key` parameter that names other attributes, or
values of the wrong type, "does not match the schema"; an `Item` missing a key attribute or
holding the wrong type says which; key values may not be empty strings or binaries; a
partition key is at most 2048 bytes and a sort key at most 1024 ("Service, account, and
table quotas").

**Policy text.** `dynamodb:LeadingKeys` carries the partition key's value as text: S as is,
N in DynamoDB's canonical number form, B as its base64 text (iam-fgac §5.5).

**Storage bytes.** Order-preserving byte encodings of key values.

Storage compares keys as unsigned bytes (SQLite BLOB, PostgreSQL `bytea`, Python `bytes`).
These encodings make that byte order equal DynamoDB's order for each key type:

- **S**: UTF-8 bytes. DynamoDB compares strings by their UTF-8 bytes.
- **B**: the raw bytes (the wire carries base64). DynamoDB compares binary as unsigned bytes.
- **N**: a sign byte, an exponent byte and base-100 digit pairs (see `encode_number`).
  Numerically equal texts ("1", "1.0", "10E-1") encode to the same bytes.

See "Key condition expressions" (Query) in the DynamoDB Developer Guide:
https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Query.KeyConditionExpressions.html

A key attribute has one type fixed by AttributeDefinitions, so values of different types are
never compared and the encodings carry no type tag.

Secondary-index entries need a sort key that is unique and still ordered by the index's own
sort key first: `encode_composite` joins parts with an escape scheme that keeps the order of
the part tuples, and `composite_bound` / `escape_part` / `prefix_successor` turn bounds on the
first part into bounds on the composite.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from dynafed.dynamodb.expr import Projection, Update
from dynafed.dynamodb.tables import Table
from dynafed.dynamodb.values import (
    AttributeValue,
    Item,
    check_key_not_empty,
    format_number,
    parse_number,
    type_of,
)
from dynafed.errors import ValidationException

# --- checks against the schema --------------------------------------------------------------

INVALID = "One or more parameter values were invalid: "
MAX_HASH_KEY_BYTES = 2048
MAX_RANGE_KEY_BYTES = 1024


def check_key(table: Table, key: Mapping[str, AttributeValue]) -> None:
    """A `Key` parameter must name exactly the table's key attributes, with their types."""
    if not key_matches_schema(table, key):
        raise ValidationException("The provided key element does not match the schema")
    _check_key_values(table, key)


def key_matches_schema(table: Table, key: Mapping[str, AttributeValue]) -> bool:
    """Whether `key` names exactly the table's key attributes, with their types (its values
    may still be refused: `check_key`)."""
    schema, types = table.key_schema, table.attribute_types
    value = key.get(schema.hash_key)
    if value is None or type_of(value) != types[schema.hash_key]:
        return False
    if schema.range_key is None:
        return len(key) == 1
    value = key.get(schema.range_key)
    return len(key) == 2 and value is not None and type_of(value) == types[schema.range_key]


def check_item_keys(table: Table, item: Mapping[str, AttributeValue]) -> None:
    """An item to write must hold every key attribute of the table, typed as defined, and
    well-typed values for the key attributes of every secondary index it appears in."""
    for name in table.key_schema.names:
        if name not in item:
            raise ValidationException(f"{INVALID}Missing the key {name} in the item")
        actual = type_of(item[name])
        if actual != table.key_type(name):
            raise ValidationException(
                f"{INVALID}Type mismatch for key {name} expected: {table.key_type(name)} "
                f"actual: {actual}"
            )
    _check_key_values(table, item)
    check_index_keys(table, item)


def check_index_keys(table: Table, item: Mapping[str, AttributeValue]) -> None:
    table_keys = set(table.key_schema.names)
    for index in (*table.local_indexes, *table.global_indexes):
        for name in index.key_schema.names:
            if name in table_keys or name not in item:
                continue
            actual = type_of(item[name])
            expected = table.key_type(name)
            if actual != expected:
                raise ValidationException(
                    f"{INVALID}Type mismatch for Index Key {name} Expected: {expected} "
                    f"Actual: {actual} IndexName: {index.name}"
                )
            check_key_not_empty(name, item[name], index.name)


def _check_key_values(table: Table, key: Mapping[str, AttributeValue]) -> None:
    for name in table.key_schema.names:
        check_key_not_empty(name, key[name])
    if _key_bytes(key[table.key_schema.hash_key]) > MAX_HASH_KEY_BYTES:
        raise ValidationException(
            f"{INVALID}Size of hashkey has exceeded the maximum size limit of"
            f"{MAX_HASH_KEY_BYTES} bytes"
        )
    range_key = table.key_schema.range_key
    if range_key is not None and _key_bytes(key[range_key]) > MAX_RANGE_KEY_BYTES:
        raise ValidationException(
            f"{INVALID}Aggregated size of all range keys has exceeded the size limit of "
            f"{MAX_RANGE_KEY_BYTES} bytes"
        )


def _key_bytes(value: AttributeValue) -> int:
    if "S" in value:
        return len(value["S"].encode("utf-8"))
    if "B" in value:
        return len(base64.b64decode(value["B"]))
    return 0  # numbers are at most 38 digits: never near the limit


def key_of(table: Table, item: Mapping[str, AttributeValue]) -> Item:
    """The primary key attributes of a (validated) item."""
    return {name: item[name] for name in table.key_schema.names}


def storage_key(table: Table, key: Mapping[str, AttributeValue]) -> tuple[bytes, bytes]:
    """`(pk, sk)` bytes of a validated key; `sk` is empty for a hash-only table."""
    schema = table.key_schema
    pk = encode_key_value(dict(key[schema.hash_key]))
    sk = b"" if schema.range_key is None else encode_key_value(dict(key[schema.range_key]))
    return pk, sk


def check_key_not_updated(table: Table, update: Update | None) -> None:
    if update is None:
        return
    for name in table.key_schema.names:
        if name in update.modified_names:
            raise ValidationException(
                "One or more parameter values were invalid: Cannot update attribute "
                f"{name}. This attribute is part of the key"
            )


def check_projected_keys(table: Table, projection: Projection | None) -> None:
    """Key attributes are scalars: a projection may not look inside one."""
    if projection is None:
        return
    nested = projection.nested_names
    for name in table.key_schema.names:
        if name in nested:
            raise ValidationException(_NOT_SCALAR + f"Key: {name}")
    for index in (*table.local_indexes, *table.global_indexes):
        for name in index.key_schema.names:
            if name in nested:
                raise ValidationException(_NOT_SCALAR + f"IndexKey: {name}")


_NOT_SCALAR = (
    "Key attributes must be scalars; list random access '[]' and map lookup '.' are not allowed: "
)


# --- policy text ---------------------------------------------------------------------------


def leading_keys(key: Mapping[str, Any] | None, hash_key: str | None) -> list[str] | None:
    """The partition-key value as policy text, or None when the request lacks it (the table
    does not exist, or the key is malformed and validation will refuse it)."""
    if key is None or hash_key is None or not isinstance(key.get(hash_key), dict):
        return None
    value = canonical_key_text(key[hash_key])
    return None if value is None else [value]


def canonical_key_text(value: Mapping[str, Any]) -> str | None:
    """S as is, N in DynamoDB's canonical number form, B as its base64 text (iam-fgac §5.5)."""
    if isinstance(value.get("S"), str):
        return str(value["S"])
    if isinstance(value.get("N"), str):
        try:
            return format_number(parse_number(value["N"]))
        except ValidationException:
            return str(value["N"])
    if isinstance(value.get("B"), str):
        return str(value["B"])
    return None


# --- storage bytes: numbers ---------------------------------------------------------------

_NEGATIVE = 0x01
_ZERO = 0x02
_POSITIVE = 0x03

MAX_DIGITS = 38
"""DynamoDB numbers carry at most 38 significant digits."""

# A number is 0.d1d2...dn x 10**E with d1 != 0. DynamoDB's magnitudes 1E-130 .. 9.99..E+125
# give E in -129 .. 126: exactly 256 values, so E + 129 fits one byte.
_MIN_EXPONENT = -129
_MAX_EXPONENT = 126
_EXPONENT_BIAS = 129


def encode_number(text: str) -> bytes:
    """Encode a DynamoDB number so that byte order equals numeric order.

    Layout: sign byte (negative < zero < positive); for non-zero numbers an exponent byte and
    the significant digits in pairs, each pair `p` stored as `2*p + 1`, except the last pair,
    stored as `2*p`. A final byte is even and every other one odd, so no encoding is a proper
    prefix of another, and a shorter digit string sorts first, as a smaller mantissa must.
    Negative numbers store the bitwise complement of exponent and digits, reversing order.

    Raises ValueError for text that is not a finite number inside DynamoDB's range.
    """
    sign, digits, exponent = _normalize(text)
    if not digits:
        return bytes((_ZERO,))
    body = bytes((exponent + _EXPONENT_BIAS, *_digit_pairs(digits)))
    if sign:
        return bytes((_NEGATIVE,)) + bytes(255 - b for b in body)
    return bytes((_POSITIVE,)) + body


def decode_number(data: bytes) -> str:
    """The canonical text of an encoded number (inverse of `encode_number`)."""
    if data == bytes((_ZERO,)):
        return "0"
    negative = data[0] == _NEGATIVE
    body = bytes(255 - b for b in data[1:]) if negative else data[1:]
    exponent = body[0] - _EXPONENT_BIAS
    digits = "".join(f"{b // 2:02d}" for b in body[1:]).rstrip("0")
    value = Decimal(f"{'-' if negative else ''}0.{digits}E{exponent}")
    return _canonical(value)


def _normalize(text: str) -> tuple[int, str, int]:
    """(sign, significant digits without leading/trailing zeros, exponent E) of `text`."""
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise ValueError(f"not a number: {text!r}") from None
    if not value.is_finite():
        raise ValueError(f"not a finite number: {text!r}")
    sign, digit_tuple, exp = value.as_tuple()
    assert isinstance(exp, int)  # finite, checked above
    digits = "".join(map(str, digit_tuple)).lstrip("0")
    if not digits:
        return 0, "", 0
    stripped = digits.rstrip("0")
    exponent = exp + len(digits)  # value = 0.<digits> x 10**exponent
    if len(stripped) > MAX_DIGITS:
        raise ValueError(f"more than {MAX_DIGITS} significant digits: {text!r}")
    if not _MIN_EXPONENT <= exponent <= _MAX_EXPONENT:
        raise ValueError(f"number out of DynamoDB's range: {text!r}")
    return sign, stripped, exponent


def _digit_pairs(digits: str) -> list[int]:
    if len(digits) % 2:
        digits += "0"
    pairs = [int(digits[i : i + 2]) for i in range(0, len(digits), 2)]
    return [2 * p + 1 for p in pairs[:-1]] + [2 * pairs[-1]]


def _canonical(value: Decimal) -> str:
    """Plain decimal text without exponent or trailing zeros, as DynamoDB answers numbers."""
    text = f"{value:f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


# --- storage bytes: key values ------------------------------------------------------------


def encode_key_value(av: dict[str, Any]) -> bytes:
    """Encode a key AttributeValue (`{"S": ...}`, `{"N": ...}` or `{"B": <base64>}`)."""
    if len(av) != 1:
        raise ValueError("a key value has exactly one type")
    ((kind, value),) = av.items()
    if not isinstance(value, str):
        raise ValueError(f"key value of type {kind} must be a string on the wire")
    if kind == "S":
        return value.encode("utf-8")
    if kind == "N":
        return encode_number(value)
    if kind == "B":
        try:
            return base64.b64decode(value, validate=True)
        except binascii.Error:
            raise ValueError("invalid base64 in a binary key value") from None
    raise ValueError(f"type {kind} cannot be a key")


def decode_key_value(kind: str, data: bytes) -> dict[str, str]:
    """The wire AttributeValue for encoded key bytes of type `kind` (S, N or B)."""
    if kind == "S":
        return {"S": data.decode("utf-8")}
    if kind == "N":
        return {"N": decode_number(data)}
    if kind == "B":
        return {"B": base64.b64encode(data).decode("ascii")}
    raise ValueError(f"type {kind} cannot be a key")


# --- storage bytes: composite keys --------------------------------------------------------

# Inside a part, 0x00 becomes 0x00 0xFF; a part ends with 0x00 0x01. A terminator sorts below
# any continuation of the part (0x01 < 0xFF, and any other byte > 0x00), so a part that is a
# prefix of another sorts first, exactly as for the bare bytes.
_ESCAPE = b"\x00\xff"
_TERMINATOR = b"\x00\x01"
_AFTER_TERMINATOR = b"\x00\x02"


def escape_part(part: bytes) -> bytes:
    """A part with its zero bytes escaped, without terminator.

    Composite keys whose first part starts with `prefix` are exactly those that start with
    `escape_part(prefix)`: use it with `prefix_successor` for `begins_with` on an index key.
    """
    return part.replace(b"\x00", _ESCAPE)


def encode_composite(parts: list[bytes]) -> bytes:
    """Join parts so that byte order of the result equals tuple order of the parts."""
    return b"".join(escape_part(p) + _TERMINATOR for p in parts)


def decode_composite(data: bytes) -> list[bytes]:
    """The parts of an `encode_composite` result."""
    parts: list[bytes] = []
    current = bytearray()
    i = 0
    while i < len(data):
        byte = data[i]
        if byte != 0:
            current.append(byte)
            i += 1
            continue
        marker = data[i + 1 : i + 2]
        if marker == b"\xff":
            current.append(0)
        elif marker == b"\x01":
            parts.append(bytes(current))
            current = bytearray()
        else:
            raise ValueError("malformed composite key")
        i += 2
    if current:
        raise ValueError("composite key does not end with a terminator")
    return parts


def composite_bound(first: bytes, *, after: bool) -> bytes:
    """A position just before (or just after) every composite whose first part is `first`.

    Range on the first part → range on the composite:
    `>= v` → `>= bound(v, after=False)`;  `> v` → `>= bound(v, after=True)`;
    `<= v` → `< bound(v, after=True)`;    `< v` → `< bound(v, after=False)`.
    """
    return escape_part(first) + (_AFTER_TERMINATOR if after else _TERMINATOR)


def prefix_successor(prefix: bytes) -> bytes | None:
    """The smallest byte string greater than every string that starts with `prefix`.

    `None` when there is none (empty prefix or all 0xFF): the range is unbounded above.
    `begins_with(x, p)` is then `p <= x < prefix_successor(p)`.
    """
    trimmed = prefix.rstrip(b"\xff")
    if not trimmed:
        return None
    return trimmed[:-1] + bytes((trimmed[-1] + 1,))
