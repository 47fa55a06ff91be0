"""DynamoDB's request validation: the common validator with DynamoDB's error codes.

Shapes come from `model.request_shape`; semantic checks that need more than one member (and
those that parse expressions) live with the operation that owns them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar, cast

from dynafed.core.validation import constraints, json_types
from dynafed.core.validation.failures import ValidationFailed, WrongJsonType
from dynafed.core.validation.shapes import Struct
from dynafed.errors import SerializationException, ValidationException

RequestT = TypeVar("RequestT")


@dataclass(frozen=True, slots=True)
class RequestShape(Generic[RequestT]):
    """An operation's input shape, typed by what a request that passed it holds (its
    TypedDict in `dynamodb.requests`): `REQUEST: RequestShape[GetItemInput]`."""

    struct: Struct
    not_served: Mapping[str, str] = field(default_factory=dict)
    """Members refused with a `ValidationException` saying why (`model.NOT_SERVED`)."""


def _dynamodb_error(failure: ValueError) -> Exception:
    if isinstance(failure, WrongJsonType):
        return SerializationException(str(failure))
    return ValidationException(str(failure))


def validate_request(
    shape: RequestShape[RequestT],
    body: dict[str, Any],
    precheck: Callable[[dict[str, Any]], None] | None = None,
) -> RequestT:
    """`core.validation.json_request.validate_json`, failing with DynamoDB's errors (its two
    passes called here directly: this is on every request's path)."""
    try:
        cleaned = json_types.check_types(shape.struct, body)
        if shape.not_served:
            _refuse_not_served(shape.not_served, cleaned)
        if precheck is not None:
            precheck(cleaned)
        constraints.check_constraints(shape.struct, cleaned)
    except (WrongJsonType, ValidationFailed) as failure:
        raise _dynamodb_error(failure) from None
    return cast(RequestT, cleaned)


def _refuse_not_served(not_served: Mapping[str, str], request: Mapping[str, Any]) -> None:
    for member, why in not_served.items():
        if member in request:
            raise ValidationException(f"{member} is not supported by this server: {why}")


def check_types(shape: RequestShape[RequestT], body: dict[str, Any]) -> RequestT:
    """The first pass alone, for operations that authorize before the constraints."""
    try:
        return cast(RequestT, json_types.check_types(shape.struct, body))
    except (WrongJsonType, ValidationFailed) as failure:
        raise _dynamodb_error(failure) from None


def check_constraints(shape: RequestShape[RequestT], request: RequestT) -> None:
    """The second pass alone (see `check_types`)."""
    try:
        constraints.check_constraints(shape.struct, cast(dict[str, Any], request))
    except ValidationFailed as failure:
        raise _dynamodb_error(failure) from None
