"""Writes committed from the event loop (`PostgresStorage.write_later`), on the real
PostgreSQL, directly and behind a TCP proxy that cuts a connection at COMMIT.

What a caller checks: a write that only queues statements commits from the loop, its
function run there once; one that reads runs on a thread instead, and commits the same; a
write against a table document that changed is refused with nothing written; a batch the
server refuses leaves the connection usable for the next write; a write whose answer is
lost is committed exactly once, whether or not COMMIT reached the server; an item larger
than the socket's buffer goes out whole.
"""

from __future__ import annotations

import asyncio
import os
import threading
from collections.abc import Callable, Iterator
from typing import Any

import psycopg
import pytest
from psycopg import errors
from tests.storage.test_postgres_loop_reads import DOCUMENT, KIND, NAME, T, drop, open_storage
from tests.support.tcp_proxy import TcpProxy

from dynafed.storage.port import DocumentChangedError, WriteTxn
from dynafed.storage.postgres import PostgresStorage
from dynafed.storage.postgres_loop_writes import GROUPS_IN_FLIGHT

POSTGRES_URL = os.environ.get(
    "DYNAFED_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test"
)
DEADLINE = 30.0


@pytest.fixture
def storage() -> Iterator[PostgresStorage]:
    opened = open_storage(POSTGRES_URL)
    yield opened
    drop(opened)


@pytest.fixture
def proxied(proxy: TcpProxy) -> Iterator[PostgresStorage]:
    """A storage whose connections go through `proxy`."""
    opened = open_storage(proxy.url_for(POSTGRES_URL))
    yield opened
    drop(opened)


def write_later(storage: PostgresStorage, fn: Callable[[WriteTxn], Any]) -> tuple[Any, Any]:
    """(result, error) of `fn` through `write_later`, called from a running event loop."""
    return writes_later(storage, fn)[0]


def writes_later(storage: PostgresStorage, *fns: Callable[[WriteTxn], Any]) -> list[Any]:
    """(result, error) of each of `fns` through `write_later`, one after the other on one
    event loop (so on the same loop connection)."""

    async def main() -> list[tuple[Any, Any]]:
        loop = asyncio.get_running_loop()
        outcomes = []
        for fn in fns:
            outcome: asyncio.Future[tuple[Any, Any]] = loop.create_future()

            def on_done(result: Any, error: BaseException | None, done: Any = outcome) -> None:
                loop.call_soon_threadsafe(done.set_result, (result, error))

            storage.write_later(fn, on_done)
            outcomes.append(await asyncio.wait_for(outcome, DEADLINE))
        return outcomes

    return asyncio.run(main())


class Recorded:
    """A transaction function that notes the threads it ran on."""

    def __init__(self, fn: Callable[[WriteTxn], Any]) -> None:
        self._fn = fn
        self.threads: list[threading.Thread] = []

    def __call__(self, txn: WriteTxn) -> Any:
        self.threads.append(threading.current_thread())
        return self._fn(txn)


def item(storage: PostgresStorage, key: bytes) -> object:
    with storage.read() as view:
        return view.get_item(T, key, b"")


def put(key: bytes, value: str) -> Callable[[WriteTxn], str]:
    def fn(txn: WriteTxn) -> str:
        txn.put_item(T, key, b"", {"v": {"S": value}}, len(value))
        return "put"

    return fn


def test_a_write_that_only_queues_commits_from_the_loop_once(storage: PostgresStorage) -> None:
    fn = Recorded(put(b"new", "one"))

    again = Recorded(put(b"new", "two"))
    # The second write, on the same loop connection, runs the statements prepared for the
    # first.
    assert writes_later(storage, fn, again) == [("put", None), ("put", None)]
    assert fn.threads == again.threads == [threading.main_thread()]  # the loop's, once
    assert item(storage, b"new") == {"v": {"S": "two"}}


def test_a_write_that_reads_runs_on_a_thread(storage: PostgresStorage) -> None:
    def increment(txn: WriteTxn) -> int:
        old = txn.get_item(T, b"k1", b"")
        assert old is not None
        n = int(old["n"]["N"]) + 1
        txn.put_item(T, b"k1", b"", {"n": {"N": str(n)}}, 1)
        return n

    fn = Recorded(increment)
    assert write_later(storage, fn) == (2, None)
    assert fn.threads[0] is threading.main_thread()  # stopped at its read
    assert len(fn.threads) == 2 and fn.threads[1] is not threading.main_thread()
    assert item(storage, b"k1") == {"n": {"N": "2"}}


