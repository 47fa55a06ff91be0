"""Which verifier handles an AssumeRoleWithWebIdentity token (sts-identity.md §1.6 step 2,
iam-fgac.md §4.5 step 2).

* `ProviderId` `www.amazon.com` or `graph.facebook.com`: an opaque OAuth 2.0 access token,
  checked with that provider. AWS supports no other ProviderId
  (https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRoleWithWebIdentity.html).
* No ProviderId: an OpenID Connect ID token, routed by its `iss`. Google's issuers go to the
  built-in Google verifier, unless the account registered an IAM OIDC provider for that
  exact issuer (then its ClientIDList and ARN apply); every other issuer to the IAM OIDC
  verifier, which answers "No OpenIDConnect provider found…" for unknown ones.

Every verifier returns a `VerifiedIdentity`. For built-in providers its `provider_arn` holds
the provider's name (`accounts.google.com`, `www.amazon.com`, `graph.facebook.com`): that is
what the trust policy's `Principal.Federated`, the response's `Provider` and
`aws:FederatedProvider` carry for them, as the provider ARN does for IAM providers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from dynafed.core.clock import Clock
from dynafed.errors import InvalidIdentityToken
from dynafed.identity.amazon import AMAZON, AmazonSettings, AmazonTokenVerifier
from dynafed.identity.facebook import FACEBOOK, FacebookSettings, FacebookTokenVerifier
from dynafed.identity.google import (
    GOOGLE,
    GoogleSettings,
    GoogleVerifier,
    google_key_cache,
    is_google_issuer,
)
from dynafed.identity.jwks import Fetcher, JwksCache, JwksSettings
from dynafed.identity.oidc import (
    OidcVerifier,
    OidcVerifierSettings,
    ProviderLookup,
    VerifiedIdentity,
    read_unverified,
)

# Ours: AWS documents that only these two ProviderIds exist but not its wording.
UNSUPPORTED_PROVIDER_ID = (
    "ProviderId {provider_id} is not supported: only www.amazon.com and graph.facebook.com "
    "issue OAuth 2.0 access tokens"
)
PROVIDER_DISABLED = "The identity provider {provider} is not enabled on this server"


class TokenVerifier(Protocol):
    def verify(self, token: str) -> VerifiedIdentity: ...


class WebIdentityProviders:
    def __init__(
        self,
        oidc: TokenVerifier,
        *,
        google: TokenVerifier | None = None,
        amazon: TokenVerifier | None = None,
        facebook: TokenVerifier | None = None,
        oidc_providers: ProviderLookup | None = None,
        max_token_chars: int = 20_000,
    ) -> None:
        self._oidc = oidc
        self._google = google
        self._oauth = {AMAZON: amazon, FACEBOOK: facebook}
        self._oidc_providers = oidc_providers
        """Consulted for Google's issuers only: an explicit IAM registration wins."""
        self._max_token_chars = max_token_chars

    def verify(self, token: str, provider_id: str | None = None) -> VerifiedIdentity:
        """Who `token` vouches for; raises the verifier's AWS error otherwise."""
        if provider_id is not None:
            return self._oauth_verifier(provider_id).verify(token)
        issuer = read_unverified(token, self._max_token_chars).claims.get("iss")
        if is_google_issuer(issuer) and not self._registered_in_iam(issuer):
            if self._google is None:
                raise InvalidIdentityToken(PROVIDER_DISABLED.format(provider=GOOGLE))
            return self._google.verify(token)
        return self._oidc.verify(token)

    def oauth_verifiers(self) -> dict[str, TokenVerifier]:
        """The enabled OAuth verifiers by ProviderId, for callers that route ProviderId
        themselves (`sts.web_identity.WebIdentityVerifiers(oidc=self, oauth=...)`)."""
        return {name: verifier for name, verifier in self._oauth.items() if verifier is not None}

    def _oauth_verifier(self, provider_id: str) -> TokenVerifier:
        if provider_id not in self._oauth:
            raise InvalidIdentityToken(UNSUPPORTED_PROVIDER_ID.format(provider_id=provider_id))
        verifier = self._oauth[provider_id]
        if verifier is None:
            raise InvalidIdentityToken(PROVIDER_DISABLED.format(provider=provider_id))
        return verifier

    def _registered_in_iam(self, issuer: object) -> bool:
        lookup = self._oidc_providers
        return isinstance(issuer, str) and lookup is not None and lookup(issuer) is not None


@dataclass(frozen=True, slots=True)
class BuiltInProviderSettings:
    """Endpoints of the providers that need no IAM object; None turns one off (an
    air-gapped deployment without a local mirror)."""

    google: GoogleSettings | None = field(default_factory=GoogleSettings)
    amazon: AmazonSettings | None = field(default_factory=AmazonSettings)
    facebook: FacebookSettings | None = field(default_factory=FacebookSettings)
    oidc: OidcVerifierSettings = field(default_factory=OidcVerifierSettings)
    jwks: JwksSettings = field(default_factory=JwksSettings)


def build_web_identity_providers(
    fetch: Fetcher,
    clock: Clock,
    oidc_providers: ProviderLookup,
    settings: BuiltInProviderSettings | None = None,
) -> WebIdentityProviders:
    """Every web identity verifier wired to one transport and one clock."""
    s = settings or BuiltInProviderSettings()
    oidc = OidcVerifier(oidc_providers, JwksCache(fetch, clock, s.jwks), clock, s.oidc)
    google = None
    if s.google is not None:
        google = GoogleVerifier(google_key_cache(fetch, clock, s.google, s.jwks), clock, s.google)
    amazon = AmazonTokenVerifier(fetch, clock, s.amazon) if s.amazon is not None else None
    facebook = FacebookTokenVerifier(fetch, clock, s.facebook) if s.facebook is not None else None
    return WebIdentityProviders(
        oidc,
        google=google,
        amazon=amazon,
        facebook=facebook,
        oidc_providers=oidc_providers,
        max_token_chars=s.oidc.max_token_chars,
    )
