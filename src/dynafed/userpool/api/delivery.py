"""Where a code "goes" (`CodeDeliveryDetails`), masked as Cognito masks it, which attribute
a pool's `AutoVerifiedAttributes` make SignUp's code verify, and the spending of wrong-code
attempts against the sign-in throttle's per-address budget."""

from __future__ import annotations

import logging
from typing import Any

from dynafed.userpool.api.context import ApiContext, Call
from dynafed.userpool.api.errors import CodeLimitExceeded
from dynafed.userpool.codes import Message
from dynafed.userpool.model import User, UserPool
from dynafed.userpool.sign_in_names import EMAIL, PHONE_NUMBER, VERIFIED_FLAG, is_verified
from dynafed.userpool.throttle import address_key

OUTBOX_LOGGER = "dynafed.userpool.outbox"
log = logging.getLogger(OUTBOX_LOGGER)


Destination = tuple[str, str, str]
"""(attribute, medium, address)."""
AUTO_VERIFICATION_OFF = "Cannot resend codes. Auto verification not turned on."


def destination(user: User, verified_only: bool = False) -> Destination | None:
    """Where a message for `user` would be sent: their email, else their phone number;
    `verified_only`: only a verified one (a password reset)."""
    if user.email and (user.email_verified or not verified_only):
        return EMAIL, "EMAIL", user.email
    phone = user.attributes.get(PHONE_NUMBER)
    if phone and (not verified_only or is_verified(user, PHONE_NUMBER)):
        return PHONE_NUMBER, "SMS", phone
    return None


def verifies_at_sign_up(pool: UserPool) -> bool:
    """Whether SignUp sends a confirmation code: the pool auto-verifies an attribute."""
    return pool.auto_verified_attributes is None or bool(pool.auto_verified_attributes)


def sign_up_destination(pool: UserPool, user: User) -> Destination | None:
    """The auto-verified attribute SignUp's code goes to, and which confirming verifies:
    the phone number when both are auto-verified, as Cognito does (developer guide,
    "Verifying contact information at sign-up")."""
    auto = pool.auto_verified_attributes
    if auto is None:
        return destination(user)
    phone = user.attributes.get(PHONE_NUMBER)
    if PHONE_NUMBER in auto and phone:
        return PHONE_NUMBER, "SMS", phone
    if EMAIL in auto and user.email:
        return EMAIL, "EMAIL", user.email
    return None


def auto_verifies(pool: UserPool, attribute: str) -> bool:
    """Whether a new value of `attribute` is sent a code to verify it (UpdateUserAttributes)."""
    auto = pool.auto_verified_attributes
    return attribute == EMAIL if auto is None else attribute in auto


def mark_verified(user: User, attribute: str) -> None:
    if attribute == EMAIL:
        user.email_verified = True
    else:
        user.attributes[VERIFIED_FLAG[attribute]] = "true"


def mask(medium: str, address: str) -> str:
    """`a***@e***` for an address, `+*******1234` for a phone number."""
    if medium == "EMAIL":
        local, _, domain = address.partition("@")
        return f"{local[:1]}***@{domain[:1]}***"
    return "+" + "*" * max(len(address) - 5, 0) + address[-4:]


def details(user: User, verified_only: bool = False) -> dict[str, Any] | None:
    """`CodeDeliveryDetailsType` for a code sent to `user`, None when it has no address."""
    return details_of(destination(user, verified_only))


def details_of(found: Destination | None) -> dict[str, Any] | None:
    if found is None:
        return None
    attribute, medium, address = found
    return {
        "Destination": mask(medium, address),
        "DeliveryMedium": medium,
        "AttributeName": attribute,
    }


def simulated(username: str) -> dict[str, Any]:
    """What a request for an unknown user gets, so the answer does not tell who exists."""
    shown = username if "@" in username else f"{username}@example.com"
    return {
        "Destination": mask("EMAIL", shown),
        "DeliveryMedium": "EMAIL",
        "AttributeName": "email",
    }


def announce(message: Message) -> None:
    """The server log's copy of an outbox message."""
    log.info("cognito-idp outbox: %s", message.line())


def spend_attempt(ctx: ApiContext, call: Call) -> str:
    """Take one wrong-guess token from the caller's address (the sign-in throttle's budget)
    before checking a code; refused with LimitExceededException when there is none."""
    address = address_key(call.client_ip)
    if ctx.check.throttle.take_attempt(address, ctx.now()) is not None:
        raise CodeLimitExceeded()
    return address


def refund_attempt(ctx: ApiContext, address: str) -> None:
    """The code was right: only wrong guesses wear the budget down."""
    ctx.check.throttle.return_attempt(address, ctx.now())
