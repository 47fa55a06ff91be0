"""DynamoDB attribute values: wire validation, number rules, comparison, item size, capacity.

An AttributeValue is its wire JSON form as a dict (`{"S": "x"}`, `{"N": "12.5"}`, ...); an
item maps attribute names to AttributeValues. Numbers stay strings on the wire and in
storage, always in canonical form (`"1.50"` -> `"1.5"`, `"1e2"` -> `"100"`, `"-0"` -> `"0"`).

Rules follow the DynamoDB Developer Guide: "Supported data types and naming rules",
"Item sizes and formats" (CapacityUnitCalculations) and "Read/write capacity mode".
Error texts are DynamoDB's own, including its typos ("An string set  may not be empty").
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Mapping
from decimal import Context, Decimal
from typing import Any

from dynafed.errors import SerializationException, ValidationException

AttributeValue = dict[str, Any]
Item = dict[str, AttributeValue]

TYPES = ("S", "N", "B", "SS", "NS", "BS", "M", "L", "NULL", "BOOL")
SCALAR_KEY_TYPES = ("S", "N", "B")
MAX_ITEM_SIZE = 400 * 1024
MAX_NESTING_DEPTH = 32
MAX_SIGNIFICANT_DIGITS = 38
MAX_EXPONENT = 125  # the largest magnitude is 9.99..E+125
MIN_EXPONENT = -130  # the smallest magnitude is 1E-130
INVALID = "One or more parameter values were invalid: "

# Exact for any sum or difference of two valid numbers (they span at most ~300 digits).
EXACT = Context(prec=400)


def type_of(value: AttributeValue) -> str:
    """The type key of a validated AttributeValue."""
    return next(iter(value))


# --- numbers ------------------------------------------------------------------------------

_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")
_PLAIN_INTEGER = re.compile(r"-?[1-9][0-9]{0,37}")
"""A nonzero integer in canonical form that fits DynamoDB's range: most numbers clients
send. Its canonical text is itself and its size follows from its length, without Decimal."""


def parse_number(text: str) -> Decimal:
    """A request's number string as a Decimal, enforcing DynamoDB's range and precision."""
    if text == "":
        raise ValidationException("The parameter cannot be converted to a numeric value")
    if not _NUMBER.fullmatch(text):
        raise ValidationException(f"The parameter cannot be converted to a numeric value: {text}")
    value = Decimal(text)
    check_number_range(value)
    return value


def canonical_number(text: str) -> str:
    """`format_number(parse_number(text))`: a request's number validated, in canonical text."""
    if _PLAIN_INTEGER.fullmatch(text):
        return text
    return format_number(parse_number(text))


def check_number_range(value: Decimal) -> None:
    """Raise DynamoDB's error when a number cannot be stored (range or precision)."""
    if not value:
        return
    if value.adjusted() > MAX_EXPONENT:
        raise ValidationException(
            "Number overflow. Attempting to store a number with magnitude larger than "
            "supported range"
        )
    if value.adjusted() < MIN_EXPONENT:
        raise ValidationException(
            "Number underflow. Attempting to store a number with magnitude smaller than "
            "supported range"
        )
    if len(_significant_digits(value)) > MAX_SIGNIFICANT_DIGITS:
        raise ValidationException("Attempting to store more than 38 significant digits in a Number")


def _significant_digits(value: Decimal) -> str:
    return "".join(map(str, value.as_tuple().digits)).strip("0")


def format_number(value: Decimal) -> str:
    """Canonical text of a number: plain notation, no exponent, no redundant zeros."""
    if not value:
        return "0"
    sign, digit_tuple, exponent = value.as_tuple()
    assert isinstance(exponent, int)
    digits = "".join(map(str, digit_tuple)).lstrip("0")
    stripped = digits.rstrip("0")
    exponent += len(digits) - len(stripped)
    if exponent >= 0:
        text = stripped + "0" * exponent
    elif -exponent >= len(stripped):
        text = "0." + "0" * (-exponent - len(stripped)) + stripped
    else:
        text = stripped[:exponent] + "." + stripped[exponent:]
    return "-" + text if sign else text


def number_text_size(text: str) -> int:
    """`number_size` of a number's text (a stored or validated number)."""
    if _PLAIN_INTEGER.fullmatch(text):
        digits = text.removeprefix("-")
        exponent = len(digits) - 1
        pairs = (len(digits.rstrip("0")) + (1 if exponent % 2 == 0 else 0) + 1) // 2
        return 1 + pairs + (1 if text[0] == "-" else 0)
    return number_size(Decimal(text))


