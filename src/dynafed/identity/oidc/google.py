"""Google (`accounts.google.com`): a built-in web identity provider with no IAM object.

AWS verifies a Google ID token against Google's published signing keys and leaves the choice
of acceptable apps to the role's trust policy (`"accounts.google.com:aud": "<client id>"`):
there is no ClientIDList for Google, so every audience verifies here and the trust policy
decides (https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_create_for-idp_oidc.html).

Condition keys (iam-fgac.md §4.4): `accounts.google.com:aud` is `azp` when the token has one
(hybrid apps: the client that asked for the token) and `aud` otherwise; `:oaud` is always
the token's `aud`; `:sub`; `:email` for trust policies. The response's Provider and the
trust policy's `Principal.Federated` are both `accounts.google.com`.

Google's tokens carry `iss` `accounts.google.com` or `https://accounts.google.com`
(https://developers.google.com/identity/openid-connect/openid-connect#validatinganidtoken).
Keys come from a configured JWKS URL (Google's by default) or through discovery, so an
air-gapped deployment or a test points them at a local service.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from dynafed.core.clock import Clock
from dynafed.errors import InvalidIdentityToken
from dynafed.identity import messages
from dynafed.identity.fetch import Fetcher
from dynafed.identity.oidc import claims as token_claims
from dynafed.identity.oidc.jwks import JwksCache, JwksSettings
from dynafed.identity.oidc.verifier import id_token_identity, read_unverified, verified_claims
from dynafed.identity.verified import VerifiedIdentity

GOOGLE = "accounts.google.com"
"""The provider's name: condition-key prefix, Provider, and `Principal.Federated`."""
GOOGLE_ISSUERS = frozenset({"accounts.google.com", "https://accounts.google.com"})
GOOGLE_JWKS_URL = "https://www.googleapis.com/oauth2/v3/certs"
GOOGLE_DISCOVERY_ISSUER = "https://accounts.google.com"


@dataclass(frozen=True, slots=True)
class GoogleSettings:
    jwks_url: str | None = GOOGLE_JWKS_URL
    """Where Google's signing keys are read. None: find them through the discovery
    document of `discovery_issuer` (`<issuer>/.well-known/openid-configuration`)."""
    discovery_issuer: str = GOOGLE_DISCOVERY_ISSUER
    """Google's issuer URL, or a mirror's: its discovery document must name it as `issuer`."""
    times: token_claims.TimeRules = field(default_factory=token_claims.TimeRules)
    max_token_chars: int = 20_000


def google_key_cache(
    fetch: Fetcher,
    clock: Clock,
    settings: GoogleSettings | None = None,
    jwks_settings: JwksSettings | None = None,
) -> JwksCache:
    """A key cache that reads Google's keys from where `settings` says."""
    settings = settings or GoogleSettings()
    jwks_uris = {settings.discovery_issuer: settings.jwks_url} if settings.jwks_url else {}
    return JwksCache(fetch, clock, jwks_settings, jwks_uris=jwks_uris)


def is_google_issuer(issuer: object) -> bool:
    return isinstance(issuer, str) and issuer in GOOGLE_ISSUERS


class GoogleVerifier:
    def __init__(
        self, keys: JwksCache, clock: Clock, settings: GoogleSettings | None = None
    ) -> None:
        self._keys = keys
        self._clock = clock
        self._settings = settings or GoogleSettings()

    def verify(self, token: str) -> VerifiedIdentity:
        """Raise InvalidIdentityToken, ExpiredToken or IDPCommunicationError, or return who
        the token vouches for."""
        unverified = read_unverified(token, self._settings.max_token_chars)
        issuer = unverified.claims.get("iss")
        if not is_google_issuer(issuer):
            raise InvalidIdentityToken(messages.NO_PROVIDER.format(issuer=issuer))
        key = self._keys.signing_key(
            self._settings.discovery_issuer, unverified.kid, unverified.alg
        )
        claims = verified_claims(token, key, unverified.alg)
        return google_identity(claims, self._clock.now(), self._settings.times)


def google_identity(
    claims: dict[str, Any], now: float, rules: token_claims.TimeRules
) -> VerifiedIdentity:
    """Who a verified Google ID token vouches for, with its condition keys."""
    times = token_claims.check_times(claims, now, rules)
    audience = _audience(claims)
    email = claims.get("email")
    # The trust policy may test the email; the session keeps only sub and aud.
    email_key = {f"{GOOGLE}:email": [email]} if isinstance(email, str) and email else None
    return id_token_identity(
        claims,
        times,
        audience,
        issuer=claims["iss"],
        provider_arn=GOOGLE,
        prefix=GOOGLE,
        trust_only_keys=email_key,
    )


def _audience(claims: dict[str, Any]) -> str:
    """`azp` when present (the client that asked for the token), else the first `aud`."""
    aud = token_claims.audiences(claims)
    azp = claims.get("azp")
    if azp is None:
        return aud[0]
    if not isinstance(azp, str) or not azp:
        raise InvalidIdentityToken(messages.NOT_VALIDATED)
    return azp
