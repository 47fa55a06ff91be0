"""InitiateAuth, AdminInitiateAuth, RespondToAuthChallenge, AdminRespondToAuthChallenge.

Flows: `USER_SRP_AUTH` (both; its PASSWORD_VERIFIER challenge in `api/srp_auth.py`),
`USER_PASSWORD_AUTH` (InitiateAuth), `ADMIN_USER_PASSWORD_AUTH` (AdminInitiateAuth; its
legacy name `ADMIN_NO_SRP_AUTH` too) and `REFRESH_TOKEN_AUTH` (`REFRESH_TOKEN`), each
allowed only when the client's `ExplicitAuthFlows` include it, as Cognito requires
(https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-authentication-flow-methods.html).
Passwords are checked by the hosted UI's own check (`userpool/signin.py`): the same
throttle per address, lockout per (user, address) and answers for unknown users. A user
with a temporary password gets the `NEW_PASSWORD_REQUIRED` challenge; its `Session` is
filed by digest and lives three minutes, as Cognito's.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from dynafed.storage.port import WriteTxn
from dynafed.userpool import grants, store
from dynafed.userpool.api import existence, srp_auth
from dynafed.userpool.api.clients import LEGACY_FLOWS
from dynafed.userpool.api.context import (
    ApiContext,
    Call,
    find_client,
    require_client,
    require_pool,
)
from dynafed.userpool.api.errors import (
    InvalidParameterException,
    NotAuthorizedException,
    PasswordResetRequiredException,
    TooManyRequestsException,
    UserNotConfirmedException,
)
from dynafed.userpool.api.password_setting import USER_WORDING, new_credentials
from dynafed.userpool.api.secret_hash import require_secret_hash, require_secret_hash_of
from dynafed.userpool.api.tokens import authentication_result, new_sign_in
from dynafed.userpool.model import (
    CONFIRMED,
    FORCE_CHANGE_PASSWORD,
    RESET_REQUIRED,
    UNCONFIRMED,
    AppClient,
    User,
    UserPool,
)
from dynafed.userpool.oauth_errors import OAuthError
from dynafed.userpool.signin import INCORRECT, SignInRefused

SESSION_SECONDS = 180
NEW_PASSWORD_REQUIRED = "NEW_PASSWORD_REQUIRED"
USER_PASSWORD = ("USER_PASSWORD_AUTH", ("ALLOW_USER_PASSWORD_AUTH", "USER_PASSWORD_AUTH"))
ADMIN_PASSWORD = (
    "ADMIN_USER_PASSWORD_AUTH",
    ("ALLOW_ADMIN_USER_PASSWORD_AUTH", "ADMIN_NO_SRP_AUTH"),
)
USER_SRP = ("USER_SRP_AUTH", ("ALLOW_USER_SRP_AUTH",))
REFRESH_FLOWS = ("REFRESH_TOKEN_AUTH", "REFRESH_TOKEN")
INVALID_SESSION = "Invalid session for the user."


def initiate_auth(ctx: ApiContext, body: dict[str, Any], call: Call) -> dict[str, Any]:
    pool, client = find_client(ctx, body["ClientId"])
    flow, params = body["AuthFlow"], body.get("AuthParameters") or {}
    if flow == USER_PASSWORD[0]:
        _require_flow(client, *USER_PASSWORD)
        return _password_sign_in(ctx, pool, client, params, call)
    if flow == USER_SRP[0]:
        _require_srp(client)
        return srp_auth.start(ctx, pool, client, params)
    if flow in REFRESH_FLOWS:
        return _refresh(ctx, pool, client, params)
    raise InvalidParameterException(_unsupported(flow))


def admin_initiate_auth(ctx: ApiContext, body: dict[str, Any], call: Call) -> dict[str, Any]:
    with ctx.pools.deps.storage.read() as view:
        pool = require_pool(view, body["UserPoolId"], call.region)
        client = require_client(view, pool.pool_id, body["ClientId"])
    flow, params = body["AuthFlow"], body.get("AuthParameters") or {}
    if flow in (ADMIN_PASSWORD[0], "ADMIN_NO_SRP_AUTH"):
        _require_flow(client, *ADMIN_PASSWORD)
        return _password_sign_in(ctx, pool, client, params, call)
    if flow == USER_SRP[0]:
        _require_srp(client)
        return srp_auth.start(ctx, pool, client, params)
    if flow in REFRESH_FLOWS:
        return _refresh(ctx, pool, client, params)
    raise InvalidParameterException(_unsupported(flow))


def respond_to_auth_challenge(ctx: ApiContext, body: dict[str, Any], call: Call) -> dict[str, Any]:
    pool, client = find_client(ctx, body["ClientId"])
    return _answer_challenge(ctx, pool, client, body, call)


def admin_respond_to_auth_challenge(
    ctx: ApiContext, body: dict[str, Any], call: Call
) -> dict[str, Any]:
    with ctx.pools.deps.storage.read() as view:
        pool = require_pool(view, body["UserPoolId"], call.region)
        client = require_client(view, pool.pool_id, body["ClientId"])
    return _answer_challenge(ctx, pool, client, body, call)


def _unsupported(flow: str) -> str:
    return (
        f"{flow} is not supported by this server (served: USER_SRP_AUTH, USER_PASSWORD_AUTH, "
        "ADMIN_USER_PASSWORD_AUTH, REFRESH_TOKEN_AUTH)."
    )


def _require_srp(client: AppClient) -> None:
    """Clients with the legacy `ExplicitAuthFlows` values always allowed SRP."""
    if all(flow in LEGACY_FLOWS for flow in client.explicit_auth_flows):
        return
    _require_flow(client, *USER_SRP)


def _require_flow(client: AppClient, flow: str, allowing: tuple[str, ...]) -> None:
    if not set(allowing) & set(client.explicit_auth_flows):
        raise InvalidParameterException(f"{flow} flow not enabled for this client")


def _password_sign_in(
    ctx: ApiContext, pool: UserPool, client: AppClient, params: dict[str, str], call: Call
) -> dict[str, Any]:
    username, password = params.get("USERNAME"), params.get("PASSWORD")
    if not username:
        raise InvalidParameterException("Missing required parameter USERNAME")
    if not password:
        raise InvalidParameterException("Missing required parameter PASSWORD")
    require_secret_hash(client, username, params.get("SECRET_HASH"))
    try:
        with refusals_as_errors():
            user = ctx.check.authenticate(pool, username, password, call.client_ip)
    except NotAuthorizedException as refused:
        if refused.message == INCORRECT and existence.reveals(client):
            with ctx.pools.deps.storage.read() as view:
                if store.find_user(view, pool, username) is None:
                    raise existence.not_found_at_sign_in() from None
        raise
    return _signed_in(ctx, pool, client, user)


@contextmanager
def refusals_as_errors() -> Iterator[None]:
    """The sign-in check's refusals as the API's errors."""
    try:
        yield
    except SignInRefused as refused:
        if refused.status == 429:
            raise TooManyRequestsException(refused.message) from None
        raise NotAuthorizedException(refused.message) from None


def _signed_in(ctx: ApiContext, pool: UserPool, client: AppClient, user: User) -> dict[str, Any]:
    """What a proven password leads to: tokens, or the state that stops them."""
    if user.status == UNCONFIRMED:  # only once the password proved right, as Cognito
        raise UserNotConfirmedException()
    if user.status == RESET_REQUIRED:
        raise PasswordResetRequiredException()
    if user.status == FORCE_CHANGE_PASSWORD:
        return _new_password_challenge(ctx, client, user)
    sign_in = new_sign_in(ctx, client, user)
    result = authentication_result(ctx, pool, user, sign_in, client.refresh_token_seconds)
    return {"ChallengeParameters": {}, "AuthenticationResult": result}


def _new_password_challenge(ctx: ApiContext, client: AppClient, user: User) -> dict[str, Any]:
    session = ctx.pools.deps.random_token(96)
    document = {
        "pool_id": user.pool_id,
        "client_id": client.client_id,
        "username": user.username,
        "sub": user.sub,
        "password_hash": user.password_hash,
        "expires_at": ctx.now() + SESSION_SECONDS,
    }
    ctx.pools.deps.storage.write(
        lambda txn: txn.put_document(store.SESSION_KIND, store.digest(session), document)
    )
    shown = {"email": user.email} if user.email else {}
    return {
        "ChallengeName": NEW_PASSWORD_REQUIRED,
        "Session": session,
        "ChallengeParameters": {
            "USER_ID_FOR_SRP": user.username,
            "requiredAttributes": "[]",
            "userAttributes": json.dumps({**shown, **user.attributes}),
        },
    }


def _answer_challenge(
    ctx: ApiContext, pool: UserPool, client: AppClient, body: dict[str, Any], call: Call
) -> dict[str, Any]:
    if body["ChallengeName"] == srp_auth.PASSWORD_VERIFIER:
        with refusals_as_errors():
            user = srp_auth.answer(ctx, pool, client, body.get("ChallengeResponses") or {}, call)
        return _signed_in(ctx, pool, client, user)
    if body["ChallengeName"] != NEW_PASSWORD_REQUIRED:
        raise InvalidParameterException(f"{body['ChallengeName']} is not supported by this server.")
    answers = body.get("ChallengeResponses") or {}
    username, new_password = answers.get("USERNAME"), answers.get("NEW_PASSWORD")
    if not username:
        raise InvalidParameterException("Missing required parameter USERNAME")
    if not new_password:
        raise InvalidParameterException("Missing required parameter NEW_PASSWORD")
    require_secret_hash(client, username, answers.get("SECRET_HASH"))
    session = body.get("Session")
    if not session:
        raise NotAuthorizedException(INVALID_SESSION)
    with ctx.pools.deps.storage.read() as view:
        stored = store.find_user(view, pool, username)
    stored_name = stored.username if stored is not None else username
    # slow: outside the transaction
    credentials = new_credentials(ctx, pool, stored_name, new_password, USER_WORDING)
    name, now = store.digest(session), ctx.now()

    def write(txn: WriteTxn) -> User | str:
        doc = txn.get_document(store.SESSION_KIND, name)
        if doc is None or doc["client_id"] != client.client_id:
            return INVALID_SESSION
        txn.delete_document(store.SESSION_KIND, name)  # one answer per session
        if now >= doc["expires_at"]:
            return "Invalid session for the user, session is expired."
        user = store.get_user(txn, pool.pool_id, doc["username"])
        if (
            doc["username"].lower() != stored_name.lower()
            or user is None
            or (user.sub, user.password_hash) != (doc["sub"], doc["password_hash"])
            or user.status != FORCE_CHANGE_PASSWORD
            or user.username != stored_name
        ):
            return INVALID_SESSION
        user.set_password(credentials)
        user.status, user.modified_at = CONFIRMED, now
        store.save_user(txn, user)
        return user

    outcome = ctx.pools.deps.storage.write(write)
    if isinstance(outcome, str):  # returned, not raised: the session stays used up
        raise NotAuthorizedException(outcome)
    sign_in = new_sign_in(ctx, client, outcome)
    result = authentication_result(ctx, pool, outcome, sign_in, client.refresh_token_seconds)
    return {"ChallengeParameters": {}, "AuthenticationResult": result}


def _refresh(
    ctx: ApiContext, pool: UserPool, client: AppClient, params: dict[str, str]
) -> dict[str, Any]:
    _require_flow(client, "REFRESH_TOKEN_AUTH", ("ALLOW_REFRESH_TOKEN_AUTH",))
    token = params.get("REFRESH_TOKEN")
    if not token:
        raise InvalidParameterException("Missing required parameter REFRESH_TOKEN")
    now = ctx.now()
    redeem: Callable[[WriteTxn], Any] = lambda txn: grants.redeem_refresh_token(  # noqa: E731
        txn, token, client.client_id, now
    )
    outcome = ctx.pools.deps.storage.write(redeem)
    if isinstance(outcome, OAuthError):
        raise NotAuthorizedException(outcome.description)
    with ctx.pools.deps.storage.read() as view:
        user = store.get_user(view, pool.pool_id, outcome.username)
    if user is None or user.sub != outcome.sub or outcome.pool_id != pool.pool_id:
        raise NotAuthorizedException("Invalid Refresh Token")
    named = [name for name in (params.get("USERNAME"), user.username, user.sub) if name]
    require_secret_hash_of(client, named, params.get("SECRET_HASH"))
    if not user.enabled:
        raise NotAuthorizedException("User is disabled.")
    result = authentication_result(ctx, pool, user, outcome, None)
    return {"ChallengeParameters": {}, "AuthenticationResult": result}
