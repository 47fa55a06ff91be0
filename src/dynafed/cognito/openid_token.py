"""The identity pool's OpenID token: what GetOpenIdToken returns (and STS accepts back).

Shape (sts-identity.md §3.3; Cognito Developer Guide, "Identity pools authentication flow"):
an RS512 JWT with `iss` = our Cognito Identity issuer, `aud` = identity pool id, `sub` =
identity id, `amr` = `["unauthenticated"]` or `["authenticated", <provider>,
<provider>:…:<user>]`, valid ten minutes. This module mints it; STS verifies it as the
built-in provider `cognito-identity.amazonaws.com`
(`identity.builtin.identity_pool_tokens`).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from dynafed.core.clock import Clock
from dynafed.userpool.signing import RotatingSigningKeys

TOKEN_SECONDS = 600
TOKEN_ALG = "RS512"


def token_claims_for(
    issuer: str, pool_id: str, identity_id: str, amr: Sequence[str], now: int
) -> dict[str, Any]:
    return {
        "iss": issuer,
        "aud": pool_id,
        "sub": identity_id,
        "amr": list(amr),
        "iat": now,
        "exp": now + TOKEN_SECONDS,
        "jti": str(uuid.uuid4()),
    }


class OpenIdTokens:
    def __init__(self, keys: RotatingSigningKeys, issuer: str, clock: Clock) -> None:
        self.keys = keys
        self.issuer = issuer
        self._clock = clock

    def mint(
        self, pool_id: str, identity_id: str, amr: Sequence[str]
    ) -> tuple[str, dict[str, Any]]:
        claims = token_claims_for(self.issuer, pool_id, identity_id, amr, int(self._clock.now()))
        return self.keys.sign(claims), claims
