"""AdminCreateUser, AdminSetUserPassword, AdminGetUser, AdminDeleteUser, ListUsers,
AdminUpdateUserAttributes, AdminDeleteUserAttributes, AdminDisableUser, AdminEnableUser.

No message ever leaves the server: AdminCreateUser's invitation goes to the pool's outbox.
A user created with a temporary password is FORCE_CHANGE_PASSWORD until a sign-in answers
the NEW_PASSWORD_REQUIRED challenge (`api/auth.py`) or an admin sets a permanent password.
Password hashing is slow: the edge runs these operations on the sign-in threads.
"""

from __future__ import annotations

import re
import secrets
from typing import Any

from dynafed.storage.port import ReadView, WriteTxn
from dynafed.userpool import codes, grants, store
from dynafed.userpool.api import attributes as user_attributes
from dynafed.userpool.api import delivery
from dynafed.userpool.api.context import ApiContext, Call, page, require_pool
from dynafed.userpool.api.custom_attributes import conform
from dynafed.userpool.api.errors import (
    InvalidParameterException,
    UnsupportedUserStateException,
    UsernameExistsException,
    UserNotFoundException,
)
from dynafed.userpool.api.new_users import new_user_name
from dynafed.userpool.api.password_setting import new_credentials
from dynafed.userpool.model import (
    CONFIRMED,
    FORCE_CHANGE_PASSWORD,
    UNCONFIRMED,
    User,
)

FILTER = re.compile(r'\s*([\w:]+)\s*(\^?=)\s*"([^"]*)"\s*')
"""ListUsers' `Filter`: `name = "value"` or `name ^= "value"` (prefix)."""


def user_view(user: User, attributes_key: str = "Attributes") -> dict[str, Any]:
    """`UserType` (AdminGetUser names the list `UserAttributes`)."""
    return {
        "Username": user.username,
        attributes_key: user_attributes.listed(user),
        "UserCreateDate": user.created_at,
        "UserLastModifiedDate": user.modified_at or user.created_at,
        "Enabled": user.enabled,
        "UserStatus": user.status,
    }


def admin_create_user(ctx: ApiContext, body: dict[str, Any], call: Call) -> dict[str, Any]:
    """Unless `MessageAction` is SUPPRESS, the invitation (user name and temporary password)
    goes to the outbox for a user with an email or phone number; RESEND gives a user who
    has not signed in yet a new temporary password and invitation."""
    if body.get("MessageAction") == "RESEND":
        return _resend_invitation(ctx, body, call)
    with ctx.pools.deps.storage.read() as view:
        pool = require_pool(view, body["UserPoolId"], call.region)
    named = new_user_name(pool, body["Username"])
    username = named.username
    change = user_attributes.parse(body.get("UserAttributes") or [], by_admin=True)
    conform(pool, change.named(), creating=True)
    temporary = body.get("TemporaryPassword") or _temporary_password()
    now = ctx.now()
    credentials = new_credentials(ctx, pool, username, temporary)
    user = User(
        pool_id=body["UserPoolId"],
        username=username,
        sub=named.sub,
        password_hash=credentials.password_hash,
        srp_salt=credentials.srp_salt,
        srp_verifier=credentials.srp_verifier,
        created_at=now,
        email=change.email or None,
        email_verified=bool(change.email_verified),
        status=FORCE_CHANGE_PASSWORD,
        attributes=change.others,
        modified_at=now,
    )
    named.give_to(user)
    user_attributes.settle_phone_verification(user)
    invite = body.get("MessageAction") != "SUPPRESS"
    take_aliases = bool(body.get("ForceAliasCreation"))

    def write(txn: WriteTxn) -> codes.Message | None:
        require_pool(txn, user.pool_id, call.region)
        if store.get_user(txn, user.pool_id, username) is not None:
            raise UsernameExistsException()
        store.save_user(txn, user, take_aliases)
        return _invite(txn, user, temporary, now) if invite else None

    message = ctx.pools.deps.storage.write(write)
    if message is not None:
        delivery.announce(message)
    return {"User": user_view(user)}


def _temporary_password() -> str:
    """Random, and of every character class, so any pool policy takes it."""
    return secrets.token_urlsafe(18) + "Aa1!"


def _invite(txn: WriteTxn, user: User, temporary: str, now: float) -> codes.Message | None:
    found = delivery.destination(user)
    if found is None:
        return None
    return codes.post(txn, user, codes.INVITATION, temporary, found[2], now)


def _resend_invitation(ctx: ApiContext, body: dict[str, Any], call: Call) -> dict[str, Any]:
    with ctx.pools.deps.storage.read() as view:
        pool = require_pool(view, body["UserPoolId"], call.region)
        stored = _require_user(view, body["UserPoolId"], body["Username"], call.region)
    temporary = body.get("TemporaryPassword") or _temporary_password()
    credentials = new_credentials(ctx, pool, stored.username, temporary)
    now = ctx.now()

    def write(txn: WriteTxn) -> tuple[User, codes.Message | None]:
        user = _require_user(txn, body["UserPoolId"], body["Username"], call.region)
        if user.status != FORCE_CHANGE_PASSWORD or user.sub != stored.sub:
            raise UnsupportedUserStateException(
                f"Resend not possible. {user.username} status is not FORCE_CHANGE_PASSWORD"
            )
        user.set_password(credentials)
        user.modified_at = now
        store.save_user(txn, user)
        return user, _invite(txn, user, temporary, now)

    user, message = ctx.pools.deps.storage.write(write)
    if message is not None:
        delivery.announce(message)
    return {"User": user_view(user)}


