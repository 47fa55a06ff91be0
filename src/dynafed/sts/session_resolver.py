"""The authenticator's `SessionResolver` for temporary credentials: the session token sent
with an `ASIA…` key, opened, and the session's principal.

Every request made with temporary credentials carries the same session token; opening it
(base64, AES-GCM, decompress, decode) costs more than the rest of the authorization. The
token is immutable and authenticated, so the result of opening it once stays true: only the
expiry must be checked again, every time. So opened tokens are kept (`OpenedSessions`), by
the exact (access key id, token) pair, so a doctored token or a token paired with another key
id never hits the cache and is opened, and refused, in full. Bounded: the least recently used
entries go first.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

from dynafed.auth.principal import Principal
from dynafed.errors import ExpiredTokenException, UnrecognizedClientException
from dynafed.sts.credentials import session_principal
from dynafed.sts.session_token import (
    EXPIRED_TOKEN,
    INVALID_TOKEN,
    Keyring,
    open_session_token,
    token_key_id,
)

DEFAULT_CAPACITY = 20_000


@dataclass(frozen=True, slots=True)
class OpenedCredentials:
    secret_access_key: str
    principal: Principal
    expires_at: float


class OpenedSessions:
    def __init__(self, capacity: int = DEFAULT_CAPACITY) -> None:
        self._capacity = capacity
        self._entries: OrderedDict[tuple[str, str], OpenedCredentials] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, access_key_id: str, token: str, now: float) -> OpenedCredentials | None:
        key = (access_key_id, token)
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return None
            if now >= entry.expires_at:
                del self._entries[key]
                raise ExpiredTokenException(EXPIRED_TOKEN)
            self._entries.move_to_end(key)
            return entry

    def put(self, access_key_id: str, token: str, opened: OpenedCredentials) -> None:
        with self._lock:
            self._entries[(access_key_id, token)] = opened
            while len(self._entries) > self._capacity:
                self._entries.popitem(last=False)

    def __len__(self) -> int:
        return len(self._entries)


class SessionTokenResolver:
    """The authenticator's `SessionResolver`: opens the token sent with an `ASIA…` key."""

    def __init__(
        self,
        keyring: Callable[[], Keyring],
        keyring_containing: Callable[[str], Keyring] | None = None,
        opened: OpenedSessions | None = None,
        account_id: str = "",
    ) -> None:
        self._keyring = keyring
        """Called per request, so a rotated keyring takes effect without a restart."""
        self._keyring_containing = keyring_containing
        """Called when a token names a key id the keyring lacks (another node rotated)."""
        self._opened = opened
        """Tokens already opened (None: open every token in full)."""
        self._account_id = account_id
        """The account of sessions that name no role (a user's or the account's own)."""

    def resolve(
        self, access_key_id: str, session_token: str | None, now: float
    ) -> tuple[str, Principal]:
        if not session_token:
            raise UnrecognizedClientException(INVALID_TOKEN)
        if self._opened is not None:
            cached = self._opened.get(access_key_id, session_token, now)
            if cached is not None:
                return cached.secret_access_key, cached.principal
        keyring = self._keyring()
        key_id = token_key_id(session_token)
        if key_id is not None and keyring.find(key_id) is None and self._keyring_containing:
            keyring = self._keyring_containing(key_id)
        opened = open_session_token(session_token, access_key_id, keyring, now)
        principal = session_principal(access_key_id, opened.session, self._account_id)
        if self._opened is not None:
            self._opened.put(
                access_key_id,
                session_token,
                OpenedCredentials(opened.secret_access_key, principal, opened.session.expires_at),
            )
        return opened.secret_access_key, principal
