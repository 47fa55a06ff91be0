"""Per-pool facts every endpoint needs: the issuer URL, the pool's signing keys, lookups."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass

from dynafed.core.clock import Clock
from dynafed.storage.port import Storage
from dynafed.userpool import store
from dynafed.userpool.model import AppClient, UserPool
from dynafed.userpool.signing import GenerateKey, KeySettings, RotatingSigningKeys, generate_rsa_key

PATH_PREFIX = "/idp/"
TOKEN_ALG = "RS256"
"""What Cognito user pools sign with."""


def issuer_url(public_url: str, pool_id: str) -> str:
    return f"{public_url.rstrip('/')}{PATH_PREFIX}{pool_id}"


@dataclass(frozen=True, slots=True)
class Deps:
    storage: Storage
    clock: Clock
    public_url: str
    random_token: Callable[[int], str]
    """`secrets.token_urlsafe`-like: n random bytes, URL-safe text."""


class PoolDirectory:
    """Finds pools and clients in storage, and keeps one signing keyring per pool."""

    def __init__(
        self,
        deps: Deps,
        key_settings: KeySettings | None = None,
        generate_key: GenerateKey = generate_rsa_key,
    ) -> None:
        self.deps = deps
        self._key_settings = key_settings or KeySettings()
        self._generate_key = generate_key
        self._keys: dict[str, RotatingSigningKeys] = {}
        self._lock = threading.Lock()

    def issuer(self, pool_id: str) -> str:
        return issuer_url(self.deps.public_url, pool_id)

    def pool(self, pool_id: str) -> UserPool | None:
        with self.deps.storage.read() as view:
            return store.get_pool(view, pool_id)

    def client(self, pool_id: str, client_id: str) -> AppClient | None:
        with self.deps.storage.read() as view:
            return store.get_client(view, pool_id, client_id)

    def keys(self, pool_id: str) -> RotatingSigningKeys:
        with self._lock:
            keys = self._keys.get(pool_id)
            if keys is None:
                keys = RotatingSigningKeys(
                    self.deps.storage,
                    self.deps.clock,
                    f"userpool/{pool_id}",
                    TOKEN_ALG,
                    kid_prefix=f"{pool_id}-",
                    generate=self._generate_key,
                    settings=self._key_settings,
                )
                self._keys[pool_id] = keys
            return keys
