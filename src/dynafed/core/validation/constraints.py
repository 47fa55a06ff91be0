"""Second validation pass: the API model's constraints, reported together.

AWS checks every member constraint (not null, length, range, pattern, enum) and answers with
one `ValidationException` listing the failures, at most ten:
"2 validation errors detected: Value null at 'key' failed to satisfy constraint: Member must
not be null; Value 'a;' at 'tableName' failed to satisfy constraint: ...".
Paths use the member names with a lower-case first letter; list members read
`keySchema.1.member.attributeName` (1-based), map values `expected.<key>.member`. Sensitive
members (passwords, secrets) are shown as `***`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from dynafed.core.validation.failures import ValidationFailed
from dynafed.core.validation.shapes import (
    AttrValue,
    ListOf,
    Long,
    MapOf,
    Shape,
    Str,
    Struct,
    TableReference,
)

MAX_REPORTED = 10


def check_constraints(shape: Struct, body: Mapping[str, Any]) -> None:
    """Raise `ValidationFailed`, listing the failures, if any constraint of `shape` fails."""
    errors: list[str] = []
    _check_fields(shape.fields, body, "", errors)
    if errors:
        raise ValidationFailed(validation_message(errors[:MAX_REPORTED]))


def validation_message(errors: list[str]) -> str:
    plural = "s" if len(errors) > 1 else ""
    return f"{len(errors)} validation error{plural} detected: " + "; ".join(errors)


def _check_fields(
    fields: Mapping[str, Shape], body: Mapping[str, Any], prefix: str, errors: list[str]
) -> None:
    for name, shape in fields.items():
        value = body.get(name)
        if value is None and not shape.required:
            continue  # most members are absent: skip building their path
        _check(shape, value, prefix + _lower_first(name), errors)


def _check(shape: Shape, value: Any, path: str, errors: list[str]) -> None:
    if len(errors) >= MAX_REPORTED:
        return
    if value is None:
        if shape.required:
            errors.append(f"Value null at '{path}' failed to satisfy constraint: {_NOT_NULL}")
        return
    if isinstance(shape, Str):
        _check_string(shape, value, path, errors)
    elif isinstance(shape, Long):
        _check_range(shape, value, path, errors)
    elif isinstance(shape, ListOf):
        shown = _structs(shape.member, value) if isinstance(shape.member, Struct) else value
        _check_length(shape.min_len, shape.max_len, shown, path, errors)
        for index, member in enumerate(value):
            member_path = f"{path}.{index + 1}.member"
            if member is None:  # a null list element is never acceptable
                errors.append(
                    f"Value null at '{member_path}' failed to satisfy constraint: {_NOT_NULL}"
                )
            else:
                _check(shape.member, member, member_path, errors)
    elif isinstance(shape, MapOf):
        _check_length(shape.min_len, shape.max_len, value, path, errors)
        if type(shape.value) is AttrValue:
            return  # AttributeValues have no constraints here (dynamodb.values checks them)
        for key, member in value.items():
            _check(shape.value, member, f"{path}.{key}.member", errors)
    elif isinstance(shape, Struct):
        _check_fields(shape.fields, value, path + ".", errors)


_NOT_NULL = "Member must not be null"


def _fail(errors: list[str], value: Any, path: str, constraint: str) -> None:
    errors.append(f"Value '{render(value)}' at '{path}' failed to satisfy constraint: {constraint}")


def _check_string(shape: Str, value: str, path: str, errors: list[str]) -> None:
    if isinstance(shape, TableReference) and not _is_table_reference(shape, value, path, errors):
        return
    shown = "***" if shape.sensitive else value
    pattern = None if shape.pattern is None else _compiled(shape.pattern)
    if pattern is not None and not pattern.fullmatch(value):
        _fail(
            errors, shown, path, f"Member must satisfy regular expression pattern: {shape.pattern}"
        )
    _check_length(shape.min_len, shape.max_len, value, path, errors, shown=shown)
    if shape.enum is not None and value not in shape.enum:
        _fail(errors, shown, path, f"Member must satisfy enum value set: [{', '.join(shape.enum)}]")


def _is_table_reference(shape: TableReference, value: str, path: str, errors: list[str]) -> bool:
    found = len(errors)
    _check_length(shape.reference_min_len, shape.reference_max_len, value, path, errors)
    return len(errors) == found


def _check_length(
    min_len: int | None,
    max_len: int | None,
    value: Any,
    path: str,
    errors: list[str],
    *,
    shown: Any = None,
) -> None:
    shown = value if shown is None else shown
    if min_len is not None and len(value) < min_len:
        _fail(errors, shown, path, f"Member must have length greater than or equal to {min_len}")
    if max_len is not None and len(value) > max_len:
        _fail(errors, shown, path, f"Member must have length less than or equal to {max_len}")


def _check_range(shape: Long, value: int, path: str, errors: list[str]) -> None:
    if shape.minimum is not None and value < shape.minimum:
        _fail(
            errors, value, path, f"Member must have value greater than or equal to {shape.minimum}"
        )
    if shape.maximum is not None and value > shape.maximum:
        _fail(errors, value, path, f"Member must have value less than or equal to {shape.maximum}")


class _JavaObject:
    """A structure as Java's generated `toString` prints it: `KeySchemaElement(attributeName=pk,
    keyType=HASH)`, members in the model's order (how AWS shows a list of structures)."""

    def __init__(self, shape: Struct, value: Mapping[str, Any]) -> None:
        self.text = (
            f"{shape.name}("
            + ", ".join(
                f"{_lower_first(name)}={render(value[name])}"
                for name in shape.fields
                if name in value
            )
            + ")"
        )


def _structs(shape: Struct, value: Any) -> Any:
    if not isinstance(value, list):
        return value
    return [_JavaObject(shape, m) if isinstance(m, Mapping) else m for m in value]


def render(value: Any) -> str:
    """A value as AWS prints it inside `Value '...'` (Java `toString` style)."""
    if isinstance(value, _JavaObject):
        return value.text
    if isinstance(value, list):
        return "[" + ", ".join(render(member) for member in value) + "]"
    if isinstance(value, dict):
        return json.dumps(value, separators=(",", ":"), ensure_ascii=False)
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


@lru_cache(maxsize=1024)  # member names come from the API model: a few hundred
def _lower_first(name: str) -> str:
    return name[:1].lower() + name[1:]


@lru_cache(maxsize=256)
def _compiled(pattern: str) -> re.Pattern[str] | None:
    """The model's (Java) pattern as a Python one; None for the few Python cannot express
    (Unicode classes such as `\\p{L}`), whose members keep their length and enum checks."""
    if "\\p{" in pattern:
        return None
    try:
        return re.compile(pattern)
    except re.error:
        return None
