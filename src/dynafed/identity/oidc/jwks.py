"""Per-issuer cache of a provider's signing keys, fetched through the injected transport
(`identity.fetch`).

Keys come from the provider's discovery document (`jwks_uri`) and are kept for the JWKS
response's `Cache-Control: max-age`, clamped. A token naming an unknown `kid` triggers one
re-fetch (the provider may have rotated its keys), at most once per `refetch_interval` per
issuer so random kids cannot make us hammer the provider. While the provider is unreachable
we keep serving the keys we have for up to `max_stale` past their expiry; with no keys at all
the caller gets `IDPCommunicationError`, which SDKs retry.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass, field

import orjson

from dynafed.core.clock import Clock
from dynafed.errors import AwsError, IDPCommunicationError, InvalidIdentityToken
from dynafed.identity import messages
from dynafed.identity.fetch import Fetcher, FetchFailed, is_allowed_idp_url
from dynafed.identity.oidc.signing_keys import VerificationKey, parse_jwks, select_key
from dynafed.identity.oidc.urls import discovery_url


@dataclass(frozen=True, slots=True)
class JwksSettings:
    min_ttl: float = 300.0
    max_ttl: float = 86_400.0
    default_ttl: float = 3_600.0
    """Used when the JWKS response carries no usable `Cache-Control`."""
    refetch_interval: float = 60.0
    """Least time between two fetches for one issuer (unknown-kid re-fetches included)."""
    failure_backoff: float = 10.0
    """After a failed fetch, wait this long before trying the provider again."""
    max_stale: float = 86_400.0
    """How long past expiry cached keys still serve while the provider cannot be reached."""
    max_keys: int = 100
    max_document_bytes: int = 512 * 1024
    min_rsa_bits: int = 2048
    allow_loopback_http: bool = True


class _Unreachable(Exception):
    """No answer, a 5xx or a 429: the provider is down or busy (IDPCommunicationError)."""


class _Unusable(Exception):
    """An answer we cannot use: not 200, not JSON, no `jwks_uri` (InvalidIdentityToken)."""


@dataclass(slots=True)
class _IssuerKeys:
    keys: tuple[VerificationKey, ...] | None = None
    fresh_until: float = 0.0
    last_attempt: float | None = None
    last_failure: Exception | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)


class JwksCache:
    def __init__(
        self,
        fetch: Fetcher,
        clock: Clock,
        settings: JwksSettings | None = None,
        jwks_uris: Mapping[str, str] | None = None,
    ) -> None:
        self._fetch = fetch
        self._clock = clock
        self._settings = settings or JwksSettings()
        self._jwks_uris = dict(jwks_uris or {})
        """Issuers whose JWKS location is configured rather than discovered: built-in
        providers such as Google, whose keys AWS reads without an IAM provider object."""
        self._issuers: dict[str, _IssuerKeys] = {}
        self._issuers_lock = threading.Lock()

    def signing_key(self, issuer: str, kid: str | None, alg: str) -> VerificationKey:
        """The key that verifies a token of `issuer` with header `kid`/`alg`, or raise
        InvalidIdentityToken (no such key) / IDPCommunicationError (provider unreachable)."""
        state = self._state(issuer)
        with state.lock:
            now = self._clock.now()
            if state.keys is None or now >= state.fresh_until:
                self._refresh(issuer, state, now)
            keys = self._usable_keys(state, now)
            key = select_key(keys, kid, alg)
            if key is None and kid is not None and self._may_refetch(state, now):
                self._refresh(issuer, state, now)
                key = select_key(self._usable_keys(state, now), kid, alg)
        if key is None and isinstance(state.last_failure, _Unreachable):
            # The key may exist in a rotation we could not fetch: let the client retry.
            raise IDPCommunicationError(messages.IDP_UNREACHABLE)
        if key is None:
            raise InvalidIdentityToken(messages.NO_VERIFICATION_KEY)
        return key

    def forget(self, issuer: str) -> None:
        """Drop what we know about an issuer (its IAM provider was deleted or changed)."""
        with self._issuers_lock:
            self._issuers.pop(issuer, None)

    def _state(self, issuer: str) -> _IssuerKeys:
        with self._issuers_lock:
            return self._issuers.setdefault(issuer, _IssuerKeys())

    def _may_refetch(self, state: _IssuerKeys, now: float) -> bool:
        last = state.last_attempt
        return last is None or now - last >= self._settings.refetch_interval

    def _usable_keys(self, state: _IssuerKeys, now: float) -> tuple[VerificationKey, ...]:
        if state.keys is not None and now < state.fresh_until + self._settings.max_stale:
            return state.keys
        raise _as_aws_error(state.last_failure)

    def _refresh(self, issuer: str, state: _IssuerKeys, now: float) -> None:
        backing_off = (
            state.last_failure is not None
            and state.last_attempt is not None
            and now - state.last_attempt < self._settings.failure_backoff
        )
        if backing_off:
            return
        state.last_attempt = now
        try:
            keys, ttl = self._download(issuer)
        except (_Unreachable, _Unusable) as failure:
            state.last_failure = failure
            return
        state.keys, state.fresh_until, state.last_failure = keys, now + ttl, None

    def _download(self, issuer: str) -> tuple[tuple[VerificationKey, ...], float]:
        jwks_uri = self._jwks_uris.get(issuer) or self._discovered_jwks_uri(issuer)
        jwks, headers = self._get_json(jwks_uri)
        if not isinstance(jwks, dict) or not isinstance(jwks.get("keys"), list):
            raise _Unusable("not a JWKS document")
        keys = parse_jwks(
            jwks, max_keys=self._settings.max_keys, min_rsa_bits=self._settings.min_rsa_bits
        )
        return keys, self._ttl(headers)

    def _discovered_jwks_uri(self, issuer: str) -> str:
        discovery, _ = self._get_json(discovery_url(issuer))
        if not isinstance(discovery, dict) or discovery.get("issuer") != issuer:
            # OpenID Connect Discovery 1.0 §4.3: the document must name the same issuer.
            raise _Unusable("discovery document does not match the issuer")
        jwks_uri = discovery.get("jwks_uri")
        if not isinstance(jwks_uri, str):
            raise _Unusable("discovery document has no jwks_uri")
        return jwks_uri

    def _get_json(self, url: str) -> tuple[object, Mapping[str, str]]:
        if not is_allowed_idp_url(url, self._settings.allow_loopback_http):
            raise _Unusable(f"refusing to fetch {url}")
        try:
            status, headers, body = self._fetch(url)
        except (FetchFailed, OSError) as failure:
            raise _Unreachable(str(failure)) from failure
        if status >= 500 or status == 429:
            raise _Unreachable(f"HTTP {status} from {url}")
        if status != 200 or len(body) > self._settings.max_document_bytes:
            raise _Unusable(f"HTTP {status} from {url}")
        try:
            return orjson.loads(body), headers
        except orjson.JSONDecodeError as failure:
            raise _Unusable(f"{url} is not JSON") from failure

    def _ttl(self, headers: Mapping[str, str]) -> float:
        s = self._settings
        max_age = cache_max_age(headers)
        ttl = s.default_ttl if max_age is None else max_age
        return min(max(ttl, s.min_ttl), s.max_ttl)


def cache_max_age(headers: Mapping[str, str]) -> float | None:
    """Seconds from `Cache-Control` (`no-cache`/`no-store` count as 0); None if it says nothing."""
    value = next((v for k, v in headers.items() if k.lower() == "cache-control"), None)
    if value is None:
        return None
    for directive in value.split(","):
        name, _, argument = directive.strip().partition("=")
        name = name.strip().lower()
        if name in ("no-cache", "no-store"):
            return 0.0
        if name == "max-age" and argument.strip().strip('"').isdigit():
            return float(argument.strip().strip('"'))
    return None


def _as_aws_error(failure: Exception | None) -> AwsError:
    if isinstance(failure, _Unreachable):
        return IDPCommunicationError(messages.IDP_UNREACHABLE)
    return InvalidIdentityToken(messages.NO_VERIFICATION_KEY)
