"""What only the SQLite backend promises: persistence, schema versioning, group commit."""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from dynafed.storage.port import TableStats, WriteTxn
from dynafed.storage.sqlite import SqliteStorage
from dynafed.storage.sqlite_errors import StorageOpenError
from dynafed.storage.sqlite_schema import SCHEMA_VERSION, SchemaTooNewError

T = "t"


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "dynafed.sqlite3"


@pytest.fixture
def storage(db_path: Path) -> Iterator[SqliteStorage]:
    opened = SqliteStorage(db_path)
    yield opened
    opened.close()


def test_data_survives_close_and_reopen(db_path: Path) -> None:
    first = SqliteStorage(db_path)
    first.write(lambda txn: txn.put_item(T, b"p", b"s", {"a": {"S": "1"}}, 12))
    first.write(lambda txn: txn.put_document("role", "r", {"arn": "x"}))
    first.close()
    second = SqliteStorage(db_path)
    with second.read() as view:
        assert view.get_item(T, b"p", b"s") == {"a": {"S": "1"}}
        assert view.table_stats(T) == TableStats(1, 12)
        assert view.get_document("role", "r") == {"arn": "x"}
    second.close()


def test_database_is_durable_wal_with_recorded_schema_version(
    storage: SqliteStorage, db_path: Path
) -> None:
    conn = sqlite3.connect(db_path)
    assert conn.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    assert conn.execute("SELECT version FROM schema_version").fetchall() == [(SCHEMA_VERSION,)]
    conn.close()


def test_a_newer_schema_is_refused(db_path: Path) -> None:
    SqliteStorage(db_path).close()
    conn = sqlite3.connect(db_path)
    conn.execute("UPDATE schema_version SET version = ?", (SCHEMA_VERSION + 1,))
    conn.commit()
    conn.close()
    with pytest.raises(SchemaTooNewError):
        SqliteStorage(db_path)


def test_reopening_does_not_reapply_the_schema(db_path: Path) -> None:
    SqliteStorage(db_path).close()
    SqliteStorage(db_path).close()  # CREATE TABLE would fail if the steps ran again
    conn = sqlite3.connect(db_path)
    assert conn.execute("SELECT count(*) FROM schema_version").fetchone() == (1,)
    conn.close()


# --- group commit --------------------------------------------------------------------------


def count_commits(storage: SqliteStorage) -> list[str]:
    """Records every COMMIT the writer connection runs."""
    commits: list[str] = []
    writer_conn: sqlite3.Connection = storage._writer._conn
    writer_conn.set_trace_callback(lambda sql: commits.append(sql) if sql == "COMMIT" else None)
    return commits


def wait_until_queued(storage: SqliteStorage, queued: int) -> None:
    deadline = time.monotonic() + 10
    while storage._writer._queue.qsize() < queued and time.monotonic() < deadline:
        time.sleep(0.001)


def block_writer(storage: SqliteStorage, until_queued: int) -> threading.Thread:
    """Occupies the writer with a job that ends once `until_queued` jobs wait behind it."""
    running = threading.Event()

    def job(txn: WriteTxn) -> None:
        running.set()
        wait_until_queued(storage, until_queued)

    blocker = threading.Thread(target=storage.write, args=(job,))
    blocker.start()
    running.wait()
    return blocker


def in_threads(jobs: list[Callable[[], Any]]) -> list[Any]:
    results: list[Any] = [None] * len(jobs)

    def run(i: int) -> None:
        try:
            results[i] = jobs[i]()
        except Exception as exc:
            results[i] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(jobs))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def test_waiting_writes_share_one_commit(storage: SqliteStorage) -> None:
    commits = count_commits(storage)
    waiting = 20
    blocker = block_writer(storage, waiting)
    writes = [
        (lambda n=n: storage.write(lambda txn: txn.put_item(T, b"%d" % n, b"", {}, 1)))
        for n in range(waiting)
    ]
    in_threads(writes)
    blocker.join()
    assert len(commits) == 2  # the blocking job's batch, then all 20 waiting writes at once
    with storage.read() as view:
        assert view.table_stats(T) == TableStats(waiting, waiting)


