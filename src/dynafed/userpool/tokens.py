"""Claims of the ID and access tokens, shaped like Cognito user pools'. Pure.

ID token: `sub`, `aud` (the app client), `token_use: id`, `auth_time`, `origin_jti`,
`event_id` (one per sign-in, kept by its refreshes), `cognito:username`,
`email`/`email_verified`, the user's other attributes (`phone_number`, `custom:…`),
`cognito:groups`, `cognito:roles`, `cognito:preferred_role`,
`nonce` when the request carried one. Access
token: `client_id` and `scope` instead of `aud` (so STS refuses it as a web identity token,
as it refuses Cognito's: "Missing a required claim: aud").
(https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-using-the-id-token.html,
…-using-the-access-token.html)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from dynafed.userpool.model import Group, User, UserPool


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
    event_id: str = ""
    """The sign-in's authentication event (Cognito's `event_id` claim); empty for
    sign-ins made before it was kept."""


def group_claims(groups: Sequence[Group]) -> dict[str, Any]:
    """`cognito:groups` (by precedence, then name), `cognito:roles` and
    `cognito:preferred_role`: the role of the group with the lowest precedence, none when
    groups tied at that precedence name different roles (Cognito's rules; a group without a
    precedence comes last)."""
    if not groups:
        return {}
    ordered = sorted(groups, key=_rank)
    claims: dict[str, Any] = {"cognito:groups": [group.name for group in ordered]}
    roles = list(dict.fromkeys(group.role_arn for group in ordered if group.role_arn))
    if roles:
        claims["cognito:roles"] = roles
        with_role = [group for group in ordered if group.role_arn]
        first = with_role[0].precedence
        tied = {group.role_arn for group in with_role if group.precedence == first}
        if len(tied) == 1:
            claims["cognito:preferred_role"] = tied.pop()
    return claims


def _event(sign_in: SignIn) -> dict[str, str]:
    return {"event_id": sign_in.event_id} if sign_in.event_id else {}


def _rank(group: Group) -> tuple[bool, int, str]:
    return (group.precedence is None, group.precedence or 0, group.name)


def id_token_claims(
    issuer: str,
    pool: UserPool,
    user: User,
    sign_in: SignIn,
    now: int,
    jti: str,
    groups: Sequence[Group] = (),
) -> dict[str, Any]:
    claims: dict[str, Any] = {
        **_attribute_claims(user),
        "sub": user.sub,
        "aud": sign_in.client_id,
        "iss": issuer,
        "token_use": "id",
        "auth_time": sign_in.auth_time,
        "iat": now,
        "exp": now + pool.id_token_seconds,
        "jti": jti,
        "origin_jti": sign_in.origin_jti,
        **_event(sign_in),
        "cognito:username": user.username,
        **group_claims(groups),
    }
    if user.email is not None and "email" in sign_in.scope.split():
        claims["email"] = user.email
        claims["email_verified"] = user.email_verified
    if sign_in.nonce is not None:
        claims["nonce"] = sign_in.nonce
    return claims


def _attribute_claims(user: User) -> dict[str, Any]:
    """The user's attributes besides `sub` and `email`, as Cognito's ID token carries them:
    custom ones as strings ("custom:tier": "gold"), `phone_number_verified` as a boolean.
    Token claims of the same name (listed after these) win over a stray stored attribute."""
    return {
        name: value == "true" if name == "phone_number_verified" else value
        for name, value in user.attributes.items()
    }


def access_token_claims(
    issuer: str,
    pool: UserPool,
    user: User,
    sign_in: SignIn,
    now: int,
    jti: str,
    groups: Sequence[Group] = (),
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
        **_event(sign_in),
        "username": user.username,
    }
    if groups:
        claims["cognito:groups"] = group_claims(groups)["cognito:groups"]
    return claims


def userinfo_claims(user: User, scope: str) -> dict[str, Any]:
    """OpenID Connect Core §5.3.2: `sub` always, the rest as the access token's scope allows."""
    info: dict[str, Any] = {"sub": user.sub, "username": user.username}
    if user.email is not None and "email" in scope.split():
        info["email"] = user.email
        info["email_verified"] = user.email_verified
    return info
