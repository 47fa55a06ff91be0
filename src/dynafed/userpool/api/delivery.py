"""Where a code "goes" (`CodeDeliveryDetails`), masked as Cognito masks it, and the spending
of wrong-code attempts against the sign-in throttle's per-address budget."""

from __future__ import annotations

import logging
from typing import Any

from dynafed.userpool.api.context import ApiContext, Call
from dynafed.userpool.api.errors import CodeLimitExceeded
from dynafed.userpool.codes import Message
from dynafed.userpool.model import User
from dynafed.userpool.throttle import address_key

OUTBOX_LOGGER = "dynafed.userpool.outbox"
log = logging.getLogger(OUTBOX_LOGGER)


def destination(user: User, verified_only: bool = False) -> tuple[str, str, str] | None:
    """(attribute, medium, address) a code for `user` would be sent to; `verified_only`:
    only to a verified email (a password reset)."""
    if user.email and (user.email_verified or not verified_only):
        return "email", "EMAIL", user.email
    phone = user.attributes.get("phone_number")
    if phone and not verified_only:  # phone numbers are never verified here
        return "phone_number", "SMS", phone
    return None


def mask(medium: str, address: str) -> str:
    """`a***@e***` for an address, `+*******1234` for a phone number."""
    if medium == "EMAIL":
        local, _, domain = address.partition("@")
        return f"{local[:1]}***@{domain[:1]}***"
    return "+" + "*" * max(len(address) - 5, 0) + address[-4:]


def details(user: User, verified_only: bool = False) -> dict[str, Any] | None:
    """`CodeDeliveryDetailsType` for a code sent to `user`, None when it has no address."""
    found = destination(user, verified_only)
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
