"""Cognito user pools' request validation: the common validator over botocore's
`cognito-idp` model, failing with Cognito's error codes. InitiateAuth, SignUp and the other
public operations are unsigned in the model."""

from __future__ import annotations

from dynafed.core.validation.json_request import JsonServiceValidator
from dynafed.errors import CognitoSerializationException, CognitoValidationException

_VALIDATOR = JsonServiceValidator(
    "cognito-idp", CognitoSerializationException, CognitoValidationException
)

is_unsigned = _VALIDATOR.is_unsigned
validate = _VALIDATOR.validate
