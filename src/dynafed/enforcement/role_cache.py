"""Role data for enforcement, read from IAM storage and kept for a short TTL.

Every session request needs its role's policies; reading them from storage per request
would put a database round trip on the hot path. They are kept for `ttl` seconds (default
5): an IAM change (a new policy, a detached one, a deleted role) takes effect on every node
within that time. AWS documents IAM changes as eventually consistent too ("Changes that I
make are not always immediately visible", IAM troubleshooting guide).

Each entry also holds what is built from it for the role's sessions (their `PolicySet`s and
their authorizers), so those are rebuilt exactly when the role data is re-read.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Protocol

from dynafed.auth.principal import Principal
from dynafed.core.clock import Clock
from dynafed.iam import repository
from dynafed.iam.lookup import PolicyText, RoleAuthorization, get_role_by_arn
from dynafed.policy import PolicySet
from dynafed.storage.port import Storage

DEFAULT_TTL_SECONDS = 5.0

PolicySetKey = tuple[tuple[str, ...], tuple[str, ...], bool]
"""A session's (inline session policies, managed session policy ARNs, whether it has any)."""


class BuiltAuthorizer(Protocol):
    """An authorizer built for one session from an entry's role data
    (`enforcement.authorizer.SessionAuthorizer`)."""

    @property
    def principal(self) -> Principal: ...


@dataclass(slots=True)
class RoleEntry:
    role: RoleAuthorization | None
    """None: the role does not exist (deleted); its sessions are denied everything."""
    loaded_at: float
    policy_sets: dict[PolicySetKey, PolicySet] = field(default_factory=dict)
    """The compiled policies of the role's sessions, by their session policies."""
    authorizers: dict[str, BuiltAuthorizer] = field(default_factory=dict)
    """The authorizer of each session (by access key id) that used this role data."""
    absent_ids: set[str] = field(default_factory=set)
    """Role ids sessions asked for and this read did not find (deleted or replaced roles)."""


def _role_id(entry: RoleEntry) -> str | None:
    return entry.role.role_id if entry.role is not None else None


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

    def role(self, arn: str, role_id: str | None = None) -> RoleEntry:
        """The role named `arn`. When the caller expects the role with unique id `role_id`
        (a session's) and the kept entry holds another role or none, it is re-read at once,
        and once only: a role just created (or re-created) is usable at once, and the
        sessions of a deleted role cannot make every request a database read."""
        now = self._clock.now()
        entry = self._roles.get(arn)
        if entry is not None and self._fresh(entry, role_id, now):
            return entry
        with self._lock:  # one reader refreshes; the others wait and reuse its result
            entry = self._roles.get(arn)
            if entry is None or not self._fresh(entry, role_id, now):
                with self._storage.read() as view:
                    entry = RoleEntry(get_role_by_arn(view, arn), now)
                if role_id is not None and _role_id(entry) != role_id:
                    entry.absent_ids.add(role_id)
                self._roles[arn] = entry
        return entry

    def _fresh(self, entry: RoleEntry, role_id: str | None, now: float) -> bool:
        if now - entry.loaded_at >= self._ttl:
            return False
        return role_id is None or _role_id(entry) == role_id or role_id in entry.absent_ids

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
