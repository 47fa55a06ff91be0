"""The sign-in throttle: wrong passwords per client address, and lockouts per (user,
client address) pair, held in this process's memory.

Why per address and per pair, not per user: a lockout kept per user lets anyone who knows a
user name keep that user locked out from anywhere. Here the address's budget carries the
load (a token bucket of wrong passwords per address, so one address cannot try many users
or many passwords), and Cognito's doubling lockout applies to the pair, so an attacker's
failures lock only the attacker's own address out of that account; the owner, signing in
from elsewhere, is unaffected. Pairs are tracked for every user name asked about, existing
or not, so a lockout answer says nothing about which accounts exist.

IPv6 addresses count per /64, the block one subscriber usually gets: otherwise a single
host could walk through 2^64 addresses. The state lives per process (a server with
`--workers N`, or N nodes, lets an address try N times as much) and both tables are bounded,
dropping the least recently used entry, so a flood of new addresses cannot exhaust memory.
Time is an argument; the lock makes the tables safe to share between sign-in threads.
"""

from __future__ import annotations

import ipaddress
import threading
from collections import OrderedDict
from typing import Generic, TypeVar

from dynafed.userpool import lockout
from dynafed.userpool.lockout import Failures
from dynafed.userpool.model import LockoutRules
from dynafed.userpool.rate_limit import (
    BucketRules,
    TokenBucket,
    give_back,
    seconds_until_token,
    try_take,
)

DEFAULT_FAILURES_PER_MINUTE = 20
"""Wrong passwords one client address may send: 20 at once, then 20 more per minute."""
MAX_TRACKED = 100_000
"""Entries per table, about 20 MB at most."""
UNKNOWN_ADDRESS = "unknown"

K = TypeVar("K")
V = TypeVar("V")


class _Recent(Generic[K, V]):
    """A dict that forgets its least recently used entry beyond `limit` entries."""

    def __init__(self, limit: int) -> None:
        self._entries: OrderedDict[K, V] = OrderedDict()
        self._limit = limit

    def get(self, key: K) -> V | None:
        value = self._entries.get(key)
        if value is not None:
            self._entries.move_to_end(key)
        return value

    def put(self, key: K, value: V) -> None:
        self._entries[key] = value
        self._entries.move_to_end(key)
        while len(self._entries) > self._limit:
            self._entries.popitem(last=False)

    def pop(self, key: K) -> None:
        self._entries.pop(key, None)

    def __len__(self) -> int:
        return len(self._entries)


def address_key(client_address: str | None) -> str:
    """What the throttle counts by: the IPv4 address, or the IPv6 /64 it belongs to."""
    if not client_address:
        return UNKNOWN_ADDRESS
    try:
        address = ipaddress.ip_address(client_address)
    except ValueError:
        return client_address
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.IPv6Network((address, 64), strict=False))
    return str(address)


PairKey = tuple[str, str, str]
"""(pool id, user name in lower case, address key)."""


def pair_key(pool_id: str, username: str, address: str) -> PairKey:
    return (pool_id, username.lower(), address)


class SignInThrottle:
    def __init__(
        self,
        per_address: BucketRules | None = None,
        max_tracked: int = MAX_TRACKED,
    ) -> None:
        self.per_address = per_address or BucketRules.per_minute(DEFAULT_FAILURES_PER_MINUTE)
        self._buckets: _Recent[str, TokenBucket] = _Recent(max_tracked)
        self._failures: _Recent[PairKey, Failures] = _Recent(max_tracked)
        self._lock = threading.Lock()

    def take_attempt(self, address: str, now: float) -> float | None:
        """Reserve one wrong-password token for an attempt from `address`: None when
        reserved, else the seconds until one is free. Reserving before the check (rather
        than counting after) keeps concurrent attempts from overdrawing the budget."""
        with self._lock:
            bucket = self._buckets.get(address) or TokenBucket.full(self.per_address, now)
            self._buckets.put(address, bucket)
            if try_take(bucket, self.per_address, now):
                return None
            return seconds_until_token(bucket, self.per_address, now)

    def return_attempt(self, address: str, now: float) -> None:
        """The attempt was no wrong password (right, or refused unchecked): refund it."""
        with self._lock:
            bucket = self._buckets.get(address)
            if bucket is not None:
                give_back(bucket, self.per_address, now)

    def is_locked(self, pair: PairKey, password_hash: str | None, now: float) -> bool:
        with self._lock:
            return lockout.is_locked(lockout.current(self._failures.get(pair), password_hash), now)

    def record_failure(
        self, pair: PairKey, password_hash: str | None, rules: LockoutRules, now: float
    ) -> None:
        with self._lock:
            record = lockout.current(self._failures.get(pair), password_hash)
            lockout.record_failure(record, rules, now)
            self._failures.put(pair, record)

    def record_success(self, pair: PairKey) -> None:
        with self._lock:
            self._failures.pop(pair)