def number_value(value: Decimal) -> AttributeValue:
    """An N AttributeValue for an arithmetic result, checked against DynamoDB's limits."""
    check_number_range(value)
    return {"N": format_number(value)}


def number_size(value: Decimal) -> int:
    """Stored size of a number: DynamoDB keeps base-100 digits, one byte per digit pair
    aligned on the decimal point, plus an exponent byte and a terminator when negative."""
    if not value:
        return 1
    digits = _significant_digits(value)
    exponent = value.adjusted()  # power of ten of the leading digit
    leading_alone = exponent % 2 == 0  # the leading digit starts a new base-100 pair
    pairs = (len(digits) + (1 if leading_alone else 0) + 1) // 2
    return 1 + pairs + (1 if value < 0 else 0)


# --- wire shape (SerializationException) ---------------------------------------------------

_AV_CLASS = "com.amazonaws.dynamodb.v20120810.AttributeValue"


def _json_token(value: Any) -> str:
    if value is True:
        return "TRUE_VALUE"
    if value is False:
        return "FALSE_VALUE"
    if isinstance(value, int):
        return "NUMBER_VALUE"
    if isinstance(value, float):
        return "DECIMAL_VALUE"
    return "STRING_VALUE"


def _shape_error(value: Any, target: str) -> SerializationException:
    if isinstance(value, dict):
        return SerializationException("Start of structure or map found where not expected")
    if isinstance(value, list):
        return SerializationException(f"Unrecognized collection type class {target}")
    return SerializationException(
        f"{_json_token(value)} cannot be converted to {target.rsplit('.', 1)[-1]}"
    )


def _check_string(value: Any) -> None:
    if value is not None and not isinstance(value, str):
        raise _shape_error(value, "java.lang.String")


def check_string_field(value: Any) -> str:
    """A request field that must be a JSON string (e.g. an expression), else DynamoDB's
    SerializationException."""
    if not isinstance(value, str):
        raise _shape_error(value, "java.lang.String")
    return value


def check_map_field(value: Any) -> dict[str, Any]:
    """A request field that must be a JSON object, else DynamoDB's SerializationException."""
    if isinstance(value, dict):
        return value
    if isinstance(value, list):
        raise SerializationException("Unrecognized collection type java.util.Map")
    raise SerializationException("Unexpected field type")


def _check_boolean(value: Any) -> None:
    if value is None or isinstance(value, bool):
        return
    if isinstance(value, str):
        raise SerializationException("Unexpected token received from parser")
    raise _shape_error(value, "java.lang.Boolean")


def _check_blob(value: Any) -> None:
    if value is None:
        return
    if isinstance(value, (dict, list)):
        raise _shape_error(value, "java.nio.ByteBuffer")
    if not isinstance(value, str):
        raise SerializationException("only base-64-encoded strings are convertible to bytes")
    decode_binary(value)


_BASE64_ALPHABET = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")


def decode_binary(text: str) -> bytes:
    """Raw bytes of a base64 B value, refusing what DynamoDB's decoder refuses."""
    if len(text) % 4:
        raise SerializationException(
            f"Base64 encoded length is expected a multiple of 4 bytes but found: {len(text)}"
        )
    bad = next((c for c in text if c not in _BASE64_ALPHABET and c != "="), None)
    if bad is not None:
        raise SerializationException(f"Invalid Base64 character: '{bad}'")
    try:
        raw = base64.b64decode(text, validate=True)
    except binascii.Error:
        raw = None
    if raw is None or base64.b64encode(raw).decode("ascii") != text:
        # DynamoDB's own spelling of this message.
        raise SerializationException("Invalid last non-pad Base64 character dectected")
    return raw


def _check_list(value: Any) -> None:
    if value is not None and not isinstance(value, list):
        if isinstance(value, dict):
            raise SerializationException("Start of structure or map found where not expected")
        raise SerializationException("Unexpected field type")


