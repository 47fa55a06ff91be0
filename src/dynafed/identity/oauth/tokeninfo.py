"""What Login with Amazon and Facebook verification share: asking the provider about an
opaque OAuth 2.0 access token, classifying its answer, and remembering good answers.

These tokens are not JWTs; only the provider can say whether one is valid, so STS asks it
(sts-identity.md §4). An unreachable or failing provider is `IDPCommunicationError`, which
SDKs retry; the provider saying the token is invalid, expired or revoked is
`IDPRejectedClaim` (HTTP 403), per the STS model's documentation of both errors
(https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRoleWithWebIdentity.html).

Valid answers are cached by a digest of the token (never the token itself) until the token
expires or `ttl` passes, whichever is first, so a revoked token stays usable for at most
`ttl` seconds; failures are never cached.
"""

from __future__ import annotations

import hashlib
import threading
from abc import ABC, abstractmethod
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import orjson

from dynafed.core.clock import Clock
from dynafed.errors import IDPCommunicationError, IDPRejectedClaim
from dynafed.identity import messages
from dynafed.identity.fetch import Fetcher, FetchFailed
from dynafed.identity.verified import ContextKeys, VerifiedIdentity, printable

# botocore's sts model: IDPRejectedClaimException documentation
IDP_REJECTED = (
    "The identity provider (IdP) reported that authentication failed. This might be because "
    "the claim is invalid. If this error is returned for the AssumeRoleWithWebIdentity "
    "operation, it can also mean that the claim has expired or has been explicitly revoked."
)


def rejected() -> IDPRejectedClaim:
    return IDPRejectedClaim(IDP_REJECTED)


def unreachable() -> IDPCommunicationError:
    return IDPCommunicationError(messages.IDP_UNREACHABLE)


@dataclass(frozen=True, slots=True)
class ProviderAnswer:
    status: int
    document: Any
    """The parsed JSON body; None when the body is empty or not JSON."""


def ask(fetch: Fetcher, endpoint: str, query: Mapping[str, str]) -> ProviderAnswer:
    """GET `endpoint?query`. No answer at all, a 5xx or a 429 is IDPCommunicationError; any
    other status is returned for the caller to classify."""
    separator = "&" if "?" in endpoint else "?"
    try:
        status, _, body = fetch(endpoint + separator + urlencode(query))
    except (FetchFailed, OSError):
        # The failure's text holds the URL, and with it the token: don't chain it.
        raise unreachable() from None
    if status >= 500 or status == 429:
        raise unreachable()
    try:
        document = orjson.loads(body) if body else None
    except orjson.JSONDecodeError:
        document = None
    return ProviderAnswer(status, document)


def text_field(document: Mapping[str, Any], name: str) -> str | None:
    """A string (or integer, as the Graph API sometimes sends ids) field as text."""
    value = document.get(name)
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return str(value)
    return value if isinstance(value, str) and value else None


def oauth_identity(
    provider_id: str,
    subject: str,
    audience: str,
    keys: ContextKeys,
    expires_at: int,
    issued_at: int | None,
    document: Mapping[str, Any],
) -> VerifiedIdentity:
    """A verified OAuth user. Both providers' keys (`user_id`/`app_id`, `id`/`app_id`) stay
    in the session for later requests (iam-fgac.md §4.4b), as does the provider."""
    context = {**keys, "aws:FederatedProvider": [provider_id]}
    return VerifiedIdentity(
        issuer=provider_id,
        provider_arn=provider_id,
        provider_key=provider_id,
        subject=printable(subject),
        audience=audience,
        expires_at=expires_at,
        issued_at=issued_at,
        trust_context_keys=context,
        session_context_keys={name: list(values) for name, values in context.items()},
        tags=None,
        source_identity=None,
        claims=dict(document),
    )


@dataclass(frozen=True, slots=True)
class TokenCacheSettings:
    ttl: float = 300.0
    """Longest time a valid answer is reused (and so a revoked token still accepted)."""
    max_entries: int = 10_000


class TokenInfoCache:
    """Thread-safe, least-recently-used, bounded; keyed by SHA-256 of the token."""

    def __init__(self, settings: TokenCacheSettings | None = None) -> None:
        self._settings = settings or TokenCacheSettings()
        self._entries: OrderedDict[bytes, tuple[float, VerifiedIdentity]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, token: str, now: float) -> VerifiedIdentity | None:
        key = _digest(token)
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return None
            if now >= entry[0]:
                del self._entries[key]
                return None
            self._entries.move_to_end(key)
            return entry[1]

    def put(self, token: str, identity: VerifiedIdentity, now: float) -> None:
        until = min(float(identity.expires_at), now + self._settings.ttl)
        if until <= now or self._settings.max_entries <= 0:
            return
        key = _digest(token)
        with self._lock:
            self._entries[key] = (until, identity)
            self._entries.move_to_end(key)
            while len(self._entries) > self._settings.max_entries:
                self._entries.popitem(last=False)

    def __len__(self) -> int:
        return len(self._entries)


def _digest(token: str) -> bytes:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).digest()


class TokenInfoVerifier(ABC):
    """A verifier of opaque access tokens: a token it holds no good answer for is asked
    about at the provider (`_ask_provider`, per provider); good answers are remembered."""

    def __init__(self, fetch: Fetcher, clock: Clock, cache: TokenCacheSettings) -> None:
        self._fetch = fetch
        self._clock = clock
        self._cache = TokenInfoCache(cache)

    def verify(self, token: str) -> VerifiedIdentity:
        """Raise IDPRejectedClaim or IDPCommunicationError, or return whose token it is."""
        now = self._clock.now()
        cached = self._cache.get(token, now)
        if cached is not None:
            return cached
        identity = self._ask_provider(token, now)  # a failure raises and is not remembered
        self._cache.put(token, identity, now)
        return identity

    @abstractmethod
    def _ask_provider(self, token: str, now: float) -> VerifiedIdentity: ...