def test_a_write_expecting_a_changed_document_is_refused_with_nothing_written(
    storage: PostgresStorage,
) -> None:
    def stale(txn: WriteTxn) -> None:
        txn.expect_document(KIND, NAME, b'{"name": "another-table"}')
        txn.put_item(T, b"stale", b"", {"v": {"S": "x"}}, 1)

    result, error = write_later(storage, stale)
    assert result is None and isinstance(error, DocumentChangedError)
    assert item(storage, b"stale") is None

    with storage.read() as view:
        stored = view.get_document_bytes(KIND, NAME)
    assert stored is not None

    def current(txn: WriteTxn) -> str:
        txn.expect_document(KIND, NAME, stored)
        txn.put_item(T, b"fresh", b"", {"v": {"S": "x"}}, 1)
        return "written"

    assert write_later(storage, current) == ("written", None)
    assert item(storage, b"fresh") == {"v": {"S": "x"}}
    with storage.read() as view:
        assert view.get_document(KIND, NAME) == DOCUMENT


def test_a_refused_batch_is_rolled_back_and_the_next_write_works(
    storage: PostgresStorage,
) -> None:
    def insert_twice(txn: WriteTxn) -> None:
        txn.insert_item(T, b"k2", b"", {"v": {"S": "again"}}, 5)  # k2 exists: a unique key

    fn, after = Recorded(insert_twice), Recorded(put(b"after", "ok"))
    (result, error), answer = writes_later(storage, fn, after)
    assert result is None and isinstance(error, errors.UniqueViolation)
    assert len(fn.threads) == 2  # on the loop, then again on a thread, which reports it
    assert item(storage, b"k2") == {"n": {"N": "2"}}

    assert answer == ("put", None)
    assert after.threads == [threading.main_thread()]  # the connection's transaction ended
    assert item(storage, b"after") == {"v": {"S": "ok"}}


@pytest.mark.parametrize("delivered", [True, False], ids=["committed", "never-arrived"])
def test_a_write_whose_answer_is_lost_is_committed_exactly_once(
    proxy: TcpProxy, proxied: PostgresStorage, delivered: bool
) -> None:
    def add_stream_record(txn: WriteTxn) -> str:
        txn.put_item(T, b"counted", b"", {"v": {"S": "once"}}, 4)
        txn.put_document("records", "r", {"written": True})
        return "done"

    fn = Recorded(add_stream_record)
    proxy.cut_at(b"COMMIT", deliver=delivered)
    assert write_later(proxied, fn) == ("done", None)
    assert proxy.cuts == 1
    # Committed by the batch that was cut: settled by its write id, not run again.
    # Never arrived: run again on a thread.
    assert len(fn.threads) == (1 if delivered else 2)
    assert item(proxied, b"counted") == {"v": {"S": "once"}}


def test_an_item_larger_than_the_socket_buffer_goes_out_whole(storage: PostgresStorage) -> None:
    text = "x" * 380_000  # DynamoDB's items reach 400 KB
    assert write_later(storage, put(b"large", text)) == ("put", None)
    assert item(storage, b"large") == {"v": {"S": text}}


def test_a_write_outside_an_event_loop_runs_on_a_thread(storage: PostgresStorage) -> None:
    done = threading.Event()
    outcome: list[tuple[Any, Any]] = []

    def on_done(result: Any, error: BaseException | None) -> None:
        outcome.append((result, error))
        done.set()

    fn = Recorded(put(b"threaded", "t"))
    storage.write_later(fn, on_done)
    assert done.wait(DEADLINE)
    assert outcome == [("put", None)]
    assert fn.threads and fn.threads[0] is not threading.main_thread()
    with psycopg.connect(POSTGRES_URL) as conn:
        row = conn.execute(
            f'SELECT count(*) FROM "{storage.schema}".items WHERE pk = %s', (b"threaded",)
        ).fetchone()
    assert row == (1,)


def committed_transactions(storage: PostgresStorage) -> int:
    """How many write transactions have committed (each records its write id)."""
    with psycopg.connect(POSTGRES_URL) as conn:
        row = conn.execute(f'SELECT count(*) FROM "{storage.schema}".committed_writes').fetchone()
    assert row is not None
    return int(row[0])


