"""ForgotPassword, AdminResetUserPassword and ConfirmForgotPassword: a reset code to the
outbox, then a new password with it. AdminResetUserPassword also makes the user
RESET_REQUIRED: their old password signs in no more (PasswordResetRequiredException).

Only a user with an address to send to and a confirmed account may reset (Cognito needs a
verified email or phone number); an unknown user name is answered as the client's
`PreventUserExistenceErrors` says, as for sign-up codes. A reset code lives one hour; wrong
guesses are limited as for sign-up codes. The new password also ends any lockout (the lockout counts
against the old password hash).
"""

from __future__ import annotations

from typing import Any

from dynafed.errors import AwsError
from dynafed.storage.port import WriteTxn
from dynafed.userpool import codes, store
from dynafed.userpool.api import delivery, existence
from dynafed.userpool.api.confirmation import code_error
from dynafed.userpool.api.context import ApiContext, Call, find_client, require_pool
from dynafed.userpool.api.errors import (
    CodeMismatchException,
    InvalidParameterException,
    NotAuthorizedException,
    UserNotFoundException,
)
from dynafed.userpool.api.password_setting import USER_WORDING, check_policy, new_credentials
from dynafed.userpool.api.secret_hash import require_secret_hash
from dynafed.userpool.model import CONFIRMED, RESET_REQUIRED, UNCONFIRMED, User, UserPool

NO_ADDRESS = (
    "Cannot reset password for the user as there is no registered/verified email or phone_number"
)


def forgot_password(ctx: ApiContext, body: dict[str, Any], call: Call) -> dict[str, Any]:
    pool, client = find_client(ctx, body["ClientId"])
    username = body["Username"]
    require_secret_hash(client, username, body.get("SecretHash"))
    sent = ctx.pools.deps.storage.write(
        lambda txn: _send_reset_code(txn, pool, username, ctx.now(), False)
    )
    if sent is None:
        if existence.reveals(client):
            raise existence.not_found_for_client()
        return {"CodeDeliveryDetails": delivery.simulated(username)}
    user, message = sent
    delivery.announce(message)
    return {"CodeDeliveryDetails": delivery.details(user, verified_only=True)}


def admin_reset_user_password(ctx: ApiContext, body: dict[str, Any], call: Call) -> dict[str, Any]:
    def write(txn: WriteTxn) -> tuple[User, codes.Message] | None:
        pool = require_pool(txn, body["UserPoolId"], call.region)
        return _send_reset_code(txn, pool, body["Username"], ctx.now(), True)

    sent = ctx.pools.deps.storage.write(write)
    if sent is None:
        raise UserNotFoundException()
    delivery.announce(sent[1])
    return {}


def _send_reset_code(
    txn: WriteTxn, pool: UserPool, username: str, now: float, require_reset: bool
) -> tuple[User, codes.Message] | None:
    user = store.find_user(txn, pool, username)
    if user is None:
        return None
    if not user.enabled:
        raise NotAuthorizedException("User is disabled.")
    found = delivery.destination(user, verified_only=True)
    if found is None or user.status == UNCONFIRMED:
        raise InvalidParameterException(NO_ADDRESS)
    if require_reset:
        user.status, user.modified_at = RESET_REQUIRED, now
        store.save_user(txn, user)
    message = codes.issue(txn, user, codes.FORGOT_PASSWORD, codes.new_code(), found[2], now)
    return user, message


def confirm_forgot_password(ctx: ApiContext, body: dict[str, Any], call: Call) -> dict[str, Any]:
    pool, client = find_client(ctx, body["ClientId"])
    username, code, password = body["Username"], body["ConfirmationCode"], body["Password"]
    require_secret_hash(client, username, body.get("SecretHash"))
    check_policy(pool, password, USER_WORDING)  # before the code is used up
    address = delivery.spend_attempt(ctx, call)
    now, legacy = ctx.now(), existence.reveals(client)

    def redeem(txn: WriteTxn) -> AwsError | User:
        user = store.find_user(txn, pool, username)
        if user is None:
            return existence.not_found_for_client() if legacy else CodeMismatchException()
        refusal = codes.redeem(txn, user, codes.FORGOT_PASSWORD, code, now)
        return code_error(refusal) if refusal is not None else user

    outcome = ctx.pools.deps.storage.write(redeem)
    if isinstance(outcome, AwsError):  # returned, not raised: a wrong guess is counted
        raise outcome
    delivery.refund_attempt(ctx, address)
    # slow: outside the transactions
    credentials = new_credentials(ctx, pool, outcome.username, password, USER_WORDING)

    def write(txn: WriteTxn) -> None:
        user = store.get_user(txn, pool.pool_id, outcome.username)
        if user is None or user.sub != outcome.sub:
            raise CodeMismatchException()
        user.set_password(credentials)
        user.modified_at = ctx.now()
        if user.status != UNCONFIRMED:
            user.status = CONFIRMED
        store.save_user(txn, user)

    ctx.pools.deps.storage.write(write)
    return {}
