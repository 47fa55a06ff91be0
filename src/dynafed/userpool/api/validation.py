"""Request validation from the cognito-idp service model botocore ships."""

from __future__ import annotations

from functools import cache
from typing import Any

import botocore.loaders

from dynafed.core import service_model
from dynafed.errors import CognitoSerializationException, CognitoValidationException


@cache
def _model() -> service_model.Model:
    model: service_model.Model = botocore.loaders.Loader().load_service_model(
        "cognito-idp", "service-2"
    )
    return model


def is_unsigned(operation: str) -> bool:
    """InitiateAuth, RespondToAuthChallenge, SignUp…: `authtype: none` in the model."""
    return service_model.is_unsigned(_model(), operation)


def validate(operation: str, body: dict[str, Any]) -> None:
    try:
        message = service_model.violations(_model(), operation, body)
    except service_model.WrongType as wrong:
        raise CognitoSerializationException(str(wrong)) from None
    if message is not None:
        raise CognitoValidationException(message)
