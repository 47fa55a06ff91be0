"""Checking an ID token of one of our own pools in process (no JWKS round trip): what an
identity pool does with a `cognito-idp…/<pool>` login."""

from __future__ import annotations

from typing import Any

from dynafed.errors import AwsError
from dynafed.identity.oidc import claims as token_claims
from dynafed.userpool.issuer import PoolDirectory


class InvalidIdToken(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def verify_id_token(pools: PoolDirectory, pool_id: str, token: str) -> dict[str, Any]:
    """The claims of a valid, unexpired ID token of `pool_id`, or raise InvalidIdToken."""
    if pools.pool(pool_id) is None:
        raise InvalidIdToken("unknown user pool")
    try:
        claims = pools.keys(pool_id).verify(token)
        token_claims.check_times(claims, pools.deps.clock.now(), token_claims.TimeRules())
    except AwsError as error:
        raise InvalidIdToken(error.message) from error
    if claims.get("iss") != pools.issuer(pool_id):
        raise InvalidIdToken("Issuer doesn't match providerName")
    if claims.get("token_use") != "id":
        raise InvalidIdToken("Not an ID token")
    return claims
