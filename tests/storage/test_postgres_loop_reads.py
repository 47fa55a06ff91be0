"""Reads awaited on the event loop (`PostgresStorage.reads_on_loop`: a GetItem's, a Query
page's), on the real PostgreSQL, directly and behind a TCP proxy that can freeze.

What a caller checks: the answer is the threaded read's, for many reads at once on fewer
connections; a read that cannot happen on the loop says so (`LoopReadFailed`, so the
caller reads the ordinary way) and the next one works; a frozen database fails the read
with the retryable `StorageUnavailableError` within the deadline; a read whose request went
away leaves no answer behind for the next one.
"""

from __future__ import annotations

import asyncio
import os
import secrets
import time
from collections.abc import Iterator

import psycopg
import pytest
from tests.support.tcp_proxy import TcpProxy

from dynafed.storage import postgres, postgres_loop_reads
from dynafed.storage.port import KeyRange, LoopReadFailed, StorageUnavailableError, WriteTxn
from dynafed.storage.postgres import PostgresStorage

POSTGRES_URL = os.environ.get(
    "DYNAFED_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test"
)
T = "t"
KIND, NAME = "table", "the-table"
DOCUMENT = {"name": "the-table"}
STATEMENT_TIMEOUT = 1.0
ITEMS = 50


def open_storage(url: str, **settings: float) -> PostgresStorage:
    schema = f"dynafed_test_{os.getpid()}_{secrets.token_hex(4)}"
    storage = PostgresStorage(url, schema=schema, min_size=1, max_size=2, **settings)  # type: ignore[arg-type]

    def fill(txn: WriteTxn) -> None:
        txn.put_document(KIND, NAME, DOCUMENT)
        for n in range(ITEMS):
            txn.put_item(T, b"k%d" % n, b"", {"n": {"N": str(n)}}, 1)

    storage.write(fill)
    return storage


def drop(storage: PostgresStorage) -> None:
    storage.close()
    with psycopg.connect(POSTGRES_URL, autocommit=True) as conn:
        conn.execute(f'DROP SCHEMA IF EXISTS "{storage.schema}" CASCADE')


@pytest.fixture
def storage() -> Iterator[PostgresStorage]:
    opened = open_storage(POSTGRES_URL)
    yield opened
    drop(opened)


def read(storage: PostgresStorage, n: int) -> object:
    return storage.reads_on_loop.item_and_document(T, b"k%d" % n, b"", KIND, NAME)


def threaded(storage: PostgresStorage, n: int) -> object:
    with storage.read() as view:
        return view.get_item_and_document(T, b"k%d" % n, b"", KIND, NAME)


def test_many_reads_at_once_answer_as_the_threaded_read_does(storage: PostgresStorage) -> None:
    async def all_reads() -> list[object]:
        return await asyncio.gather(*(read(storage, n % (ITEMS + 5)) for n in range(300)))

    answers = asyncio.run(all_reads())
    expected = [threaded(storage, n % (ITEMS + 5)) for n in range(300)]
    assert answers == expected
    assert answers[0] == ({"n": {"N": "0"}}, threaded(storage, 0)[1])  # type: ignore[index]
    assert answers[ITEMS + 1][0] is None  # no such item; the document still comes


def test_a_page_of_rows_answers_as_the_threaded_query_does(storage: PostgresStorage) -> None:
    def fill(txn: WriteTxn) -> None:
        for n in range(10):
            txn.put_item(T, b"p", b"s%02d" % n, {"n": {"N": str(n)}}, 10 + n)

    storage.write(fill)
    ranges = [KeyRange(), KeyRange(low=b"s03", high=b"s07", high_inclusive=False)]
    cases = [
        (key_range, forward, start, limit)
        for key_range in ranges
        for forward in (True, False)
        for start in (None, b"s05")
        for limit in (1, 3, 50)
    ]

    async def on_loop() -> list[object]:
        return [
            await storage.reads_on_loop.rows_and_document(
                T,
                b"p",
                key_range,
                forward=forward,
                exclusive_start_sk=start,
                limit=limit,
                kind=KIND,
                name=NAME,
            )
            for key_range, forward, start, limit in cases
        ]

    answers = asyncio.run(on_loop())
    for (key_range, forward, start, limit), (rows, document) in zip(cases, answers, strict=True):
        with storage.read() as view:
            expected, stored = view.query_and_document(
                T, b"p", key_range, forward=forward, exclusive_start_sk=start, kind=KIND, name=NAME
            )
            assert rows == list(expected)[:limit]
        assert document == stored is not None
    assert [row.sk for row in answers[2][0]] == [b"s%02d" % n for n in range(10)]  # whole


def test_a_missing_document_is_none(storage: PostgresStorage) -> None:
    reads = storage.reads_on_loop
    answer = asyncio.run(reads.item_and_document(T, b"k1", b"", KIND, "another-table"))
    assert answer == ({"n": {"N": "1"}}, None)


