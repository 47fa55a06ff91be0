"""Which names a user signs in with, per the pool's UsernameAttributes / AliasAttributes, and
the name a new user is stored under."""

from __future__ import annotations

import uuid

import pytest

from dynafed.errors import InvalidParameterException
from dynafed.userpool.api.new_users import new_user_name
from dynafed.userpool.model import User, UserPool
from dynafed.userpool.sign_in_names import sign_in_names


def pool(**settings: list[str]) -> UserPool:
    return UserPool(pool_id="us-east-1_Names", name="names", created_at=0.0, **settings)


def user(email: str | None = None, verified: bool = False, **attributes: str) -> User:
    return User(
        pool_id="us-east-1_Names",
        username="someone",
        sub="sub-1",
        password_hash="",
        created_at=0.0,
        email=email,
        email_verified=verified,
        attributes=dict(attributes),
    )


def test_username_attributes_sign_in_whether_verified_or_not() -> None:
    found = sign_in_names(
        pool(username_attributes=["email", "phone_number"]),
        user("Ada@Example.com", phone_number="+15555550100"),
    )
    assert found == {"email": "ada@example.com", "phone_number": "+15555550100"}


def test_aliases_sign_in_once_verified_and_a_preferred_username_always() -> None:
    aliases = pool(alias_attributes=["email", "phone_number", "preferred_username"])
    unverified = user("a@example.com", phone_number="+15555550100", preferred_username="Ada")
    assert sign_in_names(aliases, unverified) == {"preferred_username": "ada"}
    verified = user(
        "a@example.com",
        verified=True,
        phone_number="+15555550100",
        phone_number_verified="true",
    )
    assert sign_in_names(aliases, verified) == {
        "email": "a@example.com",
        "phone_number": "+15555550100",
    }


def test_a_plain_pool_has_no_names_but_the_user_name() -> None:
    assert sign_in_names(pool(), user("a@example.com", verified=True)) == {}


def test_a_new_user_of_an_email_pool_is_named_by_a_uuid_that_is_their_sub() -> None:
    named = new_user_name(pool(username_attributes=["email"]), "ada@example.com")
    assert named.username == named.sub and uuid.UUID(named.sub)
    assert named.attributes == {"email": "ada@example.com"}


@pytest.mark.parametrize(
    ("settings", "given", "wording"),
    [
        ({"username_attributes": ["email"]}, "+15555550100", "Username should be an email."),
        ({"username_attributes": ["phone_number"]}, "a@b.c", "Username should be a phone number."),
        (
            {"username_attributes": ["email", "phone_number"]},
            "ada",
            "Username should be either an email or a phone number.",
        ),
        ({"alias_attributes": ["email"]}, "a@b.c", "cannot be of email format"),
        ({"alias_attributes": ["phone_number"]}, "+15555550100", "phone number format"),
    ],
)
def test_names_that_do_not_fit_the_pool_are_refused(
    settings: dict[str, list[str]], given: str, wording: str
) -> None:
    with pytest.raises(InvalidParameterException, match=wording):
        new_user_name(pool(**settings), given)


def test_a_plain_pool_keeps_the_name_given() -> None:
    named = new_user_name(pool(), "ada@example.com")
    assert named.username == "ada@example.com" and named.attributes == {}
