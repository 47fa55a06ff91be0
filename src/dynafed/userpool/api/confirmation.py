"""SignUp, ConfirmSignUp, ResendConfirmationCode, AdminConfirmSignUp.

A signed-up user is UNCONFIRMED (InitiateAuth answers UserNotConfirmedException once the
password proves right) until ConfirmSignUp brings back the code from the outbox or an
administrator confirms them. Unknown user names are answered as the client's
`PreventUserExistenceErrors` says (`api/existence.py`): ENABLED, ConfirmSignUp gets
CodeMismatchException and ResendConfirmationCode a simulated delivery; LEGACY,
UserNotFoundException.
"""

from __future__ import annotations

from typing import Any

from dynafed.errors import AwsError
from dynafed.storage.port import WriteTxn
from dynafed.userpool import codes, store
from dynafed.userpool.api import attributes as user_attributes
from dynafed.userpool.api import delivery, existence
from dynafed.userpool.api.context import ApiContext, Call, find_client, require_pool
from dynafed.userpool.api.custom_attributes import conform, require_attributes
from dynafed.userpool.api.errors import (
    CodeLimitExceeded,
    CodeMismatchException,
    ExpiredCodeException,
    InvalidParameterException,
    NotAuthorizedException,
    UsernameExistsException,
    UserNotFoundException,
)
from dynafed.userpool.api.new_users import new_user_name
from dynafed.userpool.api.password_setting import USER_WORDING, new_credentials
from dynafed.userpool.api.secret_hash import require_secret_hash
from dynafed.userpool.codes import Refusal
from dynafed.userpool.model import CONFIRMED, UNCONFIRMED, User
from dynafed.userpool.sign_in_names import PREFERRED_USERNAME

PREFERRED_USERNAME_AT_SIGN_UP = (
    "preferred_username cannot be given at sign-up in a pool where it is an alias: set it "
    "once the account is confirmed."
)
"""Cognito's rule (developer guide, "User pool attributes": "your user can provide the value
only when they confirm an account. They can't provide the value during registration"); the
wording is ours."""


def sign_up(ctx: ApiContext, body: dict[str, Any], call: Call) -> dict[str, Any]:
    pool, client = find_client(ctx, body["ClientId"])
    username = body["Username"]
    require_secret_hash(client, username, body.get("SecretHash"))
    if pool.allow_admin_create_user_only:
        raise NotAuthorizedException("SignUp is not permitted for this user pool")
    named = new_user_name(pool, username)
    change = user_attributes.parse(body.get("UserAttributes") or [], by_admin=False)
    conform(pool, change.named(), creating=True)
    if PREFERRED_USERNAME in pool.alias_attributes and PREFERRED_USERNAME in change.others:
        raise InvalidParameterException(PREFERRED_USERNAME_AT_SIGN_UP)
    # slow: before the transaction
    credentials = new_credentials(ctx, pool, named.username, body["Password"], USER_WORDING)
    now = ctx.now()
    user = User(
        pool_id=pool.pool_id,
        username=named.username,
        sub=named.sub,
        password_hash=credentials.password_hash,
        srp_salt=credentials.srp_salt,
        srp_verifier=credentials.srp_verifier,
        created_at=now,
        email=change.email or None,
        email_verified=False,  # until the code sent to it comes back
        status=UNCONFIRMED,
        attributes=change.others,
        modified_at=now,
    )
    named.give_to(user)
    user_attributes.settle_phone_verification(user)
    require_attributes(pool, {a["Name"]: a["Value"] for a in user_attributes.listed(user)})
    # No auto-verified attribute: no code, an administrator confirms (AdminConfirmSignUp).
    sends_code = delivery.verifies_at_sign_up(pool)
    found = delivery.sign_up_destination(pool, user)

    def write(txn: WriteTxn) -> codes.Message | None:
        if store.get_user(txn, pool.pool_id, user.username) is not None:
            raise UsernameExistsException("User already exists")
        store.save_user(txn, user)
        if not sends_code:
            return None
        address = found[2] if found else None
        return codes.issue(txn, user, codes.SIGN_UP, codes.new_code(), address, now)

    message = ctx.pools.deps.storage.write(write)
    answer: dict[str, Any] = {"UserConfirmed": False, "UserSub": user.sub}
    if message is None:
        return answer
    delivery.announce(message)
    shown = delivery.details_of(found)
    if shown is not None:
        answer["CodeDeliveryDetails"] = shown
    return answer


