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

IMMUTABLE = "Cannot modify an immutable attribute: sub"
UNAUTHORIZED = "A client attempted to write unauthorized attribute"


@dataclass(frozen=True, slots=True)
class AttributeChange:
    email: str | None = None
    """None: not given; "": removed."""
    email_verified: bool | None = None
    others: dict[str, str] = field(default_factory=dict)


def parse(given: list[dict[str, Any]], by_admin: bool) -> AttributeChange:
    email, verified, others = None, None, {}
    for attribute in given:
        name, value = attribute["Name"], attribute.get("Value", "")
        if name == "sub":
            raise InvalidParameterException(IMMUTABLE)
        if name == "email_verified":
            if not by_admin:
                raise NotAuthorizedException(UNAUTHORIZED)
            verified = str(value).lower() == "true"
        elif name == "email":
            email = value
        else:
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
    user.attributes.update(change.others)
    return new_email and user.email is not None and not user.email_verified


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
        user.attributes.pop(name, None)
