"""Sealed session tokens: the whole session travels inside its own token.

A token is `base64url(header || nonce || AES-256-GCM(plaintext))` with the header
`version (1 byte) || key-id length (1 byte) || key id` in clear, so a node picks the right key
from its keyring and keys can rotate. The associated data is the header plus the access key
id, so a token only opens next to the access key id it was minted with: swapping tokens
between sessions, or editing the key id, fails authentication. Any failure to open is
UnrecognizedClientException; an authentic but expired session is ExpiredTokenException, the
messages DynamoDB returns (sts-identity.md §1.5).

The plaintext is the session context as a compact orjson array, zlib-compressed when that is
smaller. Compressing before encrypting can leak plaintext through length, but the only secret
inside is the session's own secret access key, which its holder already knows.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import zlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import Any

import orjson
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from dynafed.auth.principal import SessionContext, SessionKind, UserContext
from dynafed.errors import ExpiredTokenException, UnrecognizedClientException

RandomBytes = Callable[[int], bytes]
"""`random_bytes(n)`: n bytes from a CSPRNG (`secrets.token_bytes` in production)."""

INVALID_TOKEN = "The security token included in the request is invalid."
EXPIRED_TOKEN = "The security token included in the request is expired"

MAX_SESSION_SECONDS = 129_600
"""STS's longest session (GetSessionToken and GetFederationToken: 36 hours); a retired key
must open tokens for this long after retirement."""
MAX_TOKEN_CHARS = 16_384

_VERSION = 1
_NONCE_BYTES = 12
_KEY_BYTES = 32
_RAW, _ZLIB = b"\x00", b"\x01"


@dataclass(frozen=True, slots=True)
class SealingKey:
    key_id: str
    secret: bytes
    created_at: float
    retired_at: float | None = None


@dataclass(frozen=True, slots=True)
class Keyring:
    """The current sealing key plus retired keys still needed to open live tokens."""

    current: SealingKey
    previous: tuple[SealingKey, ...] = ()

    @classmethod
    def generate(cls, random_bytes: RandomBytes, now: float) -> Keyring:
        return cls(_new_key(random_bytes, now))

    def rotated(
        self, random_bytes: RandomBytes, now: float, retain_for: float = MAX_SESSION_SECONDS
    ) -> Keyring:
        """A new current key; the old one keeps opening tokens for `retain_for` seconds."""
        retired = replace(self.current, retired_at=now)
        kept = tuple(
            k for k in self.previous if k.retired_at is None or now - k.retired_at < retain_for
        )
        return Keyring(_new_key(random_bytes, now), (retired, *kept))

    def find(self, key_id: str) -> SealingKey | None:
        if key_id == self.current.key_id:
            return self.current
        return next((k for k in self.previous if k.key_id == key_id), None)

    def to_document(self) -> dict[str, Any]:
        return {
            "current": _key_document(self.current),
            "previous": [_key_document(k) for k in self.previous],
        }

    @classmethod
    def from_document(cls, document: Mapping[str, Any]) -> Keyring:
        return cls(
            _key_from_document(document["current"]),
            tuple(_key_from_document(k) for k in document.get("previous", ())),
        )


@dataclass(frozen=True, slots=True)
class OpenedSession:
    session: SessionContext
    secret_access_key: str


def seal_session_token(
    session: SessionContext,
    secret_access_key: str,
    access_key_id: str,
    keyring: Keyring,
    random_bytes: RandomBytes,
) -> str:
    """Seal `session` for use with `access_key_id`.

    Nonces are 96 random bits: keep well under 2**32 tokens per key (rotate the keyring)."""
    key = keyring.current
    header = bytes([_VERSION, len(key.key_id)]) + key.key_id.encode("ascii")
    nonce = random_bytes(_NONCE_BYTES)
    sealed = AESGCM(key.secret).encrypt(
        nonce, _pack(session, secret_access_key), _associated_data(header, access_key_id)
    )
    return base64.urlsafe_b64encode(header + nonce + sealed).rstrip(b"=").decode("ascii")


def open_session_token(
    token: str, access_key_id: str, keyring: Keyring, now: float
) -> OpenedSession:
    raw = _decode(token)
    header, key = _header_and_key(raw, keyring)
    nonce = raw[len(header) : len(header) + _NONCE_BYTES]
    try:
        plaintext = AESGCM(key.secret).decrypt(
            nonce, raw[len(header) + _NONCE_BYTES :], _associated_data(header, access_key_id)
        )
        opened = _unpack(plaintext)
    except (InvalidTag, ValueError, TypeError, zlib.error) as failure:
        raise UnrecognizedClientException(INVALID_TOKEN) from failure
    if now >= opened.session.expires_at:
        raise ExpiredTokenException(EXPIRED_TOKEN)
    return opened


def token_key_id(token: str) -> str | None:
    """The id of the key a token says it was sealed with (unauthenticated until opened), or
    None if the token is not even shaped like one of ours."""
    try:
        raw = _decode(token)
    except UnrecognizedClientException:
        return None
    if len(raw) < 2 or raw[0] != _VERSION or len(raw) < 2 + raw[1]:
        return None
    return raw[2 : 2 + raw[1]].decode("ascii", errors="replace")


def _decode(token: str) -> bytes:
    if len(token) > MAX_TOKEN_CHARS or not token.isascii():
        raise UnrecognizedClientException(INVALID_TOKEN)
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
    except (binascii.Error, ValueError) as failure:
        raise UnrecognizedClientException(INVALID_TOKEN) from failure
    # Only the canonical spelling opens: base64 ignores a last character's unused bits, so
    # without this check an edited token could still decode to the authentic bytes.
    if base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii") != token:
        raise UnrecognizedClientException(INVALID_TOKEN)
    return raw


def _header_and_key(raw: bytes, keyring: Keyring) -> tuple[bytes, SealingKey]:
    if len(raw) < 2 or raw[0] != _VERSION:
        raise UnrecognizedClientException(INVALID_TOKEN)
    header = raw[: 2 + raw[1]]
    key = keyring.find(header[2:].decode("ascii", errors="replace"))
    if key is None or len(raw) < len(header) + _NONCE_BYTES + 16:
        raise UnrecognizedClientException(INVALID_TOKEN)
    return header, key


def _associated_data(header: bytes, access_key_id: str) -> bytes:
    return header + b"\x00" + access_key_id.encode("utf-8")


def _pack(session: SessionContext, secret_access_key: str) -> bytes:
    body = orjson.dumps(
        [
            session.role_arn,
            session.role_id,
            session.session_name,
            session.expires_at,
            list(session.session_policies),
            session.has_session_policies,
            session.tags,
            session.context_keys,
            session.source_identity,
            _extra(session),
            secret_access_key,
        ]
    )
    compressed = zlib.compress(body, 6)
    return _ZLIB + compressed if len(compressed) < len(body) else _RAW + body


def _unpack(plaintext: bytes) -> OpenedSession:
    flag, body = plaintext[:1], plaintext[1:]
    fields = orjson.loads(zlib.decompress(body) if flag == _ZLIB else body)
    (
        role_arn,
        role_id,
        name,
        expires_at,
        policies,
        has_policies,
        tags,
        keys,
        source,
        extra,
        secret,
    ) = fields
    session = SessionContext(
        role_arn=role_arn,
        role_id=role_id,
        session_name=name,
        expires_at=expires_at,
        session_policies=tuple(policies),
        has_session_policies=has_policies,
        tags=tags,
        context_keys=keys,
        source_identity=source,
        issued_at=_number(extra.get(ISSUED_AT)),
        policy_arns=_strings(extra.get(POLICY_ARNS)),
        transitive_tag_keys=_strings(extra.get(TRANSITIVE_TAG_KEYS)),
        kind=SessionKind(extra.get(KIND, SessionKind.ASSUMED_ROLE)),
        user=_user(extra.get(USER)),
    )
    return OpenedSession(session, secret)


# The session's optional fields travel in one JSON object, by these names; a field a token
# lacks reads as unset, so tokens sealed before a field existed still open.
ISSUED_AT = "issued_at"
POLICY_ARNS = "policy_arns"
TRANSITIVE_TAG_KEYS = "transitive_tag_keys"
KIND = "kind"
USER = "user"


def _extra(session: SessionContext) -> dict[str, Any]:
    extra: dict[str, Any] = {}
    if session.issued_at is not None:
        extra[ISSUED_AT] = int(session.issued_at)
    if session.policy_arns:
        extra[POLICY_ARNS] = list(session.policy_arns)
    if session.transitive_tag_keys:
        extra[TRANSITIVE_TAG_KEYS] = list(session.transitive_tag_keys)
    if not session.is_role_session:
        extra[KIND] = session.kind.value
    if session.user is not None:
        extra[USER] = [session.user.name, session.user.user_id, session.user.path]
    return extra


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def _user(value: Any) -> UserContext | None:
    names = _strings(value)
    return UserContext(*names) if len(names) == 3 else None


def _strings(value: Any) -> tuple[str, ...]:
    return tuple(v for v in value if isinstance(v, str)) if isinstance(value, list) else ()


def _new_key(random_bytes: RandomBytes, now: float) -> SealingKey:
    secret = random_bytes(_KEY_BYTES)
    if len(secret) != _KEY_BYTES:
        raise ValueError("random_bytes returned the wrong number of bytes")
    # The id is derived from the key, so two different keys never share an id.
    key_id = base64.b32encode(hashlib.sha256(secret).digest()[:5]).decode("ascii")
    return SealingKey(key_id, secret, now)


def _key_document(key: SealingKey) -> dict[str, Any]:
    return {
        "id": key.key_id,
        "secret": base64.b64encode(key.secret).decode("ascii"),
        "created_at": key.created_at,
        "retired_at": key.retired_at,
    }


def _key_from_document(document: Mapping[str, Any]) -> SealingKey:
    return SealingKey(
        key_id=document["id"],
        secret=base64.b64decode(document["secret"]),
        created_at=document["created_at"],
        retired_at=document.get("retired_at"),
    )
