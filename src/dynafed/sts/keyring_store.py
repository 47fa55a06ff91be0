"""The session-token keyring, shared by every node through storage.

The keyring is one document (kind `sts-keyring`). The first node that needs it creates it
inside `Storage.write(fn)`, which reads and writes atomically, so two nodes starting at once
agree on one keyring instead of each making its own. Rotation is by age and uses the same
read-check-write step: whichever node rotates first wins, the others adopt its result.

Each node keeps the keyring in memory and re-reads it every `refresh_interval`, so a
rotation made elsewhere reaches it soon. A session token naming a key id this node does not
know (minted by another node after a rotation) triggers an immediate re-read, at most once
per `unknown_key_interval`, so forged key ids cannot turn into a storm of reads.

Retired keys keep opening tokens for the longest session plus twice the refresh interval: a
node may keep minting with a just-retired key until its next refresh.

Design note: docs/decisions/session-token.md.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from dynafed.core.clock import Clock
from dynafed.storage.port import Storage, WriteTxn
from dynafed.sts.session_token import MAX_SESSION_SECONDS, Keyring, RandomBytes

KEYRING_KIND = "sts-keyring"
KEYRING_NAME = "session-tokens"


@dataclass(frozen=True, slots=True)
class KeyringSettings:
    rotate_after: float = 7 * 86_400.0
    """Age of the current key after which a new one takes over."""
    refresh_interval: float = 300.0
    """How often a node re-reads the keyring to pick up rotations made by other nodes."""
    unknown_key_interval: float = 1.0
    """Least time between two re-reads caused by tokens naming an unknown key."""

    @property
    def retain_retired_for(self) -> float:
        return MAX_SESSION_SECONDS + 2 * self.refresh_interval


class KeyringStore:
    def __init__(
        self,
        storage: Storage,
        clock: Clock,
        random_bytes: RandomBytes,
        settings: KeyringSettings | None = None,
    ) -> None:
        self._storage = storage
        self._clock = clock
        self._random_bytes = random_bytes
        self._settings = settings or KeyringSettings()
        self._keyring: Keyring | None = None
        self._loaded_at = 0.0
        self._last_unknown_reload: float | None = None
        self._lock = threading.Lock()

    def current(self) -> Keyring:
        """The keyring to mint with (created or rotated first when needed)."""
        now = self._clock.now()
        keyring = self._keyring
        if keyring is not None and not self._stale(keyring, now):
            return keyring
        with self._lock:
            keyring = self._keyring
            if keyring is None or self._stale(keyring, now):
                keyring = self._refresh(now)
                self._keyring, self._loaded_at = keyring, now
        return keyring

    def containing(self, key_id: str) -> Keyring:
        """The keyring, re-read first if it lacks `key_id` (rate-limited)."""
        keyring = self.current()
        if keyring.find(key_id) is not None:
            return keyring
        now = self._clock.now()
        with self._lock:
            last = self._last_unknown_reload
            if last is not None and now - last < self._settings.unknown_key_interval:
                return self._keyring or keyring
            self._last_unknown_reload = now
            with self._storage.read() as view:
                document = view.get_document(KEYRING_KIND, KEYRING_NAME)
            if document is not None:
                self._keyring, self._loaded_at = Keyring.from_document(document), now
            return self._keyring or keyring

    def _stale(self, keyring: Keyring, now: float) -> bool:
        return (
            now - self._loaded_at >= self._settings.refresh_interval
            or now - keyring.current.created_at >= self._settings.rotate_after
        )

    def _refresh(self, now: float) -> Keyring:
        """Read the stored keyring; write only when it must be created or rotated."""
        with self._storage.read() as view:
            document = view.get_document(KEYRING_KIND, KEYRING_NAME)
        if document is not None:
            keyring = Keyring.from_document(document)
            if now - keyring.current.created_at < self._settings.rotate_after:
                return keyring
        return self._storage.write(lambda txn: self._load_or_update(txn, now))

    def _load_or_update(self, txn: WriteTxn, now: float) -> Keyring:
        """Inside one atomic write: create the keyring if there is none, rotate it if its
        current key is too old, else return what is stored."""
        document = txn.get_document(KEYRING_KIND, KEYRING_NAME)
        if document is None:
            keyring = Keyring.generate(self._random_bytes, now)
        else:
            keyring = Keyring.from_document(document)
            if now - keyring.current.created_at < self._settings.rotate_after:
                return keyring
            keyring = keyring.rotated(
                self._random_bytes, now, retain_for=self._settings.retain_retired_for
            )
        txn.put_document(KEYRING_KIND, KEYRING_NAME, keyring.to_document())
        return keyring
