"""Role data for enforcement, read from IAM storage and kept for a short TTL.

Every session request needs its role's policies; reading them from storage per request
would put a database round trip on the hot path. They are kept for `ttl` seconds (default
5): an IAM change (a new policy, a detached one, a deleted role) takes effect on every node
within that time. AWS documents IAM changes as eventually consistent too ("Changes that I
make are not always immediately visible", IAM troubleshooting guide).

Each entry also holds the `PolicySet`s built for the role's sessions (see `policy_sets`), so
they are rebuilt exactly when the role data is re-read.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any

from dynafed.core.clock import Clock
from dynafed.iam import repository
from dynafed.iam.lookup import PolicyText, RoleAuthorization, get_role_by_arn
from dynafed.storage.port import Storage

DEFAULT_TTL_SECONDS = 5.0


@dataclass(slots=True)
class RoleEntry:
    role: RoleAuthorization | None
    """None: the role does not exist (deleted); its sessions are denied everything."""
    loaded_at: float
    derived: dict[Any, Any] = field(default_factory=dict)
    """What callers build from this role data (compiled policy sets); dropped with it."""


@dataclass(slots=True)
class _PolicyEntry:
    policy: PolicyText | None
    loaded_at: float


class RoleCache:
    def __init__(self, storage: Storage, clock: Clock, ttl: float = DEFAULT_TTL_SECONDS) -> None:
        self._storage = storage
        self._clock = clock
        self._ttl = ttl
        self._roles: dict[str, RoleEntry] = {}
        self._policies: dict[str, _PolicyEntry] = {}
        self._lock = threading.Lock()

    def role(self, arn: str) -> RoleEntry:
        now = self._clock.now()
        entry = self._roles.get(arn)
        if entry is not None and now - entry.loaded_at < self._ttl:
            return entry
        with self._lock:  # one reader refreshes; the others wait and reuse its result
            entry = self._roles.get(arn)
            if entry is None or now - entry.loaded_at >= self._ttl:
                with self._storage.read() as view:
                    entry = RoleEntry(get_role_by_arn(view, arn), now)
                self._roles[arn] = entry
        return entry

    def managed_policy(self, arn: str) -> PolicyText | None:
        """A managed policy's default version (for managed session policies)."""
        now = self._clock.now()
        entry = self._policies.get(arn)
        if entry is None or now - entry.loaded_at >= self._ttl:
            with self._storage.read() as view:
                found = repository.find_policy(view, arn)
            text = (
                PolicyText(found.arn, found.default_version.document, managed=True)
                if found is not None
                else None
            )
            entry = _PolicyEntry(text, now)
            self._policies[arn] = entry
        return entry.policy

    def forget(self) -> None:
        """Drop everything (tests, or an operator who cannot wait for the TTL)."""
        with self._lock:
            self._roles.clear()
            self._policies.clear()