def admin_set_user_password(ctx: ApiContext, body: dict[str, Any], call: Call) -> dict[str, Any]:
    """A new password also ends any lockout (the lockout counts against the old hash)."""
    with ctx.pools.deps.storage.read() as view:
        pool = require_pool(view, body["UserPoolId"], call.region)
        stored = _require_user(view, body["UserPoolId"], body["Username"], call.region)
    credentials = new_credentials(ctx, pool, stored.username, body["Password"])
    status = CONFIRMED if body.get("Permanent") else FORCE_CHANGE_PASSWORD

    def write(txn: WriteTxn) -> None:
        user = _require_user(txn, body["UserPoolId"], body["Username"], call.region)
        if user.sub != stored.sub:  # deleted and made again meanwhile
            raise UserNotFoundException()
        # A signed-up user stays UNCONFIRMED: a password is no confirmation.
        new_status = user.status if user.status == UNCONFIRMED else status
        user.set_password(credentials)
        user.status, user.modified_at = new_status, ctx.now()
        store.save_user(txn, user)

    ctx.pools.deps.storage.write(write)
    return {}


def admin_get_user(ctx: ApiContext, body: dict[str, Any], call: Call) -> dict[str, Any]:
    with ctx.pools.deps.storage.read() as view:
        user = _require_user(view, body["UserPoolId"], body["Username"], call.region)
    return user_view(user, "UserAttributes")


def admin_delete_user(ctx: ApiContext, body: dict[str, Any], call: Call) -> dict[str, Any]:
    def write(txn: WriteTxn) -> None:
        user = _require_user(txn, body["UserPoolId"], body["Username"], call.region)
        store.delete_user(txn, user.pool_id, user.username)

    ctx.pools.deps.storage.write(write)
    return {}


def list_users(ctx: ApiContext, body: dict[str, Any], call: Call) -> dict[str, Any]:
    with ctx.pools.deps.storage.read() as view:
        require_pool(view, body["UserPoolId"], call.region)
        users = store.list_users(view, body["UserPoolId"])
    if body.get("Filter"):
        users = [user for user in users if _matches(user, body["Filter"])]
    limit = body.get("Limit") or 60
    chosen, token = page(users, lambda u: u.username.lower(), limit, body.get("PaginationToken"))
    wanted = body.get("AttributesToGet")
    views = []
    for user in chosen:
        shown = user_view(user)
        if wanted is not None:
            shown["Attributes"] = [a for a in shown["Attributes"] if a["Name"] in wanted]
        views.append(shown)
    answer: dict[str, Any] = {"Users": views}
    if token is not None:
        answer["PaginationToken"] = token
    return answer


def _matches(user: User, text: str) -> bool:
    found = FILTER.fullmatch(text)
    if found is None:
        raise InvalidParameterException("Error while parsing filter.")
    name, operator, wanted = found.groups()
    values = {
        "username": user.username,
        "sub": user.sub,
        "email": user.email,
        "status": "Enabled" if user.enabled else "Disabled",
        "cognito:user_status": user.status,
        **user.attributes,
    }
    value = values.get(name)
    if value is None:
        return False
    return value == wanted if operator == "=" else value.startswith(wanted)


def _require_user(view: ReadView, pool_id: str, username: str, region: str) -> User:
    """The user `username` names: their user name or, as on AWS, an alias or username
    attribute (email, phone number) of the pool."""
    pool = require_pool(view, pool_id, region)
    user = store.find_user(view, pool, username)
    if user is None:
        raise UserNotFoundException()
    return user


def admin_update_user_attributes(
    ctx: ApiContext, body: dict[str, Any], call: Call
) -> dict[str, Any]:
    """Attributes change at once; a new email is unverified unless `email_verified` is set
    too (no verification message is sent, as for an administrator on AWS)."""
    change = user_attributes.parse(body["UserAttributes"], by_admin=True)

    def write(txn: WriteTxn) -> None:
        user = _require_user(txn, body["UserPoolId"], body["Username"], call.region)
        conform(require_pool(txn, user.pool_id, call.region), change.named(), creating=False)
        user_attributes.apply(user, change)
        user.modified_at = ctx.now()
        store.save_user(txn, user)

    ctx.pools.deps.storage.write(write)
    return {}


def admin_disable_user(ctx: ApiContext, body: dict[str, Any], call: Call) -> dict[str, Any]:
    """Refuses the user's sign-ins and refreshes, and revokes their access tokens, as AWS."""
    _set_enabled(ctx, body, call, False)
    return {}


def admin_enable_user(ctx: ApiContext, body: dict[str, Any], call: Call) -> dict[str, Any]:
    _set_enabled(ctx, body, call, True)
    return {}


def _set_enabled(ctx: ApiContext, body: dict[str, Any], call: Call, enabled: bool) -> None:
    now = ctx.now()

    def write(txn: WriteTxn) -> None:
        user = _require_user(txn, body["UserPoolId"], body["Username"], call.region)
        user.enabled, user.modified_at = enabled, now
        store.save_user(txn, user)
        if not enabled:
            until = now + grants.MAX_ACCESS_TOKEN_SECONDS
            grants.sign_out_everywhere(txn, user.pool_id, user.sub, until, now)

    ctx.pools.deps.storage.write(write)


def admin_delete_user_attributes(
    ctx: ApiContext, body: dict[str, Any], call: Call
) -> dict[str, Any]:
    def write(txn: WriteTxn) -> None:
        user = _require_user(txn, body["UserPoolId"], body["Username"], call.region)
        user_attributes.remove(user, body["UserAttributeNames"])
        user.modified_at = ctx.now()
        store.save_user(txn, user)

    ctx.pools.deps.storage.write(write)
    return {}
