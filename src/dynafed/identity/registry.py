"""The one registry of identity providers: which verifier reads a token, and which SAML
provider an assertion is checked against. STS (AssumeRoleWithWebIdentity,
AssumeRoleWithSAML) and identity-pool logins ask it alike; `build_identity_providers`
wires every verifier to one transport and one clock, once.

Web identity tokens (sts-identity.md §1.6 step 2, iam-fgac.md §4.5 step 2):

* `ProviderId` `www.amazon.com` or `graph.facebook.com`: an opaque OAuth 2.0 access token,
  checked with that provider (`identity.oauth`). AWS supports no other ProviderId
  (https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRoleWithWebIdentity.html);
  one of these two turned off on this server says so.
* No ProviderId: an OpenID Connect ID token, routed by its `iss`. The issuers this server
  runs itself (`identity.builtin`: identity-pool OpenID tokens) are verified in process.
  Google's issuers go to the built-in Google verifier, unless the account registered an
  IAM OIDC provider for that exact issuer (then its ClientIDList and ARN apply); every
  other issuer — a built-in user pool included, once registered in IAM — to the IAM OIDC
  verifier (`identity.oidc`), which answers "No OpenIDConnect provider found…" for
  unknown ones.

Every verifier returns a `VerifiedIdentity`. For built-in providers its `provider_arn` holds
the provider's name (`accounts.google.com`, `www.amazon.com`, `graph.facebook.com`,
`cognito-identity.amazonaws.com`): that is what the trust policy's `Principal.Federated`,
the response's `Provider` and `aws:FederatedProvider` carry for them, as the provider ARN
does for IAM providers.

A new provider is a verifier in the subpackage of its protocol (`oidc/`, `oauth/`, `saml/`,
`builtin/`), registered here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Protocol

from dynafed.core.clock import Clock
from dynafed.errors import InvalidIdentityToken
from dynafed.identity.builtin import BuiltInIssuer
from dynafed.identity.fetch import Fetcher
from dynafed.identity.oauth.amazon import AMAZON, AmazonSettings, AmazonTokenVerifier
from dynafed.identity.oauth.facebook import FACEBOOK, FacebookSettings, FacebookTokenVerifier
from dynafed.identity.oidc.google import (
    GOOGLE,
    GoogleSettings,
    GoogleVerifier,
    google_key_cache,
    is_google_issuer,
)
from dynafed.identity.oidc.jwks import JwksCache, JwksSettings
from dynafed.identity.oidc.verifier import (
    OidcVerifier,
    OidcVerifierSettings,
    ProviderLookup,
    read_unverified,
)
from dynafed.identity.saml.verifier import SamlProviderRecord
from dynafed.identity.verified import VerifiedIdentity

# Ours: AWS documents that only these two ProviderIds exist but not its wording.
UNSUPPORTED_PROVIDER_ID = "The ProviderId {provider_id} is not supported."
PROVIDER_DISABLED = "The identity provider {provider} is not enabled on this server"

SamlProviderLookup = Callable[[str], SamlProviderRecord | None]
"""The IAM SAML provider with this ARN (the request's PrincipalArn), or None."""


class TokenVerifier(Protocol):
    def verify(self, token: str) -> VerifiedIdentity:
        """Who the token vouches for, or raise the STS error for a bad token."""
        ...


def _no_saml_providers(arn: str) -> SamlProviderRecord | None:
    return None


class IdentityProviders:
    def __init__(
        self,
        oidc: TokenVerifier,
        *,
        google: TokenVerifier | None = None,
        amazon: TokenVerifier | None = None,
        facebook: TokenVerifier | None = None,
        built_in: Iterable[BuiltInIssuer] = (),
        oidc_providers: ProviderLookup | None = None,
        saml_providers: SamlProviderLookup = _no_saml_providers,
        max_token_chars: int = 20_000,
    ) -> None:
        self._oidc = oidc
        self._google = google
        self._oauth = {AMAZON: amazon, FACEBOOK: facebook}
        self._built_in = {issuer.issuer: issuer for issuer in built_in}
        self._oidc_providers = oidc_providers
        """Consulted for Google's issuers only: an explicit IAM registration wins."""
        self._saml_providers = saml_providers
        self._max_token_chars = max_token_chars

    def verify_web_identity(self, token: str, provider_id: str | None = None) -> VerifiedIdentity:
        """Who an AssumeRoleWithWebIdentity token vouches for; raises the verifier's AWS
        error otherwise."""
        if provider_id is not None:
            return self._oauth_verifier(provider_id).verify(token)
        issuer = read_unverified(token, self._max_token_chars).claims.get("iss")
        built_in = self._built_in.get(issuer) if isinstance(issuer, str) else None
        if built_in is not None:
            return built_in.verify(token)
        if is_google_issuer(issuer) and not self._registered_in_iam(issuer):
            if self._google is None:
                raise InvalidIdentityToken(PROVIDER_DISABLED.format(provider=GOOGLE))
            return self._google.verify(token)
        return self._oidc.verify(token)

    def verify_iam_oidc_token(self, token: str) -> VerifiedIdentity:
        """An ID token of a provider registered in IAM (CreateOpenIDConnectProvider), found
        by its `iss`: what an identity pool's `OpenIdConnectProviderARNs` logins carry."""
        return self._oidc.verify(token)

    def saml_provider(self, arn: str) -> SamlProviderRecord | None:
        """The IAM SAML provider an AssumeRoleWithSAML `PrincipalArn` names, or None."""
        return self._saml_providers(arn)

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


def build_identity_providers(
    fetch: Fetcher,
    clock: Clock,
    oidc_providers: ProviderLookup,
    settings: BuiltInProviderSettings | None = None,
    *,
    saml_providers: SamlProviderLookup = _no_saml_providers,
    built_in: Iterable[BuiltInIssuer] = (),
) -> IdentityProviders:
    """Every verifier wired to one transport and one clock. Built once for the life of the
    server: JWKS and OAuth answers are cached in the verifiers."""
    s = settings or BuiltInProviderSettings()
    oidc = OidcVerifier(oidc_providers, JwksCache(fetch, clock, s.jwks), clock, s.oidc)
    google = None
    if s.google is not None:
        google = GoogleVerifier(google_key_cache(fetch, clock, s.google, s.jwks), clock, s.google)
    amazon = AmazonTokenVerifier(fetch, clock, s.amazon) if s.amazon is not None else None
    facebook = FacebookTokenVerifier(fetch, clock, s.facebook) if s.facebook is not None else None
    return IdentityProviders(
        oidc,
        google=google,
        amazon=amazon,
        facebook=facebook,
        built_in=built_in,
        oidc_providers=oidc_providers,
        saml_providers=saml_providers,
        max_token_chars=s.oidc.max_token_chars,
    )
