"""What only the PostgreSQL backend promises: schema migration, retries, several nodes."""

from __future__ import annotations

import os
import secrets
import threading
from collections.abc import Iterator
from typing import Any

import psycopg
import pytest

from dynafed.storage.port import (
    Counter,
    CounterDueError,
    TableStats,
    WriteConflictError,
    WriteTxn,
    number_key,
)
from dynafed.storage.postgres import COMPACT_EVERY, PostgresStorage
from dynafed.storage.postgres_schema import (
    SCHEMA_VERSION,
    IsolationMismatchError,
    SchemaTooNewError,
)
from dynafed.storage.postgres_txn import Isolation, _item_lock_key, _lock_id

T = "t"
POSTGRES_URL = os.environ.get(
    "DYNAFED_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test"
)  # as in conftest.py


@pytest.fixture
def schema() -> Iterator[str]:
    """A schema for this test alone, dropped afterwards."""
    name = f"dynafed_test_{os.getpid()}_{secrets.token_hex(4)}"
    yield name
    with psycopg.connect(POSTGRES_URL, autocommit=True) as conn:
        conn.execute(f'DROP SCHEMA IF EXISTS "{name}" CASCADE')


def sql(query: str) -> list[tuple[object, ...]]:
    with psycopg.connect(POSTGRES_URL, autocommit=True) as conn:
        cursor = conn.execute(query)
        return cursor.fetchall() if cursor.description else []


def open_storage(schema: str, isolation: Isolation = "locks", **kw: int) -> PostgresStorage:
    return PostgresStorage(
        POSTGRES_URL, schema=schema, isolation=isolation, min_size=1, max_size=4, **kw
    )


def put_both(storage: PostgresStorage, item: dict[str, Any]) -> None:
    """Items a and b, in one transaction."""

    def fn(txn: WriteTxn) -> None:
        for key in (b"a", b"b"):
            txn.put_item(T, key, b"", item, 1)

    storage.write(fn)


# --- schema --------------------------------------------------------------------------------


def test_schema_is_created_versioned_and_not_reapplied(schema: str) -> None:
    open_storage(schema).close()
    open_storage(schema).close()  # CREATE TABLE would fail if the steps ran again
    assert sql(f'SELECT version FROM "{schema}".schema_version') == [(SCHEMA_VERSION,)]


def test_a_newer_schema_is_refused(schema: str) -> None:
    open_storage(schema).close()
    sql(f'UPDATE "{schema}".schema_version SET version = {SCHEMA_VERSION + 1}')
    with pytest.raises(SchemaTooNewError):
        open_storage(schema)


def test_nodes_that_isolate_writes_differently_are_refused(schema: str) -> None:
    """Two nodes on one schema, one taking locks and one relying on SERIALIZABLE, do not
    exclude each other's writes: the schema records the first node's mode and refuses the
    other (issue: 325 acknowledged updates lost in 30 s)."""
    first = open_storage(schema, "serializable")
    try:
        with pytest.raises(IsolationMismatchError, match="isolation=serializable"):
            open_storage(schema, "locks")
        open_storage(schema, "serializable").close()  # the same mode is welcome
    finally:
        first.close()


@pytest.mark.parametrize("bad", ["", "1abc", 'x"; DROP TABLE x; --', "a-b", "a" * 64])
def test_schema_names_must_be_plain_identifiers(bad: str) -> None:
    with pytest.raises(ValueError, match="invalid PostgreSQL schema name"):
        PostgresStorage(POSTGRES_URL, schema=bad)


def test_data_is_shared_by_storages_on_one_schema(schema: str) -> None:
    node_a, node_b = open_storage(schema), open_storage(schema)
    node_a.write(lambda txn: txn.put_document("role", "r", {"arn": "x"}))
    with node_b.read() as view:
        assert view.get_document("role", "r") == {"arn": "x"}
    node_a.close()
    node_b.close()


# --- stats ---------------------------------------------------------------------------------


