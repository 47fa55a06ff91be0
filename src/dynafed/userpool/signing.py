"""Rotating RSA signing keys kept in a storage document, shared by every node.

Used by each user pool (RS256 ID and access tokens) and by the identity pools' OpenID
tokens (RS512). The newest key signs; keys it replaced stay in the published JWKS for
`retain_for` so tokens they signed keep verifying until they expire. The first node that
needs a keyring creates it inside one `Storage.write`, so nodes agree on it; rotation by
age takes the same atomic step. Nodes re-read the document every `refresh_interval`.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from joserfc import jwt
from joserfc.jwk import RSAKey

from dynafed.core.clock import Clock
from dynafed.errors import InvalidIdentityToken
from dynafed.identity import messages
from dynafed.identity.oidc.signing_keys import VerificationKey
from dynafed.identity.oidc.verifier import read_unverified, verified_claims
from dynafed.storage.port import Storage, WriteTxn

KEYS_KIND = "signing-keys"
GenerateKey = Callable[[], RSAKey]


def generate_rsa_key() -> RSAKey:
    return RSAKey.generate_key(2048, private=True)


@dataclass(frozen=True, slots=True)
class KeySettings:
    rotate_after: float = 30 * 86_400.0
    retain_for: float = 2 * 86_400.0
    """Longer than any token we sign lives (ID tokens: at most a day)."""
    refresh_interval: float = 60.0


@dataclass(frozen=True, slots=True)
class StoredKey:
    kid: str
    created_at: float
    retired_at: float | None
    private_jwk: dict[str, Any]

    def public_jwk(self, alg: str) -> dict[str, Any]:
        public = {k: self.private_jwk[k] for k in ("kty", "n", "e")}
        return {**public, "kid": self.kid, "alg": alg, "use": "sig"}


class KeyringDocument:
    """The stored keyring: newest key first. Pure."""

    def __init__(self, keys: list[StoredKey], serial: int) -> None:
        self.keys = keys
        self.serial = serial

    @classmethod
    def from_document(cls, doc: dict[str, Any]) -> KeyringDocument:
        return cls([StoredKey(**k) for k in doc["keys"]], doc["serial"])

    def to_document(self) -> dict[str, Any]:
        return {
            "serial": self.serial,
            "keys": [
                {
                    "kid": k.kid,
                    "created_at": k.created_at,
                    "retired_at": k.retired_at,
                    "private_jwk": k.private_jwk,
                }
                for k in self.keys
            ],
        }

    def needs_rotation(self, now: float, settings: KeySettings) -> bool:
        return not self.keys or now - self.keys[0].created_at >= settings.rotate_after

    def rotated(
        self, new_key: RSAKey, kid_prefix: str, now: float, settings: KeySettings
    ) -> KeyringDocument:
        serial = self.serial + 1
        fresh = StoredKey(f"{kid_prefix}{serial}", now, None, new_key.as_dict(private=True))
        kept = [
            StoredKey(k.kid, k.created_at, k.retired_at or now, k.private_jwk)
            for k in self.keys
            if k.retired_at is None or now - k.retired_at < settings.retain_for
        ]
        return KeyringDocument([fresh, *kept], serial)


class RotatingSigningKeys:
    def __init__(
        self,
        storage: Storage,
        clock: Clock,
        name: str,
        alg: str,
        *,
        kid_prefix: str = "",
        generate: GenerateKey = generate_rsa_key,
        settings: KeySettings | None = None,
    ) -> None:
        self._storage = storage
        self._clock = clock
        self._name = name
        self.alg = alg
        self._kid_prefix = kid_prefix
        self._generate = generate
        self._settings = settings or KeySettings()
        self._cached: KeyringDocument | None = None
        self._loaded_at = 0.0
        self._lock = threading.Lock()

    def sign(self, claims: dict[str, Any]) -> str:
        current = self._keyring().keys[0]
        header = {"alg": self.alg, "kid": current.kid, "typ": "JWT"}
        key = RSAKey.import_key(current.private_jwk)
        return jwt.encode(header, claims, key, algorithms=[self.alg])

    def jwks(self) -> dict[str, Any]:
        now = self._clock.now()
        return {
            "keys": [
                k.public_jwk(self.alg)
                for k in self._keyring().keys
                if k.retired_at is None or now - k.retired_at < self._settings.retain_for
            ]
        }

    def verify(self, token: str) -> dict[str, Any]:
        """The claims of a token one of our keys signed (signature only: the caller checks
        times, audience and use). Raises InvalidIdentityToken otherwise."""
        unverified = read_unverified(token, 20_000)
        for stored in self._keyring().keys:
            if stored.kid == unverified.kid and unverified.alg == self.alg:
                public = RSAKey.import_key(stored.public_jwk(self.alg))
                key = VerificationKey(stored.kid, "RSA", None, self.alg, public)
                return verified_claims(token, key, self.alg)
        raise InvalidIdentityToken(messages.NO_VERIFICATION_KEY)

    def rotate_now(self) -> str:
        """Force a new signing key (an operator's rotation); returns its kid."""
        now = self._clock.now()

        def write(txn: WriteTxn) -> KeyringDocument:
            keyring = self._load(txn) or KeyringDocument([], 0)
            rotated = keyring.rotated(self._generate(), self._kid_prefix, now, self._settings)
            txn.put_document(KEYS_KIND, self._name, rotated.to_document())
            return rotated

        keyring = self._storage.write(write)
        with self._lock:
            self._cached, self._loaded_at = keyring, now
        return keyring.keys[0].kid

    def _keyring(self) -> KeyringDocument:
        now = self._clock.now()
        cached = self._cached
        fresh = now - self._loaded_at < self._settings.refresh_interval
        if cached is not None and fresh and not cached.needs_rotation(now, self._settings):
            return cached
        with self._lock:
            with self._storage.read() as view:
                keyring = self._load(view)
            if keyring is None or keyring.needs_rotation(now, self._settings):
                keyring = self._storage.write(lambda txn: self._create_or_rotate(txn, now))
            self._cached, self._loaded_at = keyring, now
            return keyring

    def _load(self, view: Any) -> KeyringDocument | None:
        doc = view.get_document(KEYS_KIND, self._name)
        return KeyringDocument.from_document(doc) if doc is not None else None

    def _create_or_rotate(self, txn: WriteTxn, now: float) -> KeyringDocument:
        keyring = self._load(txn) or KeyringDocument([], 0)
        if not keyring.needs_rotation(now, self._settings):
            return keyring  # another node got there first
        rotated = keyring.rotated(self._generate(), self._kid_prefix, now, self._settings)
        txn.put_document(KEYS_KIND, self._name, rotated.to_document())
        return rotated
