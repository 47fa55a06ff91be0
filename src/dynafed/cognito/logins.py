"""Checking the `Logins` of a GetId / GetOpenIdToken / GetCredentialsForIdentity call.

A login key must name a provider the identity pool is configured with (Cognito Identity API
reference, GetId `Logins`):
- a built-in user pool listed in `CognitoIdentityProviders`, named like Cognito's
  `cognito-idp.<region>.amazonaws.com/<pool id>` or by its issuer without the scheme (a
  login may use either name, whichever the pool lists); its ID token must be ours,
  unexpired, for that pool, and issued to the listed `ClientId`;
- an IAM OIDC provider whose ARN is in `OpenIdConnectProviderARNs`, keyed by its URL without
  the scheme; the token is checked as STS checks it (keys, audience in the ClientIDList), by
  the same identity registry and so through the same HTTP client and JWKS cache;
- a public provider in `SupportedLoginProviders` (`accounts.google.com`, `www.amazon.com`,
  `graph.facebook.com`, each with the app's id there): the token is verified exactly as STS
  verifies it for that provider, and must be issued to that app (Google's client id, Login
  with Amazon's application id, Facebook's app id);
- a SAML provider whose ARN is in `SamlProviderARNs`, keyed by that ARN: the value is the
  IdP's base64 response, checked as AssumeRoleWithSAML checks it (signature, issuer,
  audience, times, RoleSessionName) except the `Role` attribute: the pool picks the role.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from dynafed.cognito.model import IdentityPool
from dynafed.core.clock import Clock
from dynafed.errors import (
    ExternalServiceException,
    IDPCommunicationError,
    NotAuthorizedException,
    QueryError,
)
from dynafed.identity.saml.verifier import SamlProviderRecord, SamlSettings, verify_saml_response
from dynafed.identity.verified import VerifiedIdentity
from dynafed.userpool.id_tokens import InvalidIdToken, verify_id_token
from dynafed.userpool.issuer import PoolDirectory

_COGNITO_IDP = re.compile(r"cognito-idp\.[a-z0-9-]+\.amazonaws\.com/[\w-]+_[0-9a-zA-Z]+")
UNSUPPORTED_PROVIDER = "Token is not from a supported provider of this identity pool."
INVALID_LOGIN = "Invalid login token. {reason}"


@dataclass(frozen=True, slots=True)
class VerifiedLogin:
    provider: str
    """The Logins key."""
    user_id: str
    claims: Mapping[str, Any]
    mapping_key: str
    """The key of this provider's role mapping (`<provider>:<client id>` for user pools)."""
    amr_entry: str

    @property
    def link(self) -> str:
        return f"{self.provider}|{self.user_id}"


class WebIdentityTokens(Protocol):
    """`identity.registry.IdentityProviders`: the verifiers STS uses."""

    def verify_iam_oidc_token(self, token: str) -> VerifiedIdentity:
        """The ID token of an IAM OIDC provider."""
        ...

    def verify_web_identity(self, token: str, provider_id: str | None = None) -> VerifiedIdentity:
        """A token of any provider STS accepts (`provider_id` for the OAuth ones)."""
        ...

    def saml_provider(self, arn: str) -> SamlProviderRecord | None:
        """The IAM SAML provider with this ARN, or None."""
        ...


PUBLIC_PROVIDERS = {
    "accounts.google.com": None,  # an ID token: routed by its issuer
    "www.amazon.com": "www.amazon.com",  # OAuth access tokens: named by their provider
    "graph.facebook.com": "graph.facebook.com",
}
_APP_ID_KEY = {"www.amazon.com": "www.amazon.com:app_id"}
"""Where a provider's app id is, when it is not the token's audience: Login with Amazon's
audience is the OAuth client id; the pool names the application id."""


