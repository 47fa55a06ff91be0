"""IAM users' long-term access keys for the authenticator: key id -> (secret, principal).

A key is read from storage (its document and its user's), its sealed secret opened with
the `SecretSealer`, and the result kept for `ttl` seconds (default 5, the IAM cache bound:
`DYNAFED_IAM_CACHE_SECONDS`). So a key made inactive or deleted on any node stops working on
every node within `ttl` seconds; a new key works at once (unknown keys are not remembered:
each request with one costs one storage read by primary key).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from dynafed.auth.principal import Principal, UserContext
from dynafed.core.clock import Clock
from dynafed.errors import UnrecognizedClientException
from dynafed.iam import repository
from dynafed.iam.key_last_use import KeyUseRecorder
from dynafed.iam.models import ACTIVE
from dynafed.iam.secret_seal import SecretSealer
from dynafed.storage.port import Storage

DEFAULT_TTL_SECONDS = 5.0
INVALID_TOKEN_MESSAGE = "The security token included in the request is invalid."
_MAX_ENTRIES = 10_000


@dataclass(frozen=True, slots=True)
class _Entry:
    secret: str
    principal: Principal
    loaded_at: float


class UserKeys:
    def __init__(
        self,
        storage: Storage,
        sealer: SecretSealer,
        clock: Clock,
        account_id: str,
        ttl: float = DEFAULT_TTL_SECONDS,
        last_use: KeyUseRecorder | None = None,
    ) -> None:
        self._last_use = last_use
        self._storage = storage
        self._sealer = sealer
        self._clock = clock
        self._account_id = account_id
        self._ttl = ttl
        self._entries: dict[str, _Entry] = {}
        self._lock = threading.Lock()

    def resolve(self, access_key_id: str, now: float) -> tuple[str, Principal]:
        entry = self._entries.get(access_key_id)
        if entry is None or now - entry.loaded_at >= self._ttl:
            entry = self._load(access_key_id, now)
        return entry.secret, entry.principal

    def note_use(self, access_key_id: str, service: str, region: str, now: float) -> None:
        if self._last_use is not None:
            self._last_use.note(access_key_id, now, service, region)

    def _load(self, access_key_id: str, now: float) -> _Entry:
        with self._storage.read() as view:
            key = repository.find_access_key(view, access_key_id)
            user = repository.find_user(view, key.user_name) if key is not None else None
        with self._lock:
            if key is None or user is None or key.status != ACTIVE or user.user_id != key.user_id:
                self._entries.pop(access_key_id, None)
                raise UnrecognizedClientException(INVALID_TOKEN_MESSAGE)
            secret = self._sealer.open(access_key_id, key.sealed_secret)
            if secret is None:
                raise UnrecognizedClientException(INVALID_TOKEN_MESSAGE)
            principal = Principal(
                access_key_id=access_key_id,
                account_id=self._account_id,
                arn=user.arn,
                user_id=user.user_id,
                user=UserContext(name=user.name, user_id=user.user_id, path=user.path),
            )
            if len(self._entries) >= _MAX_ENTRIES:
                self._entries.clear()
            entry = self._entries[access_key_id] = _Entry(secret, principal, now)
            return entry

    def forget(self) -> None:
        """Drop every key kept: an IAM write through this node may have deactivated or
        deleted one (`server.compose.iam_changed`)."""
        with self._lock:
            self._entries.clear()
