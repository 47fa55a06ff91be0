"""The cognito-idp API's errors: JSON 1.1 `{"__type": "<Code>", "message": …}`, HTTP 400,
named like the codes in the cognito-idp service model."""

from __future__ import annotations

from dynafed.errors import (
    CognitoIdentityError,
    CognitoResourceNotFound,
    InvalidParameterException,
    NotAuthorizedException,
)

__all__ = [
    "CognitoResourceNotFound",
    "InvalidParameterException",
    "InvalidPasswordException",
    "NotAuthorizedException",
    "TooManyRequestsException",
    "UserNotFoundException",
    "UsernameExistsException",
]


class UserNotFoundException(CognitoIdentityError):
    code = "UserNotFoundException"

    def __init__(self, message: str = "User does not exist.") -> None:
        super().__init__(message)


class UsernameExistsException(CognitoIdentityError):
    code = "UsernameExistsException"

    def __init__(self, message: str = "User account already exists") -> None:
        super().__init__(message)


class InvalidPasswordException(CognitoIdentityError):
    code = "InvalidPasswordException"


class TooManyRequestsException(CognitoIdentityError):
    code = "TooManyRequestsException"
