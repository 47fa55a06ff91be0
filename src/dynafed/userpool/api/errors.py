"""The cognito-idp API's errors: JSON 1.1 `{"__type": "<Code>", "message": …}`, HTTP 400,
named like the codes in the cognito-idp service model."""

from __future__ import annotations

from dynafed.errors import (
    CognitoIdentityError,
    CognitoLimitExceeded,
    CognitoResourceNotFound,
    InvalidParameterException,
    NotAuthorizedException,
)

__all__ = [
    "AliasExistsException",
    "CodeLimitExceeded",
    "CodeMismatchException",
    "CognitoResourceNotFound",
    "ExpiredCodeException",
    "GroupExistsException",
    "InvalidParameterException",
    "InvalidPasswordException",
    "NotAuthorizedException",
    "PasswordResetRequiredException",
    "TooManyRequestsException",
    "UnauthorizedException",
    "UnsupportedTokenTypeException",
    "UnsupportedUserStateException",
    "UserNotConfirmedException",
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


class AliasExistsException(CognitoIdentityError):
    """An email, phone number or preferred_username another user of the pool signs in with."""

    code = "AliasExistsException"


class InvalidPasswordException(CognitoIdentityError):
    code = "InvalidPasswordException"


class TooManyRequestsException(CognitoIdentityError):
    code = "TooManyRequestsException"


class UserNotConfirmedException(CognitoIdentityError):
    code = "UserNotConfirmedException"

    def __init__(self, message: str = "User is not confirmed.") -> None:
        super().__init__(message)


class CodeMismatchException(CognitoIdentityError):
    code = "CodeMismatchException"

    def __init__(
        self, message: str = "Invalid verification code provided, please try again."
    ) -> None:
        super().__init__(message)


class ExpiredCodeException(CognitoIdentityError):
    code = "ExpiredCodeException"

    def __init__(
        self, message: str = "Invalid code provided, please request a code again."
    ) -> None:
        super().__init__(message)


class CodeLimitExceeded(CognitoLimitExceeded):
    """Too many wrong codes, from one address or for one code."""

    def __init__(
        self, message: str = "Attempt limit exceeded, please try after some time."
    ) -> None:
        super().__init__(message)


class UnauthorizedException(CognitoIdentityError):
    """RevokeToken by a client that did not authenticate, or for another client's token."""

    code = "UnauthorizedException"


class UnsupportedTokenTypeException(CognitoIdentityError):
    code = "UnsupportedTokenTypeException"


class GroupExistsException(CognitoIdentityError):
    code = "GroupExistsException"


class PasswordResetRequiredException(CognitoIdentityError):
    code = "PasswordResetRequiredException"

    def __init__(self, message: str = "Password reset required for the user") -> None:
        super().__init__(message)


class UnsupportedUserStateException(CognitoIdentityError):
    code = "UnsupportedUserStateException"
