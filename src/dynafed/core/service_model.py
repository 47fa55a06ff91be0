"""Checking a JSON request body against a botocore service model's input shape. Pure.

The model (a `service-2.json` document, loaded by the caller) gives every member's type,
length, pattern, range and requiredness; violations are worded as AWS's request validator
words them ("1 validation error detected: Value 'x' at 'userPoolId' failed to satisfy
constraint: Member must satisfy regular expression pattern: [\\w-]+_[0-9a-zA-Z]+"). A value
of the wrong JSON type raises `WrongType`: the service's SerializationException.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

Model = dict[str, Any]


class WrongType(ValueError):
    """A member of the wrong JSON type (the caller raises its SerializationException)."""


@cache
def _pattern(text: str) -> re.Pattern[str] | None:
    if "\\p{" in text:
        return None  # Java Unicode classes: no `re` equivalent; length still applies
    try:
        return re.compile(text)
    except re.error:
        return None


def input_shape(model: Model, operation: str) -> str | None:
    op = model["operations"].get(operation)
    return op["input"]["shape"] if op and "input" in op else None


def is_unsigned(model: Model, operation: str) -> bool:
    op = model["operations"].get(operation)
    return bool(op is not None and op.get("authtype") == "none")


def violations(model: Model, operation: str, body: dict[str, Any]) -> str | None:
    """AWS's validation message for `body`, or None when it satisfies the model."""
    shape = input_shape(model, operation)
    if shape is None:
        return None
    messages: list[str] = []
    _Checker(model["shapes"], messages).check(shape, body, "")
    if not messages:
        return None
    noun = "error" if len(messages) == 1 else "errors"
    return f"{len(messages)} validation {noun} detected: " + "; ".join(messages)


def _member_path(prefix: str, name: str) -> str:
    camel = name[0].lower() + name[1:]
    return f"{prefix}.{camel}" if prefix else camel


class _Checker:
    def __init__(self, shapes: dict[str, dict[str, Any]], out: list[str]) -> None:
        self._shapes = shapes
        self._out = out

    def check(self, shape_name: str, value: Any, path: str) -> None:
        shape = self._shapes[shape_name]
        kind = shape["type"]
        if kind == "structure":
            self._structure(shape, value, path)
        elif kind == "map":
            self._map(shape, value, path)
        elif kind == "list":
            self._list(shape, value, path)
        elif kind == "string":
            self._string(shape, value, path)
        elif kind in ("integer", "long"):
            self._integer(shape, value, path)
        elif kind == "boolean" and not isinstance(value, bool):
            raise WrongType(f"Expected a boolean at '{path}'")

    def _structure(self, shape: dict[str, Any], value: Any, path: str) -> None:
        if not isinstance(value, dict):
            raise WrongType(f"Expected an object at '{path or 'body'}'")
        for name, member in shape["members"].items():
            member_path = _member_path(path, name)
            if name not in value or value[name] is None:
                if name in shape.get("required", ()):
                    self._out.append(
                        f"Value null at '{member_path}' failed to satisfy constraint: "
                        "Member must not be null"
                    )
                continue
            self.check(member["shape"], value[name], member_path)

    def _size(self, shape: dict[str, Any], size: int, shown: str, path: str) -> None:
        if "min" in shape and size < shape["min"]:
            self._out.append(
                f"Value {shown}at '{path}' failed to satisfy constraint: Member must have "
                f"length greater than or equal to {shape['min']}"
            )
        elif "max" in shape and size > shape["max"]:
            self._out.append(
                f"Value {shown}at '{path}' failed to satisfy constraint: Member must have "
                f"length less than or equal to {shape['max']}"
            )

    def _map(self, shape: dict[str, Any], value: Any, path: str) -> None:
        if not isinstance(value, dict):
            raise WrongType(f"Expected an object at '{path}'")
        self._size(shape, len(value), "", path)
        for key, item in value.items():
            self.check(shape["key"]["shape"], key, f"{path}.key")
            self.check(shape["value"]["shape"], item, f"{path}.value")

    def _list(self, shape: dict[str, Any], value: Any, path: str) -> None:
        if not isinstance(value, list):
            raise WrongType(f"Expected an array at '{path}'")
        self._size(shape, len(value), "", path)
        for item in value:
            self.check(shape["member"]["shape"], item, f"{path}.member")

    def _string(self, shape: dict[str, Any], value: Any, path: str) -> None:
        if not isinstance(value, str):
            raise WrongType(f"Expected a string at '{path}'")
        shown = "'***' " if shape.get("sensitive") else f"'{value[:256]}' "
        self._size(shape, len(value), shown, path)
        if "enum" in shape and value not in shape["enum"]:
            self._out.append(
                f"Value {shown}at '{path}' failed to satisfy constraint: Member must satisfy "
                f"enum value set: [{', '.join(shape['enum'])}]"
            )
        pattern = _pattern(shape["pattern"]) if "pattern" in shape else None
        if pattern is not None and pattern.fullmatch(value) is None:
            self._out.append(
                f"Value {shown}at '{path}' failed to satisfy constraint: Member must satisfy "
                f"regular expression pattern: {shape['pattern']}"
            )

    def _integer(self, shape: dict[str, Any], value: Any, path: str) -> None:
        if isinstance(value, bool) or not isinstance(value, int):
            raise WrongType(f"Expected a number at '{path}'")
        if "min" in shape and value < shape["min"]:
            self._out.append(
                f"Value '{value}' at '{path}' failed to satisfy constraint: Member must have "
                f"value greater than or equal to {shape['min']}"
            )
        elif "max" in shape and value > shape["max"]:
            self._out.append(
                f"Value '{value}' at '{path}' failed to satisfy constraint: Member must have "
                f"value less than or equal to {shape['max']}"
            )