def test_a_lost_connection_fails_over_to_the_ordinary_read_and_the_next_read_works() -> None:
    app = f"dynafed_loop_reads_{os.getpid()}_{secrets.token_hex(4)}"
    separator = "&" if "?" in POSTGRES_URL else "?"
    storage = open_storage(f"{POSTGRES_URL}{separator}application_name={app}")
    try:

        async def scenario() -> tuple[object, object]:
            await read(storage, 1)  # opens a loop connection
            with psycopg.connect(POSTGRES_URL, autocommit=True) as conn:
                ended = conn.execute(  # as a restart would: every connection of the storage
                    "SELECT pg_terminate_backend(pid, 5000) FROM pg_stat_activity"
                    " WHERE application_name = %s",
                    (app,),
                ).fetchall()
            assert ended and all(row[0] for row in ended)
            failed: object = None
            try:
                await read(storage, 2)
            except LoopReadFailed as error:
                failed = error
            return failed, await read(storage, 3)

        failed, after = asyncio.run(scenario())
        assert isinstance(failed, LoopReadFailed)
        assert after == ({"n": {"N": "3"}}, threaded(storage, 3)[1])  # type: ignore[index]
    finally:
        drop(storage)


def test_a_frozen_database_fails_the_read_retryably_in_time(proxy: TcpProxy) -> None:
    storage = open_storage(proxy.url_for(POSTGRES_URL), statement_timeout=STATEMENT_TIMEOUT)
    try:

        async def scenario() -> float:
            await read(storage, 1)
            proxy.freeze()
            started = time.monotonic()
            with pytest.raises(StorageUnavailableError):
                await read(storage, 2)
            return time.monotonic() - started

        elapsed = asyncio.run(scenario())
        assert STATEMENT_TIMEOUT <= elapsed < STATEMENT_TIMEOUT + 3.0
    finally:
        proxy.thaw()
        drop(storage)


def test_a_connection_that_cannot_open_sends_reads_the_ordinary_way_at_once(
    proxy: TcpProxy, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With the database unreachable before any loop connection is open, a read waits at
    most `OPEN_WAIT` for one, the reads after it not at all, and once the database answers
    again the loop's reads resume."""
    monkeypatch.setattr(postgres_loop_reads, "OPEN_WAIT", 0.3)
    monkeypatch.setattr(postgres_loop_reads, "OPEN_AGAIN_AFTER", 0.5)
    storage = open_storage(proxy.url_for(POSTGRES_URL), statement_timeout=STATEMENT_TIMEOUT)
    try:

        async def scenario() -> tuple[float, float, object]:
            proxy.freeze()
            started = time.monotonic()
            with pytest.raises(LoopReadFailed):
                await read(storage, 1)
            first = time.monotonic() - started
            started = time.monotonic()
            with pytest.raises(LoopReadFailed):
                await read(storage, 2)
            second = time.monotonic() - started
            proxy.thaw()
            deadline = time.monotonic() + 15
            while True:  # the stalled connection opens, or a new one after the pause
                try:
                    return first, second, await read(storage, 3)
                except LoopReadFailed:
                    assert time.monotonic() < deadline, "the loop's reads never resumed"
                    await asyncio.sleep(0.05)

        first, second, after = asyncio.run(scenario())
        assert 0.3 <= first < 2.0
        assert second < 0.2
        assert after == ({"n": {"N": "3"}}, threaded(storage, 3)[1])  # type: ignore[index]
    finally:
        proxy.thaw()
        drop(storage)


def test_a_read_whose_request_went_away_leaves_nothing_behind(storage: PostgresStorage) -> None:
    async def scenario() -> list[object]:
        await read(storage, 0)  # a connection opened and idle: the next read goes out at once
        first = asyncio.ensure_future(read(storage, 1))
        await asyncio.sleep(0)  # sent; its answer is on its way
        first.cancel()
        with pytest.raises(asyncio.CancelledError):
            await first
        return [await read(storage, n) for n in (2, 3, 4)]

    answers = asyncio.run(scenario())
    assert [answer[0] for answer in answers] == [  # type: ignore[index]
        {"n": {"N": "2"}},
        {"n": {"N": "3"}},
        {"n": {"N": "4"}},
    ]


def test_reads_beyond_the_connections_wait_their_turn(storage: PostgresStorage) -> None:
    assert postgres.LOOP_READ_CONNECTIONS < 100

    async def scenario() -> list[object]:
        return await asyncio.gather(*(read(storage, n % ITEMS) for n in range(100)))

    answers = asyncio.run(scenario())
    assert [answer[0] for answer in answers] == [  # type: ignore[index]
        {"n": {"N": str(n % ITEMS)}} for n in range(100)
    ]
