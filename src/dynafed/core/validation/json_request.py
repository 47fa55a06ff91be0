"""A JSON request body checked against its operation's shape: both passes, in AWS's order."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import Any

from dynafed.core.validation.constraints import check_constraints
from dynafed.core.validation.failures import ValidationFailed, WrongJsonType
from dynafed.core.validation.json_types import check_types
from dynafed.core.validation.models import input_shape
from dynafed.core.validation.models import is_unsigned as model_is_unsigned
from dynafed.core.validation.shapes import Struct


def validate_json(
    shape: Struct,
    body: dict[str, Any],
    precheck: Callable[[dict[str, Any]], None] | None = None,
) -> dict[str, Any]:
    """The body without nulls and unknown members, after both passes.

    `precheck` runs between the passes: some operations reject a missing or mis-sized member
    with a message of their own before the combined constraint report.
    """
    cleaned = check_types(shape, body)
    if precheck is not None:
        precheck(cleaned)
    check_constraints(shape, cleaned)
    return cleaned


class JsonServiceValidator:
    """One JSON service's requests checked against its model, failing with its own errors
    (`wrong_type` for a `WrongJsonType`, `invalid` for a `ValidationFailed`)."""

    def __init__(
        self,
        service: str,
        wrong_type: Callable[[str], Exception],
        invalid: Callable[[str], Exception],
    ) -> None:
        self._service = service
        self._wrong_type = wrong_type
        self._invalid = invalid
        self._shape = cache(lambda operation: input_shape(service, operation))

    def is_unsigned(self, operation: str) -> bool:
        """Whether the model marks `operation` as callable without a signature."""
        return model_is_unsigned(self._service, operation)

    def validate(self, operation: str, body: dict[str, Any]) -> dict[str, Any]:
        """The body without nulls and unknown members, or the service's error for it."""
        try:
            return validate_json(self._shape(operation), body)
        except WrongJsonType as wrong:
            raise self._wrong_type(str(wrong)) from None
        except ValidationFailed as failed:
            raise self._invalid(str(failed)) from None
