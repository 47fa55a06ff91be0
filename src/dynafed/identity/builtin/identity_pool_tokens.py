"""STS's verifier for the identity pools' OpenID tokens (the basic flow: GetOpenIdToken,
then AssumeRoleWithWebIdentity).

For STS the token is the built-in provider `cognito-identity.amazonaws.com` (sts-identity.md
§3.3; Cognito Developer Guide, "Identity pools authentication flow"): trust policies name it
as `Principal.Federated` and its condition keys are `cognito-identity.amazonaws.com:aud/sub/
amr`, which the session keeps for policy variables such as
`${cognito-identity.amazonaws.com:sub}`. The token is minted by `cognito.openid_token`; a
pool must allow the classic flow for STS to take its tokens directly.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from dynafed.core.clock import Clock
from dynafed.errors import InvalidIdentityToken
from dynafed.identity import messages, verified
from dynafed.identity.oidc import claims as token_claims
from dynafed.identity.verified import VerifiedIdentity

PROVIDER = "cognito-identity.amazonaws.com"
CLASSIC_FLOW_DISABLED = (
    "Basic (classic) flow is not enabled for identity pool {pool_id}: use GetCredentialsForIdentity"
)


class SigningKeys(Protocol):
    def verify(self, token: str) -> dict[str, Any]:
        """The claims of a token signed with one of the keys, or raise InvalidIdentityToken."""
        ...


def identity_from_claims(claims: dict[str, Any], expires_at: int) -> VerifiedIdentity:
    """What STS learns from a verified OpenID token: keys under the Cognito provider name."""
    audience = str(claims["aud"])
    trust = verified.trust_context_keys(PROVIDER, claims, audience, PROVIDER, None, None)
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
        session_context_keys=verified.session_context_keys(PROVIDER, trust),
        tags=None,
        source_identity=None,
        claims=claims,
    )


class IdentityPoolTokens:
    """A `BuiltInIssuer`: the tokens of `<public-url>/cognito-identity`."""

    def __init__(
        self,
        keys: SigningKeys,
        issuer: str,
        clock: Clock,
        classic_flow_allowed: Callable[[str], bool],
    ) -> None:
        self._keys = keys
        self._issuer = issuer
        self._clock = clock
        self._classic_flow_allowed = classic_flow_allowed
        """Pool id → whether its tokens may go to STS directly (AllowClassicFlow)."""

    @property
    def issuer(self) -> str:
        return self._issuer

    def verify(self, token: str) -> VerifiedIdentity:
        claims = self._keys.verify(token)
        times = token_claims.check_times(claims, self._clock.now(), token_claims.TimeRules())
        if claims.get("iss") != self._issuer:
            raise InvalidIdentityToken(messages.NOT_VALIDATED)
        pool_id = token_claims.audiences(claims)[0]
        token_claims.subject(claims)
        if not self._classic_flow_allowed(pool_id):
            raise InvalidIdentityToken(CLASSIC_FLOW_DISABLED.format(pool_id=pool_id))
        return identity_from_claims(claims, times.expires_at)
