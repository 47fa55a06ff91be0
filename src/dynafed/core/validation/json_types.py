"""First validation pass: JSON types against the request shape.

AWS deserializes the JSON body into its Java model before looking at any constraint, so a
value of the wrong JSON type fails the whole request (`WrongJsonType`: the service's
`SerializationException`) with a message naming the JSON token and the Java type (wording as
observed from DynamoDB, e.g. "NUMBER_VALUE cannot be converted to String"; the Java classes
named are DynamoDB's, the only service whose such messages were recorded). `null` counts as
absent, and members the model does not know are ignored, as AWS does.

`check_types` returns the body with every `null` member and every unknown member removed
(copying only the containers that held one), so later passes see only what the model knows.
"""

from __future__ import annotations

import base64
import binascii
import math
import re
from collections.abc import Mapping
from typing import Any

from dynafed.core.validation.failures import ValidationFailed, WrongJsonType
from dynafed.core.validation.shapes import (
    AttrValue,
    Blob,
    Bool,
    ListOf,
    Long,
    MapOf,
    Shape,
    Str,
    Struct,
)

_BASE64_ALPHABET = re.compile(r"[A-Za-z0-9+/=]*")

MODEL_PACKAGE = "com.amazonaws.dynamodb.v20120810"
"""The Java package of the model classes, as DynamoDB's messages name them."""

_ATTRIBUTE_VALUE_MEMBERS: dict[str, Shape] = {}
"""The members of an AttributeValue; filled below once the shapes exist."""


MAX_DEPTH = 128
"""Containers nested deeper than this are refused before recursion gets anywhere near
Python's limit. Each AttributeValue level is two JSON levels (the value object, then its M
or L), and a request wraps its items in up to six more (BatchWriteItem), so this leaves room
for far more than DynamoDB's own limit of 32 levels: that limit is checked with the values,
which gives DynamoDB's wording for it."""


def check_types(shape: Struct, body: dict[str, Any]) -> dict[str, Any]:
    return _check_struct(shape.fields, body, 0)


def _check(shape: Shape, value: Any, depth: int, *, as_value: bool) -> Any:
    """Check one non-null value; `as_value` is true for list members and map values."""
    if isinstance(shape, Str):
        return _check_string(value)
    if depth > MAX_DEPTH:
        raise ValidationFailed("Nesting Levels have exceeded supported limits")
    if isinstance(shape, AttrValue):
        _expect_structure(shape, value, as_value=as_value)
        return _check_struct(_ATTRIBUTE_VALUE_MEMBERS, value, depth + 1)
    if isinstance(shape, Struct):
        _expect_structure(shape, value, as_value=as_value)
        return _check_struct(shape.fields, value, depth + 1)
    if isinstance(shape, ListOf):
        return _check_list(shape, value, depth + 1, as_value=as_value)
    if isinstance(shape, MapOf):
        return _check_map(shape, value, depth + 1, as_value=as_value)
    if isinstance(shape, Bool):
        return _check_bool(value)
    if isinstance(shape, Long):
        return _check_long(shape, value)
    if isinstance(shape, Blob):
        return _check_blob(value)
    if type(shape) is Shape:  # a timestamp or a double: the operation reads the number
        return value
    raise TypeError(f"unknown shape {shape!r}")


def _check_struct(fields: Mapping[str, Shape], value: dict[str, Any], depth: int) -> dict[str, Any]:
    result = value
    for name, member in value.items():
        shape = fields.get(name)
        if member is None or shape is None:
            result = _without(result, value, name)
            continue
        checked = _check(shape, member, depth, as_value=False)
        if checked is not member:
            result = _replaced(result, value, name, checked)
    return result


def _check_list(shape: ListOf, value: Any, depth: int, *, as_value: bool) -> Any:
    if isinstance(value, dict):
        raise WrongJsonType("Start of structure or map found where not expected")
    if not isinstance(value, list):
        raise WrongJsonType(_unexpected(as_value))
    result = value
    for index, member in enumerate(value):
        if member is None:
            continue
        checked = _check(shape.member, member, depth, as_value=True)
        if checked is not member:
            if result is value:
                result = list(value)
            result[index] = checked
    return result


def _check_map(shape: MapOf, value: Any, depth: int, *, as_value: bool) -> Any:
    if isinstance(value, list):
        raise WrongJsonType(f"Unrecognized collection type {java_class(shape)}")
    if not isinstance(value, dict):
        raise WrongJsonType(_unexpected(as_value))
    result = value
    for key, member in value.items():
        if member is None:
            result = _without(result, value, key)
            continue
        checked = _check(shape.value, member, depth, as_value=True)
        if checked is not member:
            result = _replaced(result, value, key, checked)
    return result


