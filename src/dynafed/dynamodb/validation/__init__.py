"""DynamoDB's request validation: the common validator with DynamoDB's error codes.

Shapes come from `model.request_shape`; semantic checks that need more than one member (and
those that parse expressions) live with the operation that owns them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from dynafed.core.validation import constraints, json_types
from dynafed.core.validation.failures import ValidationFailed, WrongJsonType
from dynafed.core.validation.shapes import Struct
from dynafed.errors import SerializationException, ValidationException


def _dynamodb_error(failure: ValueError) -> Exception:
    if isinstance(failure, WrongJsonType):
        return SerializationException(str(failure))
    return ValidationException(str(failure))


def validate_request(
    shape: Struct,
    body: dict[str, Any],
    precheck: Callable[[dict[str, Any]], None] | None = None,
) -> dict[str, Any]:
    """`core.validation.json_request.validate_json`, failing with DynamoDB's errors (its two
    passes called here directly: this is on every request's path)."""
    try:
        cleaned = json_types.check_types(shape, body)
        if precheck is not None:
            precheck(cleaned)
        constraints.check_constraints(shape, cleaned)
    except (WrongJsonType, ValidationFailed) as failure:
        raise _dynamodb_error(failure) from None
    return cleaned


def check_types(shape: Struct, body: dict[str, Any]) -> dict[str, Any]:
    """The first pass alone, for operations that authorize before the constraints."""
    try:
        return json_types.check_types(shape, body)
    except (WrongJsonType, ValidationFailed) as failure:
        raise _dynamodb_error(failure) from None


def check_constraints(shape: Struct, body: dict[str, Any]) -> None:
    """The second pass alone (see `check_types`)."""
    try:
        constraints.check_constraints(shape, body)
    except ValidationFailed as failure:
        raise _dynamodb_error(failure) from None
