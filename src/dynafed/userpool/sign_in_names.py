"""The names a user signs in with besides their user name: the pool's `UsernameAttributes`
(email and/or phone number *instead of* a user name) or `AliasAttributes` (email, phone
number or preferred_username *as well as* it). Pure.

As Cognito does (developer guide, "User pool attributes", sign-in customization):
* with `UsernameAttributes` the user's email / phone number is their sign-in name whether
  verified or not, and unique in the pool; their user name is a generated UUID (their `sub`);
* with `AliasAttributes` an email or phone number is a sign-in name only once verified
  (`email_verified` / `phone_number_verified` true), a `preferred_username` always; each
  alias belongs to one user of the pool at a time.
Emails and preferred user names are matched without regard to case, as user names are.
"""

from __future__ import annotations

import re

from dynafed.userpool.model import User, UserPool

EMAIL = "email"
PHONE_NUMBER = "phone_number"
PREFERRED_USERNAME = "preferred_username"
USERNAME_ATTRIBUTES = (EMAIL, PHONE_NUMBER)
ALIAS_ATTRIBUTES = (EMAIL, PHONE_NUMBER, PREFERRED_USERNAME)
VERIFIED_FLAG = {EMAIL: "email_verified", PHONE_NUMBER: "phone_number_verified"}

EMAIL_FORM = re.compile(r"[^@\s]+@[^@\s]+")
PHONE_FORM = re.compile(r"\+[0-9]{4,20}")
"""E.164 as Cognito takes it: a plus sign and digits."""


def is_email(value: str) -> bool:
    return EMAIL_FORM.fullmatch(value) is not None


def is_phone_number(value: str) -> bool:
    return PHONE_FORM.fullmatch(value) is not None


def normalized(attribute: str, value: str) -> str:
    return value if attribute == PHONE_NUMBER else value.lower()


def value_of(user: User, attribute: str) -> str | None:
    if attribute == EMAIL:
        return user.email
    return user.attributes.get(attribute) or None


def is_verified(user: User, attribute: str) -> bool:
    if attribute == EMAIL:
        return user.email_verified
    if attribute == PHONE_NUMBER:
        return user.attributes.get(VERIFIED_FLAG[PHONE_NUMBER]) == "true"
    return True


def sign_in_names(pool: UserPool, user: User) -> dict[str, str]:
    """attribute → the normalized value the user may sign in with, per the pool's settings."""
    names: dict[str, str] = {}
    for attribute in pool.username_attributes:
        value = value_of(user, attribute)
        if value:
            names[attribute] = normalized(attribute, value)
    for attribute in pool.alias_attributes:
        value = value_of(user, attribute)
        if value and is_verified(user, attribute):
            names[attribute] = normalized(attribute, value)
    return names


def taken_message(attribute: str) -> str:
    """Cognito's answer when another user of the pool already has the name."""
    return f"An account with the given {attribute} already exists."