def test_stats_deltas_are_compacted_without_changing_totals(schema: str) -> None:
    storage = open_storage(schema)
    writes = COMPACT_EVERY * 2 + 5
    for n in range(writes):
        storage.write(lambda txn, n=n: txn.put_item(T, b"%d" % n, b"", {}, 3))
    storage.write(lambda txn: txn.delete_item(T, b"0", b""))
    rows = sql(f"SELECT count(*) FROM \"{schema}\".table_stats WHERE table_id = '{T}'")
    with storage.read() as view:
        assert view.table_stats(T) == TableStats(writes - 1, (writes - 1) * 3)
    storage.close()
    assert rows[0][0] is not None and int(str(rows[0][0])) < COMPACT_EVERY


# --- numbered logs -------------------------------------------------------------------------

COUNTER = Counter("p", 1, 1, 0, until=2000.0, limit=2)


def append_renewing(txn: WriteTxn, attempts: list[str]) -> None:
    """One append; a due counter is renewed in partition "q", as its owner would."""
    try:
        txn.append_numbered("counter", "c", "log", {}, 1000.0)
        attempts.append("deferred")
    except CounterDueError:
        attempts.append("due at the call")
        stored = txn.get_document_for_update("counter", "c")
        assert stored is not None
        txn.put_document("counter", "c", Counter("q", stored["next"], 1, 0, 2000.0).fields())
        txn.append_numbered("counter", "c", "log", {}, 1000.0)


def test_an_append_waits_for_commit_and_a_due_counter_runs_fn_again(schema: str) -> None:
    """The append goes out with COMMIT, so fn learns that its counter is due only from a
    second run, where the append to that counter is checked at the call. Log items are
    not counted in table_stats."""
    storage = open_storage(schema)
    storage.write(lambda txn: txn.put_document("counter", "c", COUNTER.fields()))
    attempts: list[str] = []
    for _ in range(3):
        storage.write(lambda txn: append_renewing(txn, attempts))
    assert attempts == ["deferred", "deferred", "deferred", "due at the call"]
    assert sql(f'SELECT pk, sk FROM "{schema}".items ORDER BY sk') == [
        (b"p", number_key(1)),
        (b"p", number_key(2)),
        (b"q", number_key(3)),
    ]
    assert sql(f'SELECT * FROM "{schema}".table_stats') == []
    storage.close()


# --- retries -------------------------------------------------------------------------------


def conflicting_update(schema: str) -> None:
    """Another client changes the item under a running SERIALIZABLE transaction."""
    sql(f"UPDATE \"{schema}\".items SET size = size + 1 WHERE table_id = '{T}'")


@pytest.mark.parametrize("conflicting_attempts", [1, 3])
def test_serialization_failures_are_retried(schema: str, conflicting_attempts: int) -> None:
    storage = open_storage(schema, "serializable")
    storage.write(lambda txn: txn.put_item(T, b"k", b"", {"n": {"N": "1"}}, 1))
    attempts = 0

    def increment(txn: WriteTxn) -> int:
        nonlocal attempts
        attempts += 1
        current = txn.get_item(T, b"k", b"")
        assert current is not None
        if attempts <= conflicting_attempts:
            conflicting_update(schema)
        value = int(current["n"]["N"]) + 1
        txn.put_item(T, b"k", b"", {"n": {"N": str(value)}}, 1)
        return value

    assert storage.write(increment) == 2
    assert attempts == conflicting_attempts + 1
    storage.close()


def test_endless_conflicts_give_up_with_write_conflict_error(schema: str) -> None:
    storage = open_storage(schema, "serializable", max_attempts=3)
    storage.write(lambda txn: txn.put_item(T, b"k", b"", {}, 1))
    attempts = 0

    def always_conflicting(txn: WriteTxn) -> None:
        nonlocal attempts
        attempts += 1
        txn.get_item(T, b"k", b"")
        conflicting_update(schema)
        txn.put_item(T, b"k", b"", {"new": {"S": "x"}}, 1)

    with pytest.raises(WriteConflictError):
        storage.write(always_conflicting)
    assert attempts == 3
    with storage.read() as view:
        assert view.get_item(T, b"k", b"") == {}
    storage.close()