def test_a_failing_job_rolls_back_alone_within_its_batch(storage: SqliteStorage) -> None:
    commits = count_commits(storage)
    blocker = block_writer(storage, 3)

    def failing(txn: WriteTxn) -> None:
        txn.put_item(T, b"bad", b"", {}, 1)
        raise ValueError("no")

    results = in_threads(
        [
            lambda: storage.write(lambda txn: txn.put_item(T, b"good1", b"", {}, 1)),
            lambda: storage.write(failing),
            lambda: storage.write(lambda txn: txn.put_item(T, b"good2", b"", {}, 1)),
        ]
    )
    blocker.join()
    assert len(commits) == 2
    assert results[0] is None and results[2] is None
    assert isinstance(results[1], ValueError)
    with storage.read() as view:
        assert [r.pk for r in view.scan(T)] == [b"good1", b"good2"]


def test_close_commits_writes_already_queued(db_path: Path) -> None:
    storage = SqliteStorage(db_path)
    closer = threading.Thread(target=storage.close)
    running = threading.Event()

    def job(txn: WriteTxn) -> None:
        running.set()
        # While the writer is busy here: five writes queue up, then close() is called.
        wait_until_queued(storage, 5)
        closer.start()
        wait_until_queued(storage, 6)  # close() queued its stop marker behind the writes

    blocker = threading.Thread(target=storage.write, args=(job,))
    blocker.start()
    running.wait()
    writes = [
        (lambda n=n: storage.write(lambda txn: txn.put_item(T, b"%d" % n, b"", {}, 1)))
        for n in range(5)
    ]
    results = in_threads(writes)
    blocker.join()
    closer.join()
    assert results == [None] * 5
    reopened = SqliteStorage(db_path)
    with reopened.read() as view:
        assert view.table_stats(T) == TableStats(5, 5)
    reopened.close()


# --- several processes on one file ---------------------------------------------------------


def test_writers_of_one_file_take_turns_on_the_lock_beside_it(db_path: Path) -> None:
    """Two storages on one file stand for two `serve --workers` processes: each opens its own
    descriptor of the `-writer` lock file, so their batches exclude each other as processes'
    would. The second batch waits for the first to commit, then commits (no "database is
    locked"), and sees the first one's write."""
    first, second = SqliteStorage(db_path), SqliteStorage(db_path)
    inside_first = threading.Event()
    release_first = threading.Event()

    def slow_write(txn: WriteTxn) -> None:
        txn.put_item(T, b"p", b"first", {"n": {"N": "1"}}, 8)
        inside_first.set()
        assert release_first.wait(10)

    def counting_write(txn: WriteTxn) -> int:
        txn.put_item(T, b"p", b"second", {"n": {"N": "2"}}, 8)
        return sum(1 for _ in txn.query(T, b"p"))

    try:
        holder = threading.Thread(target=first.write, args=(slow_write,))
        holder.start()
        assert inside_first.wait(10)
        outcome: list[int] = []
        waiter = threading.Thread(target=lambda: outcome.append(second.write(counting_write)))
        waiter.start()
        waiter.join(0.5)
        assert waiter.is_alive() and outcome == []  # its turn has not come
        release_first.set()
        holder.join(10)
        waiter.join(10)
        assert outcome == [2]  # it ran after the first batch committed, and saw its item
        assert (db_path.parent / "dynafed.sqlite3-writer").stat().st_mode & 0o777 == 0o600
    finally:
        release_first.set()
        first.close()
        second.close()


def test_opening_a_current_database_writes_nothing(db_path: Path) -> None:
    """A node must start on a full disk (issue 20, item 5): with nothing to migrate, an
    open only reads. The file stays byte for byte as it was, header change counter too."""
    SqliteStorage(db_path).close()
    before = db_path.read_bytes()
    reopened = SqliteStorage(db_path)
    assert not db_path.with_name(db_path.name + "-wal").stat().st_size  # nothing logged
    reopened.close()
    assert db_path.read_bytes() == before


def test_a_file_that_is_not_a_database_is_one_line_naming_it(db_path: Path) -> None:
    db_path.write_bytes(b"not a database, but more than a header's worth of bytes" * 100)
    with pytest.raises(StorageOpenError) as refused:
        SqliteStorage(db_path)
    assert str(refused.value) == f"cannot use the database {db_path}: file is not a database"
