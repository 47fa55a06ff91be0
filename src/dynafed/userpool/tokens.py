"""Claims of the ID and access tokens, shaped like Cognito user pools'. Pure.

ID token: `sub`, `aud` (the app client), `token_use: id`, `auth_time`, `cognito:username`,
`email`/`email_verified`, `cognito:groups`, `nonce` when the request carried one. Access
token: `client_id` and `scope` instead of `aud` (so STS refuses it as a web identity token,
as it refuses Cognito's: "Missing a required claim: aud").
(https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-using-the-id-token.html,
…-using-the-access-token.html)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from dynafed.userpool.model import User, UserPool


@dataclass(frozen=True, slots=True)
class SignIn:
    """Who signed in, to which client, when, with what: everything tokens are made from."""

    pool_id: str
    client_id: str
    username: str
    sub: str
    scope: str
    auth_time: int
    nonce: str | None = None
    origin_jti: str = ""
    """One id per sign-in, shared by every token refreshed from it."""


def id_token_claims(
    issuer: str, pool: UserPool, user: User, sign_in: SignIn, now: int, jti: str
) -> dict[str, Any]:
    claims: dict[str, Any] = {
        "sub": user.sub,
        "aud": sign_in.client_id,
        "iss": issuer,
        "token_use": "id",
        "auth_time": sign_in.auth_time,
        "iat": now,
        "exp": now + pool.id_token_seconds,
        "jti": jti,
        "origin_jti": sign_in.origin_jti,
        "cognito:username": user.username,
    }
    if user.groups:
        claims["cognito:groups"] = list(user.groups)
    if user.email is not None and "email" in sign_in.scope.split():
        claims["email"] = user.email
        claims["email_verified"] = True
    if sign_in.nonce is not None:
        claims["nonce"] = sign_in.nonce
    return claims


def access_token_claims(
    issuer: str, pool: UserPool, user: User, sign_in: SignIn, now: int, jti: str
) -> dict[str, Any]:
    claims: dict[str, Any] = {
        "sub": user.sub,
        "iss": issuer,
        "client_id": sign_in.client_id,
        "token_use": "access",
        "scope": sign_in.scope,
        "auth_time": sign_in.auth_time,
        "iat": now,
        "exp": now + pool.access_token_seconds,
        "jti": jti,
        "origin_jti": sign_in.origin_jti,
        "username": user.username,
    }
    if user.groups:
        claims["cognito:groups"] = list(user.groups)
    return claims


def userinfo_claims(user: User, scope: str) -> dict[str, Any]:
    """OpenID Connect Core §5.3.2: `sub` always, the rest as the access token's scope allows."""
    info: dict[str, Any] = {"sub": user.sub, "username": user.username}
    if user.email is not None and "email" in scope.split():
        info["email"] = user.email
        info["email_verified"] = True
    return info
