"""Verify an OpenID Connect ID token the way STS AssumeRoleWithWebIdentity does.

Order (sts-identity.md §1.6, iam-fgac.md §4.5): shape and algorithm, provider lookup by
`iss`, verification key by `kid`, signature, times (`exp` → ExpiredTokenException),
audience against the provider's ClientIDList, subject, then session tags and source
identity. Only RS256/384/512 and ES256/384/512 are accepted and each key is bound to the
algorithms of its own type, so `alg: none`, HS* and RSA/HMAC key confusion cannot verify.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import orjson
from joserfc.errors import JoseError
from joserfc.jws import JWSRegistry, deserialize_compact

from dynafed.core.clock import Clock
from dynafed.errors import InvalidIdentityToken
from dynafed.identity import messages, verified
from dynafed.identity.oidc import claims as token_claims
from dynafed.identity.oidc.jwks import JwksCache
from dynafed.identity.oidc.signing_keys import ALLOWED_ALGORITHMS, VerificationKey
from dynafed.identity.oidc.urls import provider_key
from dynafed.identity.verified import ContextKeys, VerifiedIdentity


@dataclass(frozen=True, slots=True)
class OidcProviderRecord:
    """What the verifier needs of an IAM OpenIDConnectProvider."""

    arn: str
    """`arn:aws:iam::<account>:oidc-provider/<url without scheme>`."""
    url: str
    """The issuer URL exactly as registered (and as tokens carry it in `iss`)."""
    client_ids: tuple[str, ...]


ProviderLookup = Callable[[str], OidcProviderRecord | None]
"""Issuer URL (the token's `iss`, compared exactly) -> the registered provider, or None."""


@dataclass(frozen=True, slots=True)
class OidcVerifierSettings:
    times: token_claims.TimeRules = field(default_factory=token_claims.TimeRules)
    max_token_chars: int = 20_000
    """STS's WebIdentityToken limit."""


class OidcVerifier:
    def __init__(
        self,
        providers: ProviderLookup,
        keys: JwksCache,
        clock: Clock,
        settings: OidcVerifierSettings | None = None,
    ) -> None:
        self._providers = providers
        self._keys = keys
        self._clock = clock
        self._settings = settings or OidcVerifierSettings()

    def verify(self, token: str) -> VerifiedIdentity:
        """Raise InvalidIdentityToken, ExpiredToken or IDPCommunicationError, or return who
        the token vouches for."""
        unverified = read_unverified(token, self._settings.max_token_chars)
        issuer = unverified.claims.get("iss")
        if not isinstance(issuer, str):
            raise InvalidIdentityToken(messages.MISSING_CLAIM.format(claim="iss"))
        provider = self._providers(issuer)
        if provider is None:
            raise InvalidIdentityToken(messages.NO_PROVIDER.format(issuer=issuer))
        key = self._keys.signing_key(issuer, unverified.kid, unverified.alg)
        claims = verified_claims(token, key, unverified.alg)
        return _identity(provider, claims, self._clock.now(), self._settings.times)


@dataclass(frozen=True, slots=True)
class UnverifiedToken:
    """A compact JWS before its signature is checked: only for choosing provider and key."""

    alg: str
    """One of ALLOWED_ALGORITHMS."""
    kid: str | None
    claims: dict[str, Any]


def read_unverified(token: str, max_chars: int) -> UnverifiedToken:
    """Shape and algorithm checks of a compact JWS (InvalidIdentityToken on failure)."""
    header, claims = _parse(token, max_chars)
    return UnverifiedToken(_algorithm(header), _kid(header), claims)


def verified_claims(token: str, key: VerificationKey, alg: str) -> dict[str, Any]:
    """The claims of `token` once its signature verifies with `key` under exactly `alg`."""
    try:
        payload = deserialize_compact(token, key.key, registry=_REGISTRIES[alg]).payload
    except (JoseError, ValueError, TypeError) as failure:
        raise InvalidIdentityToken(messages.NOT_VALIDATED) from failure
    return _json_object(payload or b"")


def _identity(
    provider: OidcProviderRecord,
    claims: Mapping[str, Any],
    now: float,
    rules: token_claims.TimeRules,
) -> VerifiedIdentity:
    times = token_claims.check_times(claims, now, rules)
    audience = token_claims.matched_client_id(claims, provider.client_ids)
    return id_token_identity(
        claims,
        times,
        audience,
        issuer=provider.url,
        provider_arn=provider.arn,
        prefix=provider_key(provider.url),
    )


def id_token_identity(
    claims: Mapping[str, Any],
    times: token_claims.TokenTimes,
    audience: str,
    *,
    issuer: str,
    provider_arn: str,
    prefix: str,
    trust_only_keys: ContextKeys | None = None,
) -> VerifiedIdentity:
    """Who a verified ID token vouches for, once its times and audience are checked: its
    subject, session tags and source identity, and the condition keys named `<prefix>:…`.
    `trust_only_keys` are more keys for the trust policy (the session keeps only the
    `sub`, `aud` and `amr` families and `aws:FederatedProvider`)."""
    subject = token_claims.subject(claims)
    tags = verified.session_tags(claims)
    source = verified.source_identity(claims)
    trust = verified.trust_context_keys(prefix, claims, audience, provider_arn, tags, source)
    trust.update(trust_only_keys or {})
    return VerifiedIdentity(
        issuer=issuer,
        provider_arn=provider_arn,
        provider_key=prefix,
        subject=subject,
        audience=audience,
        expires_at=times.expires_at,
        issued_at=times.issued_at,
        trust_context_keys=trust,
        session_context_keys=verified.session_context_keys(prefix, trust),
        tags=tags,
        source_identity=source,
        claims=claims,
    )


def _parse(token: str, max_chars: int) -> tuple[dict[str, Any], dict[str, Any]]:
    """Header and claims of a compact JWS, unverified (used only to pick provider and key)."""
    segments = token.split(".")
    if len(token) > max_chars or len(segments) != 3:
        raise InvalidIdentityToken(messages.NOT_A_JWT)
    return _json_object(_b64url(segments[0])), _json_object(_b64url(segments[1]))


def _b64url(segment: str) -> bytes:
    try:
        return base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))
    except (binascii.Error, ValueError) as failure:
        raise InvalidIdentityToken(messages.NOT_A_JWT) from failure


def _json_object(data: bytes) -> dict[str, Any]:
    try:
        value = orjson.loads(data)
    except orjson.JSONDecodeError as failure:
        raise InvalidIdentityToken(messages.NOT_A_JWT) from failure
    if not isinstance(value, dict):
        raise InvalidIdentityToken(messages.NOT_A_JWT)
    return value


def _algorithm(header: Mapping[str, Any]) -> str:
    alg = header.get("alg")
    if not isinstance(alg, str) or alg not in ALLOWED_ALGORITHMS:
        raise InvalidIdentityToken(messages.NOT_VALIDATED)
    return alg


def _kid(header: Mapping[str, Any]) -> str | None:
    kid = header.get("kid")
    if kid is not None and not isinstance(kid, str):
        raise InvalidIdentityToken(messages.NOT_VALIDATED)
    return kid


def _registry(alg: str) -> JWSRegistry:
    """A joserfc registry that admits exactly one algorithm. Header members we do not know
    are tolerated (providers add `x5t`, `jku`, ... which we never act on); `crit` naming
    one of them still fails, as RFC 7515 §4.1.11 requires."""
    registry = JWSRegistry(algorithms=[alg], strict_check_header=False)
    registry.max_header_length = 4096
    return registry


_REGISTRIES = {alg: _registry(alg) for alg in ALLOWED_ALGORITHMS}
