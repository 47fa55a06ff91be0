"""Cognito identity pools' request validation: the common validator over botocore's
`cognito-identity` model, failing with Cognito's error codes. GetId, GetOpenIdToken and
GetCredentialsForIdentity are unsigned in the model."""

from __future__ import annotations

from dynafed.core.validation.json_request import JsonServiceValidator
from dynafed.errors import CognitoSerializationException, CognitoValidationException

_VALIDATOR = JsonServiceValidator(
    "cognito-identity", CognitoSerializationException, CognitoValidationException
)

is_unsigned = _VALIDATOR.is_unsigned
validate = _VALIDATOR.validate