def check_shape(value: Any) -> None:
    """Raise SerializationException when an AttributeValue has wrong JSON types anywhere.

    Wire-type errors come from deserialisation, before any validation, so a caller that
    wants DynamoDB's error order runs this over the whole request first."""
    if not isinstance(value, dict):
        if isinstance(value, list):
            raise SerializationException(f"Unrecognized collection type class {_AV_CLASS}")
        raise SerializationException("Unexpected value type in payload")
    for key, member in value.items():
        if key in ("S", "N"):
            _check_string(member)
        elif key == "B":
            _check_blob(member)
        elif key in ("BOOL", "NULL"):
            _check_boolean(member)
        elif key in ("SS", "NS", "BS", "L"):
            _check_list(member)
            for element in member or ():
                if key == "L":
                    check_shape(element)
                elif key == "BS":
                    _check_blob(element)
                else:
                    _check_string(element)
        elif key == "M" and member is not None:
            if not isinstance(member, dict):
                if isinstance(member, list):
                    raise SerializationException(
                        f"Unrecognized collection type java.util.Map<java.lang.String, {_AV_CLASS}>"
                    )
                raise SerializationException("Unexpected field type")
            for element in member.values():
                check_shape(element)


# --- semantic validation (ValidationException) ----------------------------------------------


def validate_attribute_value(value: Any) -> AttributeValue:
    """Validate one AttributeValue from a request; return it with numbers canonical."""
    check_shape(value)
    return _validate_shaped(value)


def validate_item(item: Any) -> Item:
    """Validate every attribute of an item (or key) from a request."""
    for value in check_map_field(item).values():
        check_shape(value)  # every wire-type error first, as DynamoDB reports them
    return {name: _validate_shaped(value) for name, value in item.items()}


def _validate_shaped(value: dict[str, Any]) -> AttributeValue:
    """`validate_attribute_value` for a value `check_shape` has passed."""
    if len(value) == 1:
        # The common case, one scalar string: nothing to canonicalise, no nesting.
        kind, member = next(iter(value.items()))
        if (kind == "S" or kind == "BOOL") and member is not None:
            return {kind: member}
    result = _validate(value)
    if ("M" in result or "L" in result) and nesting_depth(result) > MAX_NESTING_DEPTH:
        raise ValidationException(
            "Nesting Levels have exceeded supported limits: Attributes in the item have "
            "nested levels beyond supported limit"
        )
    return result


def _validate(value: dict[str, Any]) -> AttributeValue:
    present = [key for key in value if key in TYPES and value[key] is not None]
    if not present:
        raise ValidationException(
            "Supplied AttributeValue is empty, must contain exactly one of the supported datatypes"
        )
    results = [{key: _validate_member(key, value[key])} for key in present]
    if len(present) > 1:
        raise ValidationException(
            "Supplied AttributeValue has more than one datatypes set, must contain exactly "
            "one of the supported datatypes"
        )
    return results[0]


def _validate_member(key: str, member: Any) -> Any:
    if key == "N":
        return canonical_number(member)
    if key == "NULL" and member is not True:
        raise ValidationException(
            INVALID + "Null attribute value types must have the value of true"
        )
    if key in ("SS", "NS", "BS"):
        return _validate_set(key, member)
    if key == "M":
        return {name: _validate(element) for name, element in member.items()}
    if key == "L":
        return [_validate(element) for element in member]
    return member


_EMPTY_SET = {
    "SS": INVALID + "An string set  may not be empty",
    "NS": INVALID + "An number set  may not be empty",
    "BS": INVALID + "Binary sets should not be empty",
}


def _validate_set(key: str, members: list[Any]) -> list[str]:
    if not members:
        raise ValidationException(_EMPTY_SET[key])
    if key == "SS" and None in members:
        raise ValidationException(INVALID + "An string set may not have a null string as a member")
    if key == "BS" and None in members:
        raise ValidationException(INVALID + "Binary sets may not contain null or empty values")
    if key == "NS":
        if None in members:
            raise ValidationException("The parameter cannot be converted to a numeric value")
        numbers = [parse_number(member) for member in members]
        if len(set(numbers)) != len(numbers):
            raise ValidationException("Input collection contains duplicates")
        return [format_number(number) for number in numbers]
    distinct = {decode_binary(m) for m in members} if key == "BS" else set(members)
    if len(distinct) != len(members):
        listing = "[" + ", ".join(members) + "]"
        suffix = "of type BS contains duplicates." if key == "BS" else " contains duplicates."
        raise ValidationException(f"{INVALID}Input collection {listing}{suffix}")
    return list(members)


def nesting_depth(value: AttributeValue) -> int:
    """Levels of a value: a scalar is 1, a map or list adds one to its deepest member."""
    if "M" in value:
        return 1 + max(map(nesting_depth, value["M"].values()), default=0)
    if "L" in value:
        return 1 + max(map(nesting_depth, value["L"]), default=0)
    return 1


