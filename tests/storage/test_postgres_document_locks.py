"""PostgreSQL `isolation=locks`: a document read inside `write(fn)` takes a shared lock.

Every item write reads its table's document in the same transaction; with an exclusive lock
on that read, one transaction at a time could write to a table, across every node. What must
still hold: a document read inside `fn` does not change before `fn` commits, concurrent
read-modify-writes of one document lose nothing, and an item write that waits behind a slow
writer of the same item waits instead of giving up (docs/decisions/postgres-write-isolation.md).
"""

from __future__ import annotations

import os
import secrets
import threading
import time
from collections.abc import Iterator

import psycopg
import pytest

from dynafed.storage.port import WriteTxn
from dynafed.storage.postgres import PostgresStorage
from dynafed.storage.postgres_txn import _item_lock_key, _lock_id

POSTGRES_URL = os.environ.get(
    "DYNAFED_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test"
)
T = "t"
KIND, NAME = "table", "t"


@pytest.fixture
def storage() -> Iterator[PostgresStorage]:
    schema = f"dynafed_test_{os.getpid()}_{secrets.token_hex(4)}"
    # Two connections from the start: a test's second transaction must not wait for the pool
    # to grow (on a loaded machine that took longer than the first transaction stays open).
    opened = PostgresStorage(POSTGRES_URL, schema=schema, isolation="locks", min_size=2)
    opened.write(lambda txn: txn.put_document(KIND, NAME, {"v": 0}))
    yield opened
    opened.close()
    with psycopg.connect(POSTGRES_URL, autocommit=True) as conn:
        conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


def hold_open(
    storage: PostgresStorage, fn_body: object, held: threading.Event, release: threading.Event
) -> None:
    """A write that runs `fn_body(txn)`, says so on `held`, then stays open until `release`
    is set."""

    def fn(txn: WriteTxn) -> None:
        fn_body(txn)  # type: ignore[operator]
        held.set()
        release.wait(timeout=10)

    storage.write(fn)


def test_readers_of_one_document_write_items_side_by_side(storage: PostgresStorage) -> None:
    held, release = threading.Event(), threading.Event()
    first = threading.Thread(
        target=hold_open,
        args=(storage, lambda txn: txn.get_document(KIND, NAME), held, release),
    )
    first.start()
    assert held.wait(timeout=10)  # the first transaction now holds its read of the document

    def item_write(txn: WriteTxn) -> None:
        txn.get_document(KIND, NAME)
        txn.put_item(T, b"other", b"", {}, 1)

    started = time.monotonic()
    storage.write(item_write)  # would wait for `release` if the read were exclusive
    finished_while_first_open = not release.is_set()
    release.set()
    first.join()
    assert finished_while_first_open
    assert time.monotonic() - started < 5


def test_a_document_read_in_a_write_does_not_change_before_it_commits(
    storage: PostgresStorage,
) -> None:
    release = threading.Event()
    seen: list[object] = []

    def read_twice(txn: WriteTxn) -> None:
        seen.append(txn.get_document(KIND, NAME))
        held.set()
        release.wait(timeout=10)
        seen.append(txn.get_document(KIND, NAME))

    held = threading.Event()
    reader = threading.Thread(target=storage.write, args=(read_twice,))
    reader.start()
    assert held.wait(timeout=10)
    writer = threading.Thread(
        target=storage.write, args=(lambda txn: txn.put_document(KIND, NAME, {"v": 1}),)
    )
    writer.start()
    time.sleep(0.3)
    assert writer.is_alive()  # the writer waits for the reader's transaction
    release.set()
    reader.join()
    writer.join()
    assert seen == [{"v": 0}, {"v": 0}]
    with storage.read() as view:
        assert view.get_document(KIND, NAME) == {"v": 1}


def test_concurrent_read_modify_writes_of_one_document_lose_nothing(
    storage: PostgresStorage,
) -> None:
    """Both sides hold the shared lock and ask to upgrade: one gives up after the lock
    timeout and runs `fn` again."""
    threads, rounds = 6, 10

    def increment(txn: WriteTxn) -> None:
        document = txn.get_document(KIND, NAME)
        assert document is not None
        txn.put_document(KIND, NAME, {"v": document["v"] + 1})

    def worker() -> None:
        for _ in range(rounds):
            storage.write(increment)

    running = [threading.Thread(target=worker) for _ in range(threads)]
    for thread in running:
        thread.start()
    for thread in running:
        thread.join()
    with storage.read() as view:
        assert view.get_document(KIND, NAME) == {"v": threads * rounds}


def test_read_modify_writes_for_update_queue_instead_of_retrying(storage: PostgresStorage) -> None:
    """`get_document_for_update` locks exclusively from the start (a stream's sequence
    counter, rewritten by every write to its table): writers queue, none reruns `fn`."""
    threads, rounds = 6, 10
    attempts = 0
    counting = threading.Lock()

    def increment(txn: WriteTxn) -> None:
        nonlocal attempts
        with counting:
            attempts += 1
        document = txn.get_document_for_update(KIND, NAME)
        assert document is not None
        txn.put_document(KIND, NAME, {"v": document["v"] + 1})

    def worker() -> None:
        for _ in range(rounds):
            storage.write(increment)

    running = [threading.Thread(target=worker) for _ in range(threads)]
    for thread in running:
        thread.start()
    for thread in running:
        thread.join()
    with storage.read() as view:
        assert view.get_document(KIND, NAME) == {"v": threads * rounds}
    assert attempts == threads * rounds


def test_an_item_write_after_a_document_read_waits_for_a_slow_writer_of_the_item(
    storage: PostgresStorage,
) -> None:
    """The usual write (its table's document, then its item) queues on a hot item rather
    than timing out and retrying."""
    attempts = 0

    def write_item(txn: WriteTxn) -> None:
        nonlocal attempts
        attempts += 1
        txn.get_document(KIND, NAME)
        txn.get_item(T, b"hot", b"")
        txn.put_item(T, b"hot", b"", {"by": {"S": "me"}}, 1)

    with psycopg.connect(POSTGRES_URL, autocommit=True) as holder:
        holder.execute("BEGIN")
        holder.execute(
            "SELECT pg_advisory_xact_lock(%s)", (_lock_id(_item_lock_key(T, b"hot", b"")),)
        )
        writer = threading.Thread(target=storage.write, args=(write_item,))
        writer.start()
        time.sleep(0.5)  # ten times the timeout of a lock that could be in a deadlock
        holder.execute("COMMIT")
    writer.join()
    assert attempts == 1
    with storage.read() as view:
        assert view.get_item(T, b"hot", b"") == {"by": {"S": "me"}}
