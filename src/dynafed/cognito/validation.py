"""Request validation from the cognito-identity service model that botocore ships.

The model gives every member's type, length, pattern, range and requiredness; violations
are reported the way AWS's request validator words them (observed in public reports, e.g.
"1 validation error detected: Value 'x' at 'identityPoolId' failed to satisfy constraint:
Member must satisfy regular expression pattern: [\\w-]+:[0-9a-f-]+", code
ValidationException). A value of the wrong JSON type is a SerializationException.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

import botocore.loaders

from dynafed.errors import CognitoSerializationException, CognitoValidationException

Shapes = dict[str, dict[str, Any]]


@cache
def _model() -> dict[str, Any]:
    model: dict[str, Any] = botocore.loaders.Loader().load_service_model(
        "cognito-identity", "service-2"
    )
    return model


@cache
def _pattern(text: str) -> re.Pattern[str] | None:
    if "\\p{" in text:
        return None  # Java Unicode classes: no `re` equivalent; length still applies
    return re.compile(text)


def input_shape(operation: str) -> str | None:
    op = _model()["operations"].get(operation)
    return op["input"]["shape"] if op and "input" in op else None


def is_unsigned(operation: str) -> bool:
    return bool(_model()["operations"][operation].get("authtype") == "none")


def validate(operation: str, body: dict[str, Any]) -> None:
    shape = input_shape(operation)
    if shape is None:
        return
    messages: list[str] = []
    _check(shape, body, "", messages)
    if messages:
        count = len(messages)
        noun = "error" if count == 1 else "errors"
        raise CognitoValidationException(
            f"{count} validation {noun} detected: " + "; ".join(messages)
        )


def _member_path(prefix: str, name: str) -> str:
    camel = name[0].lower() + name[1:]
    return f"{prefix}.{camel}" if prefix else camel


def _check(shape_name: str, value: Any, path: str, out: list[str]) -> None:
    shape = _model()["shapes"][shape_name]
    kind = shape["type"]
    if kind == "structure":
        _structure(shape, value, path, out)
    elif kind == "map":
        _map(shape, value, path, out)
    elif kind == "list":
        _list(shape, value, path, out)
    elif kind == "string":
        _string(shape, value, path, out)
    elif kind in ("integer", "long"):
        _integer(shape, value, path, out)
    elif kind == "boolean" and not isinstance(value, bool):
        raise CognitoSerializationException(f"Expected a boolean at '{path}'")


def _structure(shape: dict[str, Any], value: Any, path: str, out: list[str]) -> None:
    if not isinstance(value, dict):
        raise CognitoSerializationException(f"Expected an object at '{path or 'body'}'")
    for name, member in shape["members"].items():
        member_path = _member_path(path, name)
        if name not in value or value[name] is None:
            if name in shape.get("required", ()):
                out.append(
                    f"Value null at '{member_path}' failed to satisfy constraint: "
                    "Member must not be null"
                )
            continue
        _check(member["shape"], value[name], member_path, out)


def _size(shape: dict[str, Any], size: int, shown: str, path: str, out: list[str]) -> None:
    if "min" in shape and size < shape["min"]:
        out.append(
            f"Value {shown}at '{path}' failed to satisfy constraint: Member must have length "
            f"greater than or equal to {shape['min']}"
        )
    elif "max" in shape and size > shape["max"]:
        out.append(
            f"Value {shown}at '{path}' failed to satisfy constraint: Member must have length "
            f"less than or equal to {shape['max']}"
        )


def _map(shape: dict[str, Any], value: Any, path: str, out: list[str]) -> None:
    if not isinstance(value, dict):
        raise CognitoSerializationException(f"Expected an object at '{path}'")
    _size(shape, len(value), "", path, out)
    for key, item in value.items():
        _check(shape["key"]["shape"], key, f"{path}.key", out)
        _check(shape["value"]["shape"], item, f"{path}.value", out)


def _list(shape: dict[str, Any], value: Any, path: str, out: list[str]) -> None:
    if not isinstance(value, list):
        raise CognitoSerializationException(f"Expected an array at '{path}'")
    _size(shape, len(value), "", path, out)
    for item in value:
        _check(shape["member"]["shape"], item, f"{path}.member", out)


def _string(shape: dict[str, Any], value: Any, path: str, out: list[str]) -> None:
    if not isinstance(value, str):
        raise CognitoSerializationException(f"Expected a string at '{path}'")
    shown = "'***' " if shape.get("sensitive") else f"'{value[:256]}' "
    _size(shape, len(value), shown, path, out)
    if "enum" in shape and value not in shape["enum"]:
        out.append(
            f"Value {shown}at '{path}' failed to satisfy constraint: Member must satisfy enum "
            f"value set: [{', '.join(shape['enum'])}]"
        )
    pattern = _pattern(shape["pattern"]) if "pattern" in shape else None
    if pattern is not None and pattern.fullmatch(value) is None:
        out.append(
            f"Value {shown}at '{path}' failed to satisfy constraint: Member must satisfy "
            f"regular expression pattern: {shape['pattern']}"
        )


def _integer(shape: dict[str, Any], value: Any, path: str, out: list[str]) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        raise CognitoSerializationException(f"Expected a number at '{path}'")
    if "min" in shape and value < shape["min"]:
        out.append(
            f"Value '{value}' at '{path}' failed to satisfy constraint: Member must have value "
            f"greater than or equal to {shape['min']}"
        )
    elif "max" in shape and value > shape["max"]:
        out.append(
            f"Value '{value}' at '{path}' failed to satisfy constraint: Member must have value "
            f"less than or equal to {shape['max']}"
        )
