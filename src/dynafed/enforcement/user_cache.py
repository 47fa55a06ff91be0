"""IAM user data for enforcement, read from IAM storage and kept for a short TTL.

The same bound as roles (`role_cache.py`, default 5 s): a policy put on a user or one of its
groups, a user removed from a group, a detached policy, take effect on every node within
`ttl` seconds. Each entry also holds the user's compiled `PolicySet` and the authorizers
built from it, rebuilt exactly when the user data is re-read.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

from dynafed.core.clock import Clock
from dynafed.enforcement.role_cache import DEFAULT_TTL_SECONDS, BuiltAuthorizer
from dynafed.iam.lookup import UserAuthorization, get_user_by_name
from dynafed.policy import PolicySet
from dynafed.storage.port import Storage


@dataclass(slots=True)
class UserEntry:
    user: UserAuthorization | None
    """None: no user has this name (deleted); its keys are refused anyway."""
    loaded_at: float
    policy_set: PolicySet | None = None
    built: bool = False
    """Whether `policy_set` was built (None after building: the policies do not compile)."""
    authorizers: dict[str, BuiltAuthorizer] = field(default_factory=dict)


class UserCache:
    def __init__(self, storage: Storage, clock: Clock, ttl: float = DEFAULT_TTL_SECONDS) -> None:
        self._storage = storage
        self._clock = clock
        self._ttl = ttl
        self._users: dict[str, UserEntry] = {}
        self._lock = threading.Lock()

    def user(self, name: str, user_id: str) -> UserEntry:
        """The user named `name`; re-read at once when the kept entry is another user (a
        user just re-created under the same name)."""
        now = self._clock.now()
        key = name.lower()
        entry = self._users.get(key)
        if entry is not None and self._fresh(entry, user_id, now):
            return entry
        with self._lock:
            entry = self._users.get(key)
            if entry is None or not self._fresh(entry, user_id, now):
                with self._storage.read() as view:
                    entry = UserEntry(get_user_by_name(view, name), now)
                self._users[key] = entry
        return entry

    def _fresh(self, entry: UserEntry, user_id: str, now: float) -> bool:
        if now - entry.loaded_at >= self._ttl:
            return False
        return entry.user is not None and entry.user.user_id == user_id

    def forget(self) -> None:
        with self._lock:
            self._users.clear()
