"""Session tokens this node has already opened, kept so the next request skips the work.

Every request made with temporary credentials carries the same session token; opening it
(base64, AES-GCM, decompress, decode) costs more than the rest of the authorization. The
token is immutable and authenticated, so the result of opening it once stays true: only the
expiry must be checked again, every time. The key is the exact (access key id, token) pair,
so a doctored token or a token paired with another key id never hits the cache and is
opened, and refused, in full. Bounded: the least recently used entries go first.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass

from dynafed.auth.principal import Principal
from dynafed.errors import ExpiredTokenException
from dynafed.sts.session_token import EXPIRED_TOKEN

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