def test_opposite_lock_orders_do_not_deadlock(schema: str) -> None:
    """Two transactions lock a then b, and b then a, at the same time: both commit."""
    storage = open_storage(schema, "locks")
    put_both(storage, {"n": {"N": "0"}})
    both_hold_one = threading.Barrier(2)
    calls: list[bytes] = []

    def add_one(first: bytes, second: bytes) -> None:
        def fn(txn: WriteTxn) -> None:
            calls.append(first)
            one = txn.get_item(T, first, b"")
            if len(calls) <= 2:  # first attempts: wait until each holds its first lock
                both_hold_one.wait(timeout=10)
            two = txn.get_item(T, second, b"")
            assert one is not None and two is not None
            for key, found in ((first, one), (second, two)):
                txn.put_item(T, key, b"", {"n": {"N": str(int(found["n"]["N"]) + 1)}}, 1)

        storage.write(fn)

    threads = [
        threading.Thread(target=add_one, args=(b"a", b"b")),
        threading.Thread(target=add_one, args=(b"b", b"a")),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    with storage.read() as view:
        values = [view.get_item(T, k, b"") for k in (b"a", b"b")]
    assert values == [{"n": {"N": "2"}}, {"n": {"N": "2"}}]
    assert len(calls) >= 3  # a waiter gave up and ran `fn` again instead of deadlocking
    storage.close()


def test_connections_stay_usable_after_many_lock_timeouts(schema: str) -> None:
    # Regression: when batches went in psycopg's pipeline mode, a statement after a lock
    # that timed out was left recorded as prepared, and every later use of it failed on
    # that connection. Batches are single queries now; the connection must stay usable.
    storage = open_storage(schema, "locks", max_attempts=8)
    storage._pool.resize(min_size=1, max_size=1)  # one connection sees every attempt
    put_both(storage, {})
    with psycopg.connect(POSTGRES_URL, autocommit=True) as holder:
        holder.execute("SELECT pg_advisory_lock(%s)", (_lock_id(_item_lock_key(T, b"b", b"")),))

        def both(txn: WriteTxn) -> None:
            txn.get_item(T, b"a", b"")
            txn.get_item(T, b"b", b"")  # a second lock, held elsewhere: times out

        with pytest.raises(WriteConflictError):
            storage.write(both)
    for _ in range(3):
        storage.write(lambda txn: (txn.get_item(T, b"a", b""), txn.get_item(T, b"b", b"")))
        with storage.read() as view:
            assert view.get_item(T, b"b", b"") == {}
    storage.close()


# --- several nodes -------------------------------------------------------------------------


@pytest.mark.parametrize("isolation", ["locks", "serializable"])
def test_two_nodes_incrementing_the_same_items_lose_nothing(
    schema: str, isolation: Isolation
) -> None:
    nodes = [open_storage(schema, isolation), open_storage(schema, isolation)]
    keys = [b"x", b"y", b"z"]
    per_thread, threads_per_node = 20, 3
    errors: list[BaseException] = []

    def increment(txn: WriteTxn, key: bytes) -> None:
        found = txn.get_item(T, key, b"")
        value = 0 if found is None else int(found["n"]["N"])
        txn.put_item(T, key, b"", {"n": {"N": str(value + 1)}}, 1)

    def worker(node: PostgresStorage, n: int) -> None:
        try:
            for i in range(per_thread):
                node.write(lambda txn, k=keys[(n + i) % 3]: increment(txn, k))
        except BaseException as exc:
            errors.append(exc)

    threads = [
        threading.Thread(target=worker, args=(node, n))
        for node in nodes
        for n in range(threads_per_node)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    with nodes[0].read() as view:
        total = sum(int((view.get_item(T, k, b"") or {"n": {"N": "0"}})["n"]["N"]) for k in keys)
        assert view.table_stats(T) == TableStats(3, 3)
    assert total == len(nodes) * threads_per_node * per_thread
    for node in nodes:
        node.close()
