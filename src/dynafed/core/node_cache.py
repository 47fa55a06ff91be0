"""What one node keeps of the state all nodes share, for a bounded time. Pure (the clock is
injected; what is kept is loaded by the caller's function).

Nodes share one database, so a value one node read may since have been changed through
another. A `NodeCache` keeps each answer of `load(key)` for `ttl` seconds: a change made
through another node takes effect here within that bound (for IAM data the bound is
`DYNAFED_IAM_CACHE_SECONDS`, as for the role cache of DynamoDB requests). A change made
through this node takes effect at once: whoever writes calls `changed()` after the write,
and nothing loaded before it is answered again. Each answer is tagged with the generation
current when its load began, so a load that raced a write is not kept past it.

A `ttl` of 0 keeps nothing: every `get` loads. Bounded: past `capacity` keys, the oldest
answer is dropped (keys can come from requests, which must not grow memory without limit).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Generic, TypeVar

from dynafed.core.clock import Clock

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")

DEFAULT_CAPACITY = 1024


@dataclass(frozen=True, slots=True)
class _Kept(Generic[V]):
    value: V
    loaded_at: float
    generation: int


class NodeCache(Generic[K, V]):
    def __init__(
        self,
        load: Callable[[K], V],
        clock: Clock,
        ttl: float,
        capacity: int = DEFAULT_CAPACITY,
    ) -> None:
        self._load = load
        self._clock = clock
        self._ttl = ttl
        self._capacity = capacity
        self._kept: dict[K, _Kept[V]] = {}
        self._generation = 0
        self._lock = threading.Lock()

    def get(self, key: K) -> V:
        """The kept answer for `key` if it is younger than the TTL and no change was made
        through this node since it was loaded; else a fresh `load(key)`."""
        now = self._clock.now()
        generation = self._generation
        kept = self._kept.get(key)
        if kept is not None and kept.generation == generation and now - kept.loaded_at < self._ttl:
            return kept.value
        value = self._load(key)
        if self._ttl > 0:
            with self._lock:
                self._kept.pop(key, None)  # re-inserted last: the oldest stay first
                if len(self._kept) >= self._capacity:
                    del self._kept[next(iter(self._kept))]
                self._kept[key] = _Kept(value, now, generation)
        return value

    def changed(self) -> None:
        """A write through this node may have changed any answer: load each one again."""
        with self._lock:
            self._generation += 1
            self._kept.clear()