def _expect_structure(shape: Shape, value: Any, *, as_value: bool) -> None:
    if isinstance(value, list):
        raise WrongJsonType(f"Unrecognized collection type {java_class(shape)}")
    if not isinstance(value, dict):
        raise WrongJsonType(_unexpected(as_value))


def _unexpected(as_value: bool) -> str:
    return "Unexpected value type in payload" if as_value else "Unexpected field type"


def _token_name(value: Any) -> str:
    if value is True:
        return "TRUE_VALUE"
    if value is False:
        return "FALSE_VALUE"
    if isinstance(value, int):
        return "NUMBER_VALUE"
    if isinstance(value, float):
        return "DECIMAL_VALUE"
    return "STRING_VALUE"


def _reject_container(value: Any, java: str) -> None:
    if isinstance(value, list):
        raise WrongJsonType(f"Unrecognized collection type {java}")
    if isinstance(value, dict):
        raise WrongJsonType("Start of structure or map found where not expected")


def _check_string(value: Any) -> Any:
    if isinstance(value, str):
        return value
    _reject_container(value, "class java.lang.String")
    raise WrongJsonType(f"{_token_name(value)} cannot be converted to String")


def _check_bool(value: Any) -> Any:
    if isinstance(value, bool):
        return value
    _reject_container(value, "class java.lang.Boolean")
    if isinstance(value, str):
        raise WrongJsonType("Unexpected token received from parser")
    raise WrongJsonType(f"{_token_name(value)} cannot be converted to Boolean")


def _check_long(shape: Long, value: Any) -> Any:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            # The wire JSON parser never yields these; a direct caller might.
            raise WrongJsonType("Non-standard token is not allowed as a number")
        # Jackson coerces a decimal into a Long by truncation.
        return int(value)
    _reject_container(value, f"class java.lang.{shape.java_type}")
    raise WrongJsonType(f"{_token_name(value)} cannot be converted to {shape.java_type}")


def _check_blob(value: Any) -> Any:
    if not isinstance(value, str):
        _reject_container(value, "class java.nio.ByteBuffer")
        raise WrongJsonType("only base-64-encoded strings are convertible to bytes")
    if len(value) % 4:
        raise WrongJsonType(
            f"Base64 encoded length is expected a multiple of 4 bytes but found: {len(value)}"
        )
    if not _BASE64_ALPHABET.fullmatch(value):
        bad = next(c for c in value if not _BASE64_ALPHABET.fullmatch(c))
        raise WrongJsonType(f"Invalid Base64 character: '{bad}'")
    try:
        canonical = base64.b64encode(base64.b64decode(value, validate=True)).decode("ascii")
    except (binascii.Error, ValueError):
        canonical = ""
    if canonical != value:
        # AWS's own spelling ("dectected") kept on purpose.
        raise WrongJsonType("Invalid last non-pad Base64 character dectected")
    return value


def java_class(shape: Shape) -> str:
    """The Java type AWS names in "Unrecognized collection type ..." messages."""
    if isinstance(shape, Str):
        return "class java.lang.String"
    if isinstance(shape, Bool):
        return "class java.lang.Boolean"
    if isinstance(shape, Long):
        return f"class java.lang.{shape.java_type}"
    if isinstance(shape, Blob):
        return "class java.nio.ByteBuffer"
    if isinstance(shape, AttrValue):
        return f"class {MODEL_PACKAGE}.AttributeValue"
    if isinstance(shape, Struct):
        return f"class {MODEL_PACKAGE}.{shape.name}"
    if isinstance(shape, MapOf):
        element = java_class(shape.value).removeprefix("class ")
        return f"java.util.Map<java.lang.String, {element}>"
    return "java.util.List"


def _without(result: dict[str, Any], original: dict[str, Any], key: str) -> dict[str, Any]:
    if result is original:
        result = dict(original)
    result.pop(key, None)
    return result


def _replaced(
    result: dict[str, Any], original: dict[str, Any], key: str, value: Any
) -> dict[str, Any]:
    if result is original:
        result = dict(original)
    result[key] = value
    return result


_ATTRIBUTE_VALUE_MEMBERS.update(
    {
        "S": Str(),
        "N": Str(),
        "B": Blob(),
        "BOOL": Bool(),
        "NULL": Bool(),
        "SS": ListOf(member=Str()),
        "NS": ListOf(member=Str()),
        "BS": ListOf(member=Blob()),
        "L": ListOf(member=AttrValue()),
        "M": MapOf(value=AttrValue()),
    }
)
