"""What a signed-in user does with their access token: GetUser, UpdateUserAttributes,
DeleteUserAttributes, ChangePassword, GlobalSignOut, DeleteUser; RevokeToken (a refresh
token, by its client); and the administrator's AdminUserGlobalSignOut.

Signing out (GlobalSignOut, AdminUserGlobalSignOut) deletes every refresh token of the user
and revokes the sign-ins they came from, so those sign-ins' access tokens are refused at
once by these operations ("Access Token has been revoked"); RevokeToken does the same for
one refresh token's sign-in. ID tokens stay valid until they expire, as on AWS.
"""

from __future__ import annotations

import hmac
from typing import Any

from dynafed.errors import AwsError
from dynafed.storage.port import WriteTxn
from dynafed.userpool import codes, grants, store
from dynafed.userpool.api import attributes as user_attributes
from dynafed.userpool.api import delivery
from dynafed.userpool.api.access_tokens import Caller, caller_of
from dynafed.userpool.api.auth import refusals_as_errors
from dynafed.userpool.api.confirmation import code_error
from dynafed.userpool.api.context import ApiContext, Call, find_client, require_pool
from dynafed.userpool.api.custom_attributes import conform
from dynafed.userpool.api.errors import (
    InvalidParameterException,
    NotAuthorizedException,
    UnauthorizedException,
    UnsupportedTokenTypeException,
    UserNotFoundException,
)
from dynafed.userpool.api.password_setting import USER_WORDING, new_credentials
from dynafed.userpool.model import User, UserPool
from dynafed.userpool.sign_in_names import EMAIL, PHONE_NUMBER, is_verified, value_of


def get_user(ctx: ApiContext, body: dict[str, Any], call: Call) -> dict[str, Any]:
    user = caller_of(ctx, body["AccessToken"]).user
    return {"Username": user.username, "UserAttributes": user_attributes.listed(user)}


def update_user_attributes(ctx: ApiContext, body: dict[str, Any], call: Call) -> dict[str, Any]:
    """Attributes change at once; a new email or phone number is unverified, and when the
    pool auto-verifies it a code to verify it goes to the outbox (VerifyUserAttribute)."""
    caller = caller_of(ctx, body["AccessToken"])
    change = user_attributes.parse(body["UserAttributes"], by_admin=False)
    conform(caller.pool, change.named(), creating=False)
    now = ctx.now()

    def write(txn: WriteTxn) -> list[tuple[codes.Message, delivery.Destination]]:
        user = _current(txn, caller)
        before = {name: value_of(user, name) for name in VERIFIABLE}
        user_attributes.apply(user, change)
        user.modified_at = now
        store.save_user(txn, user)
        sent = []
        for name in VERIFIABLE:
            address = value_of(user, name)
            changed = address is not None and address != before[name]
            if (
                changed
                and not is_verified(user, name)
                and delivery.auto_verifies(caller.pool, name)
            ):
                found = _verification_destination(user, name)
                purpose = VERIFY_PURPOSE[name]
                sent.append(
                    (codes.issue(txn, user, purpose, codes.new_code(), found[2], now), found)
                )
        return sent

    sent = ctx.pools.deps.storage.write(write)
    for message, _ in sent:
        delivery.announce(message)
    return {"CodeDeliveryDetailsList": [delivery.details_of(found) for _, found in sent]}


def get_user_attribute_verification_code(
    ctx: ApiContext, body: dict[str, Any], call: Call
) -> dict[str, Any]:
    caller = caller_of(ctx, body["AccessToken"])
    name = _verifiable(body["AttributeName"])
    now = ctx.now()

    def write(txn: WriteTxn) -> tuple[codes.Message, delivery.Destination]:
        user = _current(txn, caller)
        if value_of(user, name) is None:
            raise InvalidParameterException(f"User does not have a {name} to verify.")
        found = _verification_destination(user, name)
        code = codes.new_code()
        return codes.issue(txn, user, VERIFY_PURPOSE[name], code, found[2], now), found

    message, found = ctx.pools.deps.storage.write(write)
    delivery.announce(message)
    return {"CodeDeliveryDetails": delivery.details_of(found)}


def verify_user_attribute(ctx: ApiContext, body: dict[str, Any], call: Call) -> dict[str, Any]:
    """The code makes the attribute verified; an email or phone number another user signs in
    with as an alias is AliasExistsException, and the code stays unspent."""
    caller = caller_of(ctx, body["AccessToken"])
    name = _verifiable(body["AttributeName"])
    address = delivery.spend_attempt(ctx, call)
    now = ctx.now()

    def write(txn: WriteTxn) -> AwsError | None:
        user = _current(txn, caller)
        refusal = codes.redeem(txn, user, VERIFY_PURPOSE[name], body["Code"], now)
        if refusal is not None:
            return code_error(refusal)
        delivery.mark_verified(user, name)
        user.modified_at = now
        store.save_user(txn, user)
        return None

    problem = ctx.pools.deps.storage.write(write)
    if problem is not None:  # returned, not raised: a wrong guess is counted
        raise problem
    delivery.refund_attempt(ctx, address)
    return {}


