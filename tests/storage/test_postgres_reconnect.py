"""PostgreSQL storage after its server dropped every connection (a restart or a failover):
the pooled connections are all dead, and the next requests must still work.

The test cannot restart the shared test server, so it terminates the storage's own backends,
found by the `application_name` its URL sets; to the pool that is the same thing.
"""

from __future__ import annotations

import os
import secrets
import threading
from collections.abc import Iterator

import psycopg
import pytest

from dynafed.storage.port import StorageUnavailableError, WriteTxn
from dynafed.storage.postgres import PostgresStorage

POSTGRES_URL = os.environ.get(
    "DYNAFED_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test"
)
T = "t"
POOL = 4


@pytest.fixture
def app() -> str:
    return f"dynafed_reconnect_{os.getpid()}_{secrets.token_hex(4)}"


@pytest.fixture
def storage(app: str) -> Iterator[PostgresStorage]:
    schema = f"dynafed_test_{os.getpid()}_{secrets.token_hex(4)}"
    separator = "&" if "?" in POSTGRES_URL else "?"
    opened = PostgresStorage(
        f"{POSTGRES_URL}{separator}application_name={app}",
        schema=schema,
        min_size=POOL,
        max_size=POOL,
    )
    opened.write(lambda txn: txn.put_item(T, b"k", b"", {"n": {"N": "1"}}, 1))
    yield opened
    opened.close()
    with psycopg.connect(POSTGRES_URL, autocommit=True) as conn:
        conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


def terminate_backends(app: str) -> int:
    with psycopg.connect(POSTGRES_URL, autocommit=True) as conn:
        rows = conn.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE application_name = %s AND pid <> pg_backend_pid()",
            (app,),
        ).fetchall()
    return len(rows)


def increment(txn: WriteTxn) -> None:
    item = txn.get_item(T, b"k", b"")
    assert item is not None
    txn.put_item(T, b"k", b"", {"n": {"N": str(int(item["n"]["N"]) + 1)}}, 1)


def test_reads_and_writes_work_right_after_every_connection_was_dropped(
    storage: PostgresStorage, app: str
) -> None:
    assert terminate_backends(app) == POOL
    with storage.read() as view:
        assert view.get_item(T, b"k", b"") == {"n": {"N": "1"}}

    assert terminate_backends(app) >= 1
    storage.write(increment)

    assert terminate_backends(app) >= 1
    with storage.read(snapshot=True) as view:
        assert view.get_item(T, b"k", b"") == {"n": {"N": "2"}}


def test_many_threads_after_the_drop_all_succeed(storage: PostgresStorage, app: str) -> None:
    assert terminate_backends(app) == POOL
    failures: list[BaseException] = []

    def work() -> None:
        try:
            storage.write(increment)
            with storage.read() as view:
                view.get_item(T, b"k", b"")
        except BaseException as error:  # collected for the assertion
            failures.append(error)

    threads = [threading.Thread(target=work) for _ in range(POOL * 2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    with storage.read() as view:
        assert view.get_item(T, b"k", b"") == {"n": {"N": str(1 + POOL * 2)}}


def test_a_transaction_whose_connection_was_lost_before_commit_runs_again_once(
    storage: PostgresStorage, app: str
) -> None:
    """Lost before COMMIT was sent, the transaction cannot have committed: `fn` runs again
    on another connection, and its write happens once."""
    calls = 0

    def dropped_the_first_time(txn: WriteTxn) -> None:
        nonlocal calls
        calls += 1
        item = txn.get_item(T, b"k", b"")
        assert item is not None
        if calls == 1:
            terminate_backends(app)
        txn.put_item(T, b"k", b"", {"n": {"N": str(int(item["n"]["N"]) + 1)}}, 1)

    storage.write(dropped_the_first_time)
    assert calls == 2
    with storage.read() as view:
        assert view.get_item(T, b"k", b"") == {"n": {"N": "2"}}


def test_a_transaction_that_always_loses_its_connection_is_unavailable(
    storage: PostgresStorage, app: str
) -> None:
    def always_dropped(txn: WriteTxn) -> None:
        txn.get_item(T, b"k", b"")
        terminate_backends(app)
        txn.put_item(T, b"k", b"", {"n": {"N": "99"}}, 1)

    with pytest.raises(StorageUnavailableError):
        storage.write(always_dropped)
    with storage.read() as view:
        assert view.get_item(T, b"k", b"") == {"n": {"N": "1"}}
