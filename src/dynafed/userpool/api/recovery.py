"""ForgotPassword and ConfirmForgotPassword: a reset code to the outbox, then a new password
with it.

Only a user with an address to send to and a confirmed account may reset (Cognito needs a
verified email or phone number); an unknown user name gets a simulated delivery, and a code
for one a mismatch, as the sign-up codes. A reset code lives one hour; wrong guesses are
limited as for sign-up codes. The new password also ends any lockout (the lockout counts
against the old password hash).
"""

from __future__ import annotations

from typing import Any

from dynafed.errors import AwsError
from dynafed.storage.port import WriteTxn
from dynafed.userpool import codes, store
from dynafed.userpool.api import delivery
from dynafed.userpool.api.confirmation import code_error
from dynafed.userpool.api.context import ApiContext, Call, find_client
from dynafed.userpool.api.errors import (
    CodeMismatchException,
    InvalidParameterException,
    NotAuthorizedException,
)
from dynafed.userpool.api.password_setting import USER_WORDING, check_policy, new_credentials
from dynafed.userpool.api.secret_hash import require_secret_hash
from dynafed.userpool.model import CONFIRMED, UNCONFIRMED, User

NO_ADDRESS = (
    "Cannot reset password for the user as there is no registered/verified email or phone_number"
)


def forgot_password(ctx: ApiContext, body: dict[str, Any], call: Call) -> dict[str, Any]:
    pool, client = find_client(ctx, body["ClientId"])
    username = body["Username"]
    require_secret_hash(client, username, body.get("SecretHash"))
    now = ctx.now()

    def write(txn: WriteTxn) -> tuple[User, codes.Message] | None:
        user = store.get_user(txn, pool.pool_id, username)
        if user is None:
            return None
        if not user.enabled:
            raise NotAuthorizedException("User is disabled.")
        found = delivery.destination(user)
        if found is None or user.status == UNCONFIRMED:
            raise InvalidParameterException(NO_ADDRESS)
        code = codes.new_code()
        return user, codes.issue(txn, user, codes.FORGOT_PASSWORD, code, found[2], now)

    sent = ctx.pools.deps.storage.write(write)
    if sent is None:
        return {"CodeDeliveryDetails": delivery.simulated(username)}
    user, message = sent
    delivery.announce(message)
    return {"CodeDeliveryDetails": delivery.details(user)}


def confirm_forgot_password(ctx: ApiContext, body: dict[str, Any], call: Call) -> dict[str, Any]:
    pool, client = find_client(ctx, body["ClientId"])
    username, code, password = body["Username"], body["ConfirmationCode"], body["Password"]
    require_secret_hash(client, username, body.get("SecretHash"))
    check_policy(pool, password, USER_WORDING)  # before the code is used up
    address = delivery.spend_attempt(ctx, call)
    now = ctx.now()

    def redeem(txn: WriteTxn) -> AwsError | User:
        user = store.get_user(txn, pool.pool_id, username)
        if user is None:
            return CodeMismatchException()
        refusal = codes.redeem(txn, user, codes.FORGOT_PASSWORD, code, now)
        return code_error(refusal) if refusal is not None else user

    outcome = ctx.pools.deps.storage.write(redeem)
    if isinstance(outcome, AwsError):  # returned, not raised: a wrong guess is counted
        raise outcome
    delivery.refund_attempt(ctx, address)
    # slow: outside the transactions
    credentials = new_credentials(ctx, pool, outcome.username, password, USER_WORDING)

    def write(txn: WriteTxn) -> None:
        user = store.get_user(txn, pool.pool_id, username)
        if user is None or user.sub != outcome.sub:
            raise CodeMismatchException()
        user.set_password(credentials)
        user.modified_at = ctx.now()
        if user.status != UNCONFIRMED:
            user.status = CONFIRMED
        store.save_user(txn, user)

    ctx.pools.deps.storage.write(write)
    return {}