VERIFIABLE = (EMAIL, PHONE_NUMBER)
VERIFY_PURPOSE = {EMAIL: codes.VERIFY_EMAIL, PHONE_NUMBER: codes.VERIFY_PHONE_NUMBER}


def _verifiable(name: str) -> str:
    """Only `email` and `phone_number` can be verified (Cognito's rule)."""
    if name not in VERIFIABLE:
        raise InvalidParameterException(
            f"{name} cannot be verified: only email and phone_number can."
        )
    return name


def _verification_destination(user: User, name: str) -> delivery.Destination:
    address = value_of(user, name)
    assert address is not None
    return (name, "EMAIL", address) if name == EMAIL else (name, "SMS", address)


def _current(txn: WriteTxn, caller: Caller) -> User:
    user = store.get_user(txn, caller.pool.pool_id, caller.user.username)
    if user is None or user.sub != caller.user.sub:
        raise NotAuthorizedException("Invalid Access Token")
    return user


def delete_user_attributes(ctx: ApiContext, body: dict[str, Any], call: Call) -> dict[str, Any]:
    caller = caller_of(ctx, body["AccessToken"])

    def write(txn: WriteTxn) -> None:
        user = _current(txn, caller)
        user_attributes.remove(user, body["UserAttributeNames"])
        user.modified_at = ctx.now()
        store.save_user(txn, user)

    ctx.pools.deps.storage.write(write)
    return {}


def delete_user(ctx: ApiContext, body: dict[str, Any], call: Call) -> dict[str, Any]:
    """The user deletes themselves; their refresh tokens and sign-ins go with them."""
    caller = caller_of(ctx, body["AccessToken"])
    now = ctx.now()

    def write(txn: WriteTxn) -> None:
        user = store.get_user(txn, caller.pool.pool_id, caller.user.username)
        if user is None or user.sub != caller.user.sub:
            raise NotAuthorizedException("Invalid Access Token")
        until = now + grants.MAX_ACCESS_TOKEN_SECONDS
        grants.sign_out_everywhere(txn, user.pool_id, user.sub, until, now)
        store.delete_user(txn, user.pool_id, user.username)

    ctx.pools.deps.storage.write(write)
    return {}


def change_password(ctx: ApiContext, body: dict[str, Any], call: Call) -> dict[str, Any]:
    caller = caller_of(ctx, body["AccessToken"])
    previous = body.get("PreviousPassword")
    if not previous:
        raise InvalidParameterException("Missing required parameter PreviousPassword")
    pool, user = caller.pool, caller.user
    with refusals_as_errors():  # the sign-in's throttle and lockout
        ctx.check.authenticate(pool, user.username, previous, call.client_ip)
    credentials = new_credentials(ctx, pool, user.username, body["ProposedPassword"], USER_WORDING)

    def write(txn: WriteTxn) -> None:
        latest = store.get_user(txn, pool.pool_id, user.username)
        if latest is None or latest.sub != user.sub:
            raise NotAuthorizedException("Invalid Access Token")
        latest.set_password(credentials)
        latest.modified_at = ctx.now()
        store.save_user(txn, latest)

    ctx.pools.deps.storage.write(write)
    return {}


def global_sign_out(ctx: ApiContext, body: dict[str, Any], call: Call) -> dict[str, Any]:
    caller = caller_of(ctx, body["AccessToken"])
    _sign_out(ctx, caller.pool, caller.user.sub)
    return {}


def admin_user_global_sign_out(ctx: ApiContext, body: dict[str, Any], call: Call) -> dict[str, Any]:
    with ctx.pools.deps.storage.read() as view:
        pool = require_pool(view, body["UserPoolId"], call.region)
        user = store.find_user(view, pool, body["Username"])
    if user is None:
        raise UserNotFoundException()
    _sign_out(ctx, pool, user.sub)
    return {}


def _sign_out(ctx: ApiContext, pool: UserPool, sub: str) -> None:
    now = ctx.now()
    until = now + grants.MAX_ACCESS_TOKEN_SECONDS
    ctx.pools.deps.storage.write(
        lambda txn: grants.sign_out_everywhere(txn, pool.pool_id, sub, until, now)
    )


def revoke_token(ctx: ApiContext, body: dict[str, Any], call: Call) -> dict[str, Any]:
    _, client = find_client(ctx, body["ClientId"])
    if not client.is_public:
        given = body.get("ClientSecret") or ""
        if client.secret is None or not hmac.compare_digest(client.secret, given):
            raise UnauthorizedException("Invalid client secret")
    token = body["Token"]
    if token.count(".") == 2:  # a JWT: an ID or access token, not a refresh token
        raise UnsupportedTokenTypeException("Unsupported token type")
    now = ctx.now()
    until = now + grants.MAX_ACCESS_TOKEN_SECONDS
    owned = ctx.pools.deps.storage.write(
        lambda txn: grants.revoke_refresh_token_of_client(txn, token, client.client_id, until, now)
    )
    if not owned:
        raise UnauthorizedException("The token was issued to another client")
    return {}
