"""The name a new user (SignUp, AdminCreateUser) is stored under, per the pool's sign-in
settings (`userpool/sign_in_names.py`), with Cognito's answers to a name that does not fit.

With `UsernameAttributes` the name given is the user's email or phone number: the user is
stored under a generated UUID, which is also their `sub` (as AWS does), and the name becomes
their `email` / `phone_number`. With an email or phone alias, a name of that form is refused
(it would be ambiguous at sign-in)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from dynafed.userpool.api.errors import InvalidParameterException
from dynafed.userpool.model import USERNAME_PATTERN, User, UserPool
from dynafed.userpool.sign_in_names import (
    EMAIL,
    PHONE_NUMBER,
    VERIFIED_FLAG,
    is_email,
    is_phone_number,
)

BAD_USERNAME = "Username may use letters, digits and .@+=,- on this server."
NOT_AN_EMAIL = "Username should be an email."
NOT_A_PHONE_NUMBER = "Username should be a phone number."
NEITHER = "Username should be either an email or a phone number."
EMAIL_ALIAS_FORM = (
    "Username cannot be of email format, since user pool is configured for email alias."
)
PHONE_ALIAS_FORM = (
    "Username cannot be of phone number format, since user pool is configured for phone "
    "number alias."
)


@dataclass(frozen=True, slots=True)
class NewUserName:
    username: str
    sub: str
    attributes: dict[str, str] = field(default_factory=dict)
    """What the given name sets (`email` or `phone_number` in a UsernameAttributes pool)."""

    def give_to(self, user: User) -> None:
        """Set the attribute the name stands for (over one given in `UserAttributes`, which
        the name must win: it is what the user signs in with); verified or not as given."""
        for attribute, value in self.attributes.items():
            if attribute == EMAIL:
                user.email = value
            else:
                user.attributes[attribute] = value
                user.attributes.setdefault(VERIFIED_FLAG[attribute], "false")


def new_user_name(pool: UserPool, given: str) -> NewUserName:
    sub = str(uuid.uuid4())
    if pool.username_attributes:
        accepted = pool.username_attributes
        if EMAIL in accepted and is_email(given):
            return NewUserName(sub, sub, {EMAIL: given})
        if PHONE_NUMBER in accepted and is_phone_number(given):
            return NewUserName(sub, sub, {PHONE_NUMBER: given})
        if len(accepted) == 2:
            raise InvalidParameterException(NEITHER)
        raise InvalidParameterException(NOT_AN_EMAIL if EMAIL in accepted else NOT_A_PHONE_NUMBER)
    if not USERNAME_PATTERN.fullmatch(given):
        raise InvalidParameterException(BAD_USERNAME)
    if EMAIL in pool.alias_attributes and is_email(given):
        raise InvalidParameterException(EMAIL_ALIAS_FORM)
    if PHONE_NUMBER in pool.alias_attributes and is_phone_number(given):
        raise InvalidParameterException(PHONE_ALIAS_FORM)
    return NewUserName(given, sub)
