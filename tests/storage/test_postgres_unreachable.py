"""PostgreSQL storage when its database stops answering, or a COMMIT's answer is lost
(issue 20, items 1 and 2). The database is the real test server behind a TCP proxy
(tests/support/tcp_proxy.py) that can freeze, or cut one connection at a chosen moment.

What a caller checks: a frozen database makes reads and writes fail with the retryable
`StorageUnavailableError` within the configured bound, not hang; they work again once it
answers; a write whose COMMIT answer was lost is reported committed exactly when it did
commit, and is never applied twice.
"""

from __future__ import annotations

import os
import secrets
import time
from collections.abc import Iterator

import psycopg
import pytest
from tests.support.tcp_proxy import TcpProxy

from dynafed.storage.port import StorageUnavailableError, WriteOutcomeUnknownError, WriteTxn
from dynafed.storage.postgres import PostgresStorage

POSTGRES_URL = os.environ.get(
    "DYNAFED_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test"
)
T = "t"
STATEMENT_TIMEOUT = 1.0
POOL_TIMEOUT = 1.0
BOUND = STATEMENT_TIMEOUT + POOL_TIMEOUT + 2.0
"""Longest a call may take to fail while the database is frozen (deadline plus slack)."""


@pytest.fixture
def storage(proxy: TcpProxy) -> Iterator[PostgresStorage]:
    schema = f"dynafed_test_{os.getpid()}_{secrets.token_hex(4)}"
    opened = PostgresStorage(
        proxy.url_for(POSTGRES_URL),
        schema=schema,
        min_size=2,
        max_size=2,
        statement_timeout=STATEMENT_TIMEOUT,
        pool_timeout=POOL_TIMEOUT,
    )
    opened.write(lambda txn: txn.put_item(T, b"k", b"", {"n": {"N": "0"}}, 1))
    yield opened
    proxy.thaw()
    opened.close()
    with psycopg.connect(POSTGRES_URL, autocommit=True) as conn:
        conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


def count(storage: PostgresStorage) -> int:
    with storage.read() as view:
        item = view.get_item(T, b"k", b"")
    assert item is not None
    return int(item["n"]["N"])


def increment(calls: list[int]) -> object:
    def fn(txn: WriteTxn) -> None:
        calls.append(1)
        item = txn.get_item(T, b"k", b"")
        assert item is not None
        txn.put_item(T, b"k", b"", {"n": {"N": str(int(item["n"]["N"]) + 1)}}, 1)

    return fn


def fails_unavailable_in_time(call: object) -> float:
    started = time.monotonic()
    with pytest.raises(StorageUnavailableError):
        call()  # type: ignore[operator]
    elapsed = time.monotonic() - started
    assert elapsed < BOUND, f"took {elapsed:.1f} s, bound {BOUND} s"
    return elapsed


def test_reads_and_writes_on_a_frozen_database_fail_retryably_in_time_then_recover(
    storage: PostgresStorage, proxy: TcpProxy
) -> None:
    proxy.freeze()
    fails_unavailable_in_time(lambda: count(storage))
    fails_unavailable_in_time(lambda: storage.write(increment([])))
    fails_unavailable_in_time(lambda: count(storage))  # the pool has nothing left to lend
    proxy.thaw()
    deadline = time.monotonic() + 20
    while True:  # the pool reconnects in the background, after a backoff
        try:
            storage.write(increment([]))
            break
        except StorageUnavailableError:
            assert time.monotonic() < deadline, "storage did not recover after the thaw"
    assert count(storage) == 1


def test_a_lost_commit_answer_of_a_committed_write_is_success_without_a_rerun(
    storage: PostgresStorage, proxy: TcpProxy
) -> None:
    calls: list[int] = []
    proxy.cut_at(b"committed_writes", deliver=True)
    storage.write(increment(calls))
    assert proxy.cuts == 1
    assert len(calls) == 1
    assert count(storage) == 1


def test_a_commit_whose_outcome_cannot_be_learned_is_reported_unknown_in_time(
    storage: PostgresStorage, proxy: TcpProxy
) -> None:
    """The database stops answering as the COMMIT leaves: nobody can say whether it
    committed, so the write is neither reported done nor run again: it fails with
    `WriteOutcomeUnknownError` (an InternalServerError to the client) within the bound of
    the commit's own wait plus the time spent asking."""
    calls: list[int] = []
    proxy.freeze_at(b"committed_writes")
    started = time.monotonic()
    with pytest.raises(WriteOutcomeUnknownError):
        storage.write(increment(calls))
    assert time.monotonic() - started < 2 * BOUND
    assert len(calls) == 1


def test_a_commit_that_never_reached_the_database_runs_again_once(
    storage: PostgresStorage, proxy: TcpProxy
) -> None:
    calls: list[int] = []
    proxy.cut_at(b"committed_writes", deliver=False)
    storage.write(increment(calls))
    assert proxy.cuts == 1
    assert len(calls) == 2
    assert count(storage) == 1