def together(storage: PostgresStorage, fns: list[Callable[[WriteTxn], Any]]) -> list[Any]:
    """(result, error) of each of `fns`, all handed to `write_later` at once on one loop."""

    async def main() -> list[tuple[Any, Any]]:
        loop = asyncio.get_running_loop()
        outcomes: list[asyncio.Future[tuple[Any, Any]]] = []
        for fn in fns:
            outcome: asyncio.Future[tuple[Any, Any]] = loop.create_future()

            def on_done(result: Any, error: BaseException | None, done: Any = outcome) -> None:
                loop.call_soon_threadsafe(done.set_result, (result, error))

            storage.write_later(fn, on_done)
            outcomes.append(outcome)
        return list(await asyncio.wait_for(asyncio.gather(*outcomes), DEADLINE))

    return asyncio.run(main())


def test_writes_that_arrive_together_commit_in_fewer_transactions(
    storage: PostgresStorage,
) -> None:
    before = committed_transactions(storage)
    fns = [Recorded(put(b"g%d" % n, str(n))) for n in range(60)]

    assert together(storage, fns) == [("put", None)] * 60
    for n in range(60):
        assert item(storage, b"g%d" % n) == {"v": {"S": str(n)}}
    assert all(fn.threads == [threading.main_thread()] for fn in fns)
    transactions = committed_transactions(storage) - before
    assert 1 < transactions < 60 // 2  # grouped: a few alone, then the rest together


def test_a_write_that_fails_in_a_group_fails_alone(storage: PostgresStorage) -> None:
    def stale(txn: WriteTxn) -> None:
        txn.expect_document(KIND, NAME, b'{"name": "another-table"}')
        txn.put_item(T, b"stale", b"", {"v": {"S": "x"}}, 1)

    fns: list[Callable[[WriteTxn], Any]] = [put(b"g%d" % n, str(n)) for n in range(12)]
    fns[8] = stale  # behind the writes that go alone: in a group

    outcomes = together(storage, fns)
    assert isinstance(outcomes[8][1], DocumentChangedError)
    assert item(storage, b"stale") is None
    for n in set(range(12)) - {8}:
        assert outcomes[n] == ("put", None)
        assert item(storage, b"g%d" % n) == {"v": {"S": str(n)}}


def test_writes_of_one_item_in_a_group_keep_their_order(storage: PostgresStorage) -> None:
    fns = [put(b"filler%d" % n, "f") for n in range(6)]
    fns += [put(b"same", "first"), put(b"other", "o"), put(b"same", "second")]

    assert together(storage, fns) == [("put", None)] * len(fns)
    assert item(storage, b"same") == {"v": {"S": "second"}}


@pytest.mark.parametrize("delivered", [True, False], ids=["committed", "never-arrived"])
def test_a_group_whose_answer_is_lost_is_committed_exactly_once(
    proxy: TcpProxy, proxied: PostgresStorage, delivered: bool
) -> None:
    fns = [Recorded(put(b"g%d" % n, str(n))) for n in range(10)]
    fns[7] = Recorded(put(b"g7", "cut-here"))  # goes in a group: its bytes are cut
    proxy.cut_at(b"cut-here", deliver=delivered)

    assert together(proxied, fns) == [("put", None)] * 10
    assert proxy.cuts == 1
    runs = [len(fn.threads) for fn in fns]
    # Committed: settled by the group's write id. Never arrived: each run again.
    assert runs[7] == (1 if delivered else 2)
    assert runs[:4] == [1, 1, 1, 1]  # the first writes went alone, before the cut
    for n in range(10):
        assert item(proxied, b"g%d" % n) == {"v": {"S": "cut-here" if n == 7 else str(n)}}


def test_a_loop_that_ends_with_writes_under_way_leaves_the_next_loop_writing(
    storage: PostgresStorage,
) -> None:
    outcomes: list[tuple[Any, Any]] = []

    async def leave_early() -> None:
        for n in range(10):  # more than go at once: some wait when the loop ends
            storage.write_later(put(b"left%d" % n, "x"), lambda r, e: outcomes.append((r, e)))

    for _ in range(GROUPS_IN_FLIGHT + 1):
        asyncio.run(leave_early())
    fn = Recorded(put(b"next", "y"))
    assert write_later(storage, fn) == ("put", None)
    assert fn.threads == [threading.main_thread()]
    assert item(storage, b"next") == {"v": {"S": "y"}}
