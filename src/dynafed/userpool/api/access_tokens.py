"""The access token the user-facing operations (GetUser, ChangePassword, GlobalSignOut …)
are called with: one of our pools' signatures, `token_use: access`, unexpired, with
Cognito's API scope, its sign-in not signed out, its user still there and enabled."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from dynafed.errors import AwsError, ExpiredToken
from dynafed.identity.oidc import claims as token_claims
from dynafed.identity.oidc.verifier import read_unverified
from dynafed.userpool import grants, store
from dynafed.userpool.api.context import ApiContext
from dynafed.userpool.api.errors import NotAuthorizedException
from dynafed.userpool.api.tokens import API_SCOPE
from dynafed.userpool.issuer import PATH_PREFIX
from dynafed.userpool.model import User, UserPool

INVALID = "Invalid Access Token"
REVOKED = "Access Token has been revoked"


@dataclass(frozen=True, slots=True)
class Caller:
    pool: UserPool
    user: User
    claims: dict[str, Any]


def _pool_id(issuer: object) -> str | None:
    if not isinstance(issuer, str) or PATH_PREFIX not in issuer:
        return None
    return issuer.rsplit(PATH_PREFIX, 1)[1]


def caller_of(ctx: ApiContext, token: str) -> Caller:
    try:
        pool_id = _pool_id(read_unverified(token, 20_000).claims.get("iss"))
    except AwsError:
        raise NotAuthorizedException(INVALID) from None
    pool = ctx.pools.pool(pool_id) if pool_id else None
    if pool is None or pool_id is None:
        raise NotAuthorizedException(INVALID)
    now = ctx.now()
    try:
        claims = ctx.pools.keys(pool_id).verify(token)
        token_claims.check_times(claims, now, token_claims.TimeRules())
    except AwsError as failure:
        expired = isinstance(failure, ExpiredToken)
        raise NotAuthorizedException("Access Token has expired" if expired else INVALID) from None
    if claims.get("iss") != ctx.pools.issuer(pool_id) or claims.get("token_use") != "access":
        raise NotAuthorizedException(INVALID)
    if API_SCOPE not in str(claims.get("scope", "")).split():
        raise NotAuthorizedException("Access Token does not have required scopes")
    with ctx.pools.deps.storage.read() as view:
        if grants.is_revoked(view, str(claims.get("origin_jti", "")), now):
            raise NotAuthorizedException(REVOKED)
        user = store.get_user(view, pool_id, str(claims.get("username", "")))
    if user is None or user.sub != claims.get("sub"):
        raise NotAuthorizedException(INVALID)
    if not user.enabled:
        raise NotAuthorizedException("User is disabled.")
    return Caller(pool, user, claims)
