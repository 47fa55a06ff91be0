"""`AuthenticationResult`: ID, access and refresh tokens signed with the pool's own keys, the
keys the hosted UI signs with, so the ID token's `iss` is the pool's issuer URL that STS
and identity pools accept. Access tokens carry Cognito's API scope."""

from __future__ import annotations

import dataclasses
import uuid
from typing import Any

from dynafed.userpool import grants, store
from dynafed.userpool.api.context import ApiContext
from dynafed.userpool.model import AppClient, User, UserPool
from dynafed.userpool.tokens import SignIn, access_token_claims, id_token_claims

API_SCOPE = "aws.cognito.signin.user.admin"
"""The scope of access tokens from InitiateAuth (Cognito's)."""


def new_sign_in(ctx: ApiContext, client: AppClient, user: User) -> SignIn:
    return SignIn(
        pool_id=client.pool_id,
        client_id=client.client_id,
        username=user.username,
        sub=user.sub,
        scope=API_SCOPE,
        auth_time=int(ctx.now()),
        origin_jti=str(uuid.uuid4()),
        event_id=str(uuid.uuid4()),
    )


def authentication_result(
    ctx: ApiContext, pool: UserPool, user: User, sign_in: SignIn, refresh_seconds: int | None
) -> dict[str, Any]:
    """The tokens; a new refresh token unless `refresh_seconds` is None (a refresh)."""
    issuer = ctx.pools.issuer(pool.pool_id)
    now = int(ctx.now())
    keys = ctx.pools.keys(pool.pool_id)
    with ctx.pools.deps.storage.read() as view:
        groups = store.groups_of(view, user)
    # The ID token carries the user's email, as Cognito's does for the API's sign-ins.
    for_id = dataclasses.replace(sign_in, scope=f"openid email {API_SCOPE}")
    result: dict[str, Any] = {
        "AccessToken": keys.sign(
            access_token_claims(issuer, pool, user, sign_in, now, str(uuid.uuid4()), groups)
        ),
        "ExpiresIn": pool.access_token_seconds,
        "TokenType": "Bearer",
        "IdToken": keys.sign(
            id_token_claims(issuer, pool, user, for_id, now, str(uuid.uuid4()), groups)
        ),
    }
    if refresh_seconds is not None:
        token = ctx.pools.deps.random_token(48)
        expires_at = ctx.now() + refresh_seconds
        ctx.pools.deps.storage.write(
            lambda txn: grants.save_refresh_token(txn, token, sign_in, expires_at)
        )
        result["RefreshToken"] = token
    return result
