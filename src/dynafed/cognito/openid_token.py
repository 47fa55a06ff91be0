"""The identity pool's OpenID token: what GetOpenIdToken returns and STS accepts back.

Shape (sts-identity.md §3.3; Cognito Developer Guide, "Identity pools authentication flow"):
an RS512 JWT with `iss` = our Cognito Identity issuer, `aud` = identity pool id, `sub` =
identity id, `amr` = `["unauthenticated"]` or `["authenticated", <provider>,
<provider>:…:<user>]`, valid ten minutes. For STS it is the built-in provider
`cognito-identity.amazonaws.com`: trust policies name it as `Principal.Federated` and its
condition keys are `cognito-identity.amazonaws.com:aud/sub/amr`, which the session keeps for
policy variables such as `${cognito-identity.amazonaws.com:sub}`.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from typing import Any

from dynafed.core.clock import Clock
from dynafed.errors import InvalidIdentityToken
from dynafed.identity import claims as token_claims
from dynafed.identity import messages, web_identity
from dynafed.identity.oidc import VerifiedIdentity, read_unverified
from dynafed.userpool.signing import RotatingSigningKeys

PROVIDER = "cognito-identity.amazonaws.com"
TOKEN_SECONDS = 600
TOKEN_ALG = "RS512"
CLASSIC_FLOW_DISABLED = (
    "Basic (classic) flow is not enabled for identity pool {pool_id}: use GetCredentialsForIdentity"
)


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


def identity_from_claims(claims: dict[str, Any], expires_at: int) -> VerifiedIdentity:
    """What STS learns from a verified OpenID token: keys under the Cognito provider name."""
    audience = str(claims["aud"])
    trust = web_identity.trust_context_keys(PROVIDER, claims, audience, PROVIDER, None, None)
    trust.pop(f"{PROVIDER}:oaud", None)  # a Google key; Cognito's set is aud/sub/amr
    return VerifiedIdentity(
        issuer=str(claims["iss"]),
        provider_arn=PROVIDER,
        provider_key=PROVIDER,
        subject=str(claims["sub"]),
        audience=audience,
        expires_at=expires_at,
        issued_at=claims.get("iat"),
        trust_context_keys=trust,
        session_context_keys=web_identity.session_context_keys(PROVIDER, trust),
        tags=None,
        source_identity=None,
        claims=claims,
    )


class OpenIdTokens:
    def __init__(
        self,
        keys: RotatingSigningKeys,
        issuer: str,
        clock: Clock,
        classic_flow_allowed: Callable[[str], bool],
    ) -> None:
        self.keys = keys
        self.issuer = issuer
        self._clock = clock
        self._classic_flow_allowed = classic_flow_allowed
        """Pool id → whether its tokens may go to STS directly (AllowClassicFlow)."""

    def mint(
        self, pool_id: str, identity_id: str, amr: Sequence[str]
    ) -> tuple[str, dict[str, Any]]:
        claims = token_claims_for(self.issuer, pool_id, identity_id, amr, int(self._clock.now()))
        return self.keys.sign(claims), claims

    def is_ours(self, token: str) -> bool:
        try:
            return read_unverified(token, 20_000).claims.get("iss") == self.issuer
        except InvalidIdentityToken:
            return False

    def verify(self, token: str) -> VerifiedIdentity:
        """STS's verifier for our tokens (the basic flow)."""
        claims = self.keys.verify(token)
        times = token_claims.check_times(claims, self._clock.now(), token_claims.TimeRules())
        if claims.get("iss") != self.issuer:
            raise InvalidIdentityToken(messages.NOT_VALIDATED)
        pool_id = token_claims.audiences(claims)[0]
        token_claims.subject(claims)
        if not self._classic_flow_allowed(pool_id):
            raise InvalidIdentityToken(CLASSIC_FLOW_DISABLED.format(pool_id=pool_id))
        return identity_from_claims(claims, times.expires_at)


class CognitoAwareVerifier:
    """STS's ID-token verifier with our Cognito issuer routed to `OpenIdTokens`."""

    def __init__(self, tokens: OpenIdTokens, other: Any) -> None:
        self._tokens = tokens
        self._other = other

    def verify(self, token: str) -> VerifiedIdentity:
        if self._tokens.is_ours(token):
            return self._tokens.verify(token)
        result: VerifiedIdentity = self._other.verify(token)
        return result