def confirm_sign_up(ctx: ApiContext, body: dict[str, Any], call: Call) -> dict[str, Any]:
    pool, client = find_client(ctx, body["ClientId"])
    username, code = body["Username"], body["ConfirmationCode"]
    require_secret_hash(client, username, body.get("SecretHash"))
    address = delivery.spend_attempt(ctx, call)
    now, legacy = ctx.now(), existence.reveals(client)
    take_aliases = bool(body.get("ForceAliasCreation"))

    def write(txn: WriteTxn) -> AwsError | None:
        user = store.find_user(txn, pool, username)
        if user is None:
            return existence.not_found_for_client() if legacy else CodeMismatchException()
        if user.status != UNCONFIRMED:
            return NotAuthorizedException(
                f"User cannot be confirmed. Current status is {user.status}"
            )
        refusal = codes.redeem(txn, user, codes.SIGN_UP, code, now)
        if refusal is not None:
            return code_error(refusal)
        user.status, user.modified_at = CONFIRMED, now
        found = delivery.sign_up_destination(pool, user)
        if found is not None:  # the code went there
            delivery.mark_verified(user, found[0])
        # An alias another user has: AliasExistsException, and the code stays unspent.
        store.save_user(txn, user, take_aliases)
        return None

    problem = ctx.pools.deps.storage.write(write)
    if problem is not None:  # returned, not raised: a wrong guess is counted
        raise problem
    delivery.refund_attempt(ctx, address)
    return {}


def code_error(refusal: Refusal) -> AwsError:
    if refusal is Refusal.EXPIRED:
        return ExpiredCodeException()
    if refusal is Refusal.USED_UP:
        return CodeLimitExceeded()
    return CodeMismatchException()


def resend_confirmation_code(ctx: ApiContext, body: dict[str, Any], call: Call) -> dict[str, Any]:
    pool, client = find_client(ctx, body["ClientId"])
    username = body["Username"]
    require_secret_hash(client, username, body.get("SecretHash"))
    now = ctx.now()

    def write(txn: WriteTxn) -> tuple[User, codes.Message] | None:
        user = store.find_user(txn, pool, username)
        if user is None:
            return None
        if user.status != UNCONFIRMED:
            raise InvalidParameterException("User is already confirmed.")
        found = delivery.sign_up_destination(pool, user)
        address = found[2] if found else None
        return user, codes.issue(txn, user, codes.SIGN_UP, codes.new_code(), address, now)

    if not delivery.verifies_at_sign_up(pool):
        raise InvalidParameterException(delivery.AUTO_VERIFICATION_OFF)
    sent = ctx.pools.deps.storage.write(write)
    if sent is None:
        if existence.reveals(client):
            raise existence.not_found_for_client()
        return {"CodeDeliveryDetails": delivery.simulated(username)}
    user, message = sent
    delivery.announce(message)
    shown = delivery.details_of(delivery.sign_up_destination(pool, user))
    return {"CodeDeliveryDetails": shown or delivery.simulated(username)}


def admin_confirm_sign_up(ctx: ApiContext, body: dict[str, Any], call: Call) -> dict[str, Any]:
    def write(txn: WriteTxn) -> None:
        pool = require_pool(txn, body["UserPoolId"], call.region)
        user = store.find_user(txn, pool, body["Username"])
        if user is None:
            raise UserNotFoundException()
        if user.status != UNCONFIRMED:
            raise NotAuthorizedException(
                f"User cannot be confirmed. Current status is {user.status}"
            )
        user.status, user.modified_at = CONFIRMED, ctx.now()
        store.save_user(txn, user)
        codes.discard(txn, user, codes.SIGN_UP)

    ctx.pools.deps.storage.write(write)
    return {}
