"""Cognito identity pools' request validation: the common validator over botocore's
`cognito-identity` model, failing with Cognito's error codes."""

from __future__ import annotations

from functools import cache
from typing import Any

from dynafed.core.validation.failures import ValidationFailed, WrongJsonType
from dynafed.core.validation.json_request import validate_json
from dynafed.core.validation.models import input_shape
from dynafed.core.validation.models import is_unsigned as _is_unsigned
from dynafed.core.validation.shapes import Struct
from dynafed.errors import CognitoSerializationException, CognitoValidationException

SERVICE = "cognito-identity"


@cache
def _shape(operation: str) -> Struct:
    return input_shape(SERVICE, operation)


def is_unsigned(operation: str) -> bool:
    """GetId, GetOpenIdToken, GetCredentialsForIdentity…: `authtype: none` in the model."""
    return _is_unsigned(SERVICE, operation)


def validate(operation: str, body: dict[str, Any]) -> dict[str, Any]:
    """The body without nulls and unknown members, or Cognito's error for it."""
    try:
        return validate_json(_shape(operation), body)
    except WrongJsonType as wrong:
        raise CognitoSerializationException(str(wrong)) from None
    except ValidationFailed as failed:
        raise CognitoValidationException(str(failed)) from None