class LoginVerifier:
    def __init__(
        self,
        pools: PoolDirectory,
        tokens: WebIdentityTokens,
        clock: Clock,
        saml: SamlSettings | None = None,
    ) -> None:
        self._pools = pools
        self._tokens = tokens
        self._clock = clock
        self._saml = saml or SamlSettings()

    def verify_all(self, pool: IdentityPool, logins: Mapping[str, str]) -> list[VerifiedLogin]:
        return [self.verify(pool, provider, token) for provider, token in logins.items()]

    def verify(self, pool: IdentityPool, provider: str, token: str) -> VerifiedLogin:
        for entry in pool.config.get("CognitoIdentityProviders") or []:
            name = entry.get("ProviderName")
            if name == provider or self._same_user_pool(name, provider):
                return self._user_pool_login(name, entry.get("ClientId"), token)
        arns = pool.config.get("OpenIdConnectProviderARNs") or []
        if any(arn.endswith(f":oidc-provider/{provider}") for arn in arns):
            return self._oidc_login(provider, token)
        supported = pool.config.get("SupportedLoginProviders") or {}
        if provider in supported and provider in PUBLIC_PROVIDERS:
            return self._public_login(provider, supported[provider], token)
        if provider in (pool.config.get("SamlProviderARNs") or []):
            return self._saml_login(provider, token)
        raise NotAuthorizedException(UNSUPPORTED_PROVIDER)

    def _same_user_pool(self, listed: object, key: str) -> bool:
        """A login keyed by the pool's issuer without the scheme (what Amplify and other
        SDKs send: the ID token's `iss`) for a pool listed under Cognito's name, or the
        other way round. The listed name is the one the identity keeps, so role mappings
        and linked logins do not depend on which form the app sent."""
        if not isinstance(listed, str):
            return False
        pool_id = listed.rsplit("/", 1)[-1]
        if pool_id != key.rsplit("/", 1)[-1]:
            return False
        region = pool_id.split("_", 1)[0]
        cognito_name = f"cognito-idp.{region}.amazonaws.com/{pool_id}"
        issuer_name = self._pools.issuer(pool_id).split("://", 1)[-1]
        return {listed, key} == {cognito_name, issuer_name}

    def _user_pool_login(self, provider: str, client_id: str | None, token: str) -> VerifiedLogin:
        pool_id = provider.rsplit("/", 1)[-1]
        named_ok = (
            provider.startswith("cognito-idp.")
            or provider == self._pools.issuer(pool_id).split("://", 1)[-1]
        )
        if not named_ok:
            raise NotAuthorizedException(UNSUPPORTED_PROVIDER)
        try:
            claims = verify_id_token(self._pools, pool_id, token)
        except InvalidIdToken as invalid:
            raise NotAuthorizedException(INVALID_LOGIN.format(reason=invalid.reason)) from None
        if client_id is not None and claims.get("aud") != client_id:
            raise NotAuthorizedException(INVALID_LOGIN.format(reason="Incorrect token audience."))
        sub = str(claims["sub"])
        return VerifiedLogin(
            provider, sub, claims, f"{provider}:{claims['aud']}", f"{provider}:CognitoSignIn:{sub}"
        )

    def _oidc_login(self, provider: str, token: str) -> VerifiedLogin:
        identity = _verified(lambda: self._tokens.verify_iam_oidc_token(token))
        _require_provider(identity, provider)
        sub = identity.subject
        return VerifiedLogin(provider, sub, identity.claims, provider, f"{provider}:{sub}")

    def _public_login(self, provider: str, app_id: object, token: str) -> VerifiedLogin:
        identity = _verified(
            lambda: self._tokens.verify_web_identity(token, PUBLIC_PROVIDERS[provider])
        )
        _require_provider(identity, provider)
        app_key = _APP_ID_KEY.get(provider)
        issued_to = (
            identity.trust_context_keys.get(app_key, [None])[0] if app_key else identity.audience
        )
        if issued_to != app_id:
            raise NotAuthorizedException(INVALID_LOGIN.format(reason="Incorrect token audience."))
        sub = identity.subject
        return VerifiedLogin(provider, sub, identity.claims, provider, f"{provider}:{sub}")

    def _saml_login(self, provider: str, response: str) -> VerifiedLogin:
        record = self._tokens.saml_provider(provider)
        if record is None:
            raise NotAuthorizedException(UNSUPPORTED_PROVIDER)
        try:
            assertion = verify_saml_response(response, record, None, self._clock.now(), self._saml)
        except QueryError as refused:
            raise NotAuthorizedException(INVALID_LOGIN.format(reason=refused.message)) from None
        sub = assertion.subject
        claims = {"sub": sub, "iss": assertion.issuer, "aud": assertion.audience}
        return VerifiedLogin(provider, sub, claims, provider, f"{provider}:{sub}")


def _require_provider(identity: VerifiedIdentity, provider: str) -> None:
    """The token must come from the provider the login key names."""
    if identity.provider_key != provider:
        raise NotAuthorizedException(
            INVALID_LOGIN.format(reason="Issuer doesn't match providerName")
        )


def _verified(verify: Callable[[], VerifiedIdentity]) -> VerifiedIdentity:
    """What a verifier vouches for, its refusals in Cognito's words."""
    try:
        return verify()
    except IDPCommunicationError as down:
        raise ExternalServiceException(down.message) from None
    except QueryError as refused:
        raise NotAuthorizedException(INVALID_LOGIN.format(reason=refused.message)) from None
