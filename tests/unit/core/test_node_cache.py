"""What a node keeps of shared state: for the TTL, and never past a change made through it."""

from __future__ import annotations

from dynafed.core.clock import FixedClock
from dynafed.core.node_cache import NodeCache


class Store:
    """The shared state, counting the node's reads."""

    def __init__(self) -> None:
        self.values: dict[str, int] = {"a": 1, "b": 2}
        self.reads = 0

    def load(self, key: str) -> int | None:
        self.reads += 1
        return self.values.get(key)


def test_an_answer_is_kept_for_the_ttl_then_read_again() -> None:
    store, clock = Store(), FixedClock(1000.0)
    cache = NodeCache(store.load, clock, ttl=5.0)
    assert cache.get("a") == 1
    store.values["a"] = 10  # changed through another node
    clock.advance(4.9)
    assert cache.get("a") == 1
    clock.advance(0.1)
    assert cache.get("a") == 10
    assert store.reads == 2


def test_absence_is_kept_too() -> None:
    store = Store()
    cache = NodeCache(store.load, FixedClock(0.0), ttl=5.0)
    assert cache.get("missing") is None
    assert cache.get("missing") is None
    assert store.reads == 1


def test_a_change_through_this_node_takes_effect_at_once() -> None:
    store = Store()
    cache = NodeCache(store.load, FixedClock(0.0), ttl=5.0)
    assert (cache.get("a"), cache.get("b")) == (1, 2)
    store.values["a"] = 10
    cache.changed()
    assert (cache.get("a"), cache.get("b")) == (10, 2)
    assert store.reads == 4


def test_a_load_that_raced_a_change_is_not_kept_past_it() -> None:
    store = Store()
    cache: NodeCache[str, int | None]

    def load_then_change(key: str) -> int | None:
        value = store.load(key)  # the old value, read just before a write commits...
        store.values[key] = 10
        cache.changed()  # ...and the writer's notice, before the load is kept
        return value

    cache = NodeCache(load_then_change, FixedClock(0.0), ttl=5.0)
    assert cache.get("a") == 1
    cache._load = store.load  # no more writes
    assert cache.get("a") == 10


def test_a_ttl_of_zero_reads_every_time() -> None:
    store = Store()
    cache = NodeCache(store.load, FixedClock(0.0), ttl=0.0)
    for _ in range(3):
        assert cache.get("a") == 1
    assert store.reads == 3


def test_past_its_capacity_the_oldest_answer_goes() -> None:
    store = Store()
    store.values.update(c=3)
    cache = NodeCache(store.load, FixedClock(0.0), ttl=5.0, capacity=2)
    for key in ("a", "b", "c"):
        cache.get(key)
    assert store.reads == 3
    cache.get("c")
    cache.get("b")
    assert store.reads == 3
    cache.get("a")  # dropped when "c" came
    assert store.reads == 4
