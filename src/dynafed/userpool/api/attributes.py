"""User attributes as the API reads and writes them, and whether `email` is verified.

`email_verified` is what tokens and GetUser report, so it must mean what it says: an email
given at SignUp is verified by the confirmation code sent to it; one a user sets with
UpdateUserAttributes is unverified until VerifyUserAttribute brings back the code sent to
it (until then ForgotPassword will not send to it); an administrator may set
`email_verified` (AdminCreateUser, AdminUpdateUserAttributes), an app may not ("A client
attempted to write unauthorized attribute", as Cognito answers). An email an administrator
sets without `email_verified=true` is unverified, as on AWS.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from dynafed.userpool.api.errors import InvalidParameterException, NotAuthorizedException
from dynafed.userpool.model import User
from dynafed.userpool.sign_in_names import PHONE_NUMBER, VERIFIED_FLAG, is_email, is_phone_number

IMMUTABLE = "Cannot modify an immutable attribute: sub"
UNAUTHORIZED = "A client attempted to write unauthorized attribute"
BAD_EMAIL = "Invalid email address format."
BAD_PHONE_NUMBER = "Invalid phone number format."
PHONE_VERIFIED = VERIFIED_FLAG[PHONE_NUMBER]


@dataclass(frozen=True, slots=True)
class AttributeChange:
    email: str | None = None
    """None: not given; "": removed."""
    email_verified: bool | None = None
    others: dict[str, str] = field(default_factory=dict)

    def named(self) -> dict[str, str]:
        """Every attribute written, by name (what the pool's schema is checked against)."""
        email = {} if self.email is None else {"email": self.email}
        return {**email, **self.others}


def parse(given: list[dict[str, Any]], by_admin: bool) -> AttributeChange:
    email, verified, others = None, None, {}
    for attribute in given:
        name, value = attribute["Name"], attribute.get("Value", "")
        if name == "sub":
            raise InvalidParameterException(IMMUTABLE)
        if name in ("email_verified", PHONE_VERIFIED) and not by_admin:
            raise NotAuthorizedException(UNAUTHORIZED)
        if name == "email_verified":
            verified = str(value).lower() == "true"
        elif name == PHONE_VERIFIED:
            others[name] = "true" if str(value).lower() == "true" else "false"
        elif name == "email":
            if value and not is_email(value):
                raise InvalidParameterException(BAD_EMAIL)
            email = value
        else:
            if name == PHONE_NUMBER and value and not is_phone_number(value):
                raise InvalidParameterException(BAD_PHONE_NUMBER)
            others[name] = value
    return AttributeChange(email, verified, others)


def apply(user: User, change: AttributeChange) -> bool:
    """Change `user`; True when they now have an email that needs verifying."""
    new_email = change.email is not None and (change.email or None) != user.email
    if change.email is not None:
        user.email = change.email or None
    if new_email:
        user.email_verified = False
    if change.email_verified is not None:
        user.email_verified = change.email_verified
    old_phone = user.attributes.get(PHONE_NUMBER)
    user.attributes.update(change.others)
    if not user.attributes.get(PHONE_NUMBER):
        user.attributes.pop(PHONE_NUMBER, None)
        user.attributes.pop(PHONE_VERIFIED, None)
    elif user.attributes[PHONE_NUMBER] != old_phone and PHONE_VERIFIED not in change.others:
        user.attributes[PHONE_VERIFIED] = "false"  # a new number is unproven, as a new email
    return new_email and user.email is not None and not user.email_verified


def settle_phone_verification(user: User) -> None:
    """A new user's phone number is unverified unless an administrator said otherwise."""
    if user.attributes.get(PHONE_NUMBER):
        user.attributes.setdefault(PHONE_VERIFIED, "false")


def listed(user: User) -> list[dict[str, str]]:
    """`AttributeType` list: `sub`, `email` and `email_verified`, the rest."""
    found = {"sub": user.sub}
    if user.email:
        found["email"] = user.email
        found["email_verified"] = "true" if user.email_verified else "false"
    found.update(user.attributes)
    return [{"Name": name, "Value": value} for name, value in found.items()]


def remove(user: User, names: list[str]) -> None:
    """DeleteUserAttributes / AdminDeleteUserAttributes: `sub` stays."""
    if "sub" in names:
        raise InvalidParameterException(IMMUTABLE)
    for name in names:
        if name == "email":
            user.email, user.email_verified = None, False
        if name == PHONE_NUMBER:
            user.attributes.pop(PHONE_VERIFIED, None)
        user.attributes.pop(name, None)