def check_key_not_empty(name: str, value: AttributeValue, index_name: str | None = None) -> None:
    """Key attributes may not hold an empty S or B (other attributes may)."""
    kind = "string" if value.get("S") == "" else "binary" if value.get("B") == "" else None
    if kind is None:
        return
    if index_name is None:
        raise ValidationException(
            "One or more parameter values are not valid. The AttributeValue for a key "
            f"attribute cannot contain an empty {kind} value. Key: {name}"
        )
    raise ValidationException(
        "One or more parameter values are not valid. A value specified for a secondary index "
        "key is not supported. The AttributeValue for a key attribute cannot contain an empty "
        f"{kind} value. IndexName: {index_name}, IndexKey: {name}"
    )


# --- comparison ----------------------------------------------------------------------------


def compare_values(left: AttributeValue, right: AttributeValue) -> int | None:
    """Order of two S, N or B values of the same type (-1, 0, 1); None when not comparable.

    Strings compare by UTF-8 bytes, which is code-point order; binaries by unsigned bytes."""
    kind = type_of(left)
    if kind != type_of(right) or kind not in SCALAR_KEY_TYPES:
        return None
    a: Any
    b: Any
    if kind == "N":
        a, b = Decimal(left["N"]), Decimal(right["N"])
    elif kind == "B":
        a, b = base64.b64decode(left["B"]), base64.b64decode(right["B"])
    else:
        a, b = left["S"], right["S"]
    return int(a > b) - int(a < b)


def values_equal(left: AttributeValue, right: AttributeValue) -> bool:
    """DynamoDB equality: same type and same value; sets compare as sets, numbers by value."""
    kind = type_of(left)
    if kind != type_of(right):
        return False
    a, b = left[kind], right[kind]
    if kind == "N":
        return bool(Decimal(a) == Decimal(b))
    if kind == "B":
        return base64.b64decode(a) == base64.b64decode(b)
    if kind in ("SS", "NS", "BS"):
        return set_members(left) == set_members(right)
    if kind == "L":
        return len(a) == len(b) and all(map(values_equal, a, b))
    if kind == "M":
        return a.keys() == b.keys() and all(values_equal(a[k], b[k]) for k in a)
    return bool(a == b)


def set_members(value: AttributeValue) -> frozenset[Any]:
    """The members of a set value in comparable form (Decimal, str or bytes)."""
    kind = type_of(value)
    if kind == "NS":
        return frozenset(Decimal(m) for m in value["NS"])
    if kind == "BS":
        return frozenset(base64.b64decode(m) for m in value["BS"])
    return frozenset(value[kind])


# --- size and capacity ----------------------------------------------------------------------


def attribute_value_size(value: AttributeValue) -> int:
    """Bytes a value counts for, per "DynamoDB item sizes and formats"."""
    kind = type_of(value)
    member = value[kind]
    if kind == "S":
        return len(member.encode("utf-8"))
    if kind == "N":
        return number_text_size(member)
    if kind == "B":
        return len(base64.b64decode(member))
    if kind == "SS":
        return sum(len(m.encode("utf-8")) for m in member)
    if kind == "NS":
        return sum(number_text_size(m) for m in member)
    if kind == "BS":
        return sum(len(base64.b64decode(m)) for m in member)
    if kind == "L":  # 3 bytes of overhead, plus one per element
        return 3 + sum(1 + attribute_value_size(element) for element in member)
    if kind == "M":
        return 3 + sum(
            1 + len(name.encode("utf-8")) + attribute_value_size(element)
            for name, element in member.items()
        )
    return 1  # NULL and BOOL


def item_size(item: Mapping[str, AttributeValue]) -> int:
    """Item size: attribute name lengths (UTF-8) plus value sizes."""
    return sum(len(name.encode("utf-8")) + attribute_value_size(v) for name, v in item.items())


def check_item_size(item: Mapping[str, AttributeValue], *, update: bool = False) -> None:
    """Refuse items over 400 KB; UpdateItem words the error differently from PutItem."""
    if item_size(item) > MAX_ITEM_SIZE:
        what = "Item size to update" if update else "Item size"
        raise ValidationException(f"{what} has exceeded the maximum allowed size")


def read_capacity_units(size_bytes: int, *, consistent: bool) -> float:
    """Read units for `size_bytes` read at once: 4 KB per unit (at least one), halved for
    eventually consistent reads."""
    units = max(1, -(-size_bytes // 4096))
    return float(units) if consistent else units / 2


def write_capacity_units(size_bytes: int) -> float:
    """Write units for an item of `size_bytes`: 1 KB per unit, at least one."""
    return float(max(1, -(-size_bytes // 1024)))
