"""SQLite storage, the embedded default: one file, WAL, one writer thread with group commit.

- Writes: `write(fn)` queues `fn` for the writer thread (`group_commit.py`) and blocks until
  the batch holding it is durably committed; `write_later(fn, on_done)` queues it without
  blocking and reports the outcome after the commit (the event loop's way to write).
- Reads: `read()` lends a connection from a pool of read-only connections; each statement
  reads committed data, and `read(snapshot=True)` opens one read transaction so the whole
  view is a consistent snapshot; WAL lets readers run while the writer commits. A
  connection serves one thread at a time and returns to the pool when the view closes; the
  pool grows to the number of threads reading at once (the event loop and the server's
  worker pool), so each in effect keeps its own connection. A pool rather than
  thread-locals also lets one thread nest read views.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable
from pathlib import Path
from time import perf_counter
from typing import Any, TypeVar

from dynafed import metrics
from dynafed.storage.group_commit import GroupCommitWriter
from dynafed.storage.port import (
    Committed,
    ReadsOnLoop,
    ReadView,
    StorageClosedError,
    WriteLater,
    WriteTxn,
)
from dynafed.storage.sqlite_errors import open_error
from dynafed.storage.sqlite_schema import connect, open_migrated
from dynafed.storage.sqlite_txn import SqliteView
from dynafed.storage.writer_turns import WriterTurns

T = TypeVar("T")

DEFAULT_MAX_BATCH = 512
"""Most write jobs one COMMIT covers; bounds how long one batch holds the writer."""


class _ReaderPool:
    def __init__(self, path: Path) -> None:
        self._path = path
        self._idle: list[sqlite3.Connection] = []
        self._lock = threading.Lock()
        self._closed = False

    def acquire(self) -> sqlite3.Connection:
        with self._lock:
            if self._closed:
                raise StorageClosedError("storage is closed")
            if self._idle:
                return self._idle.pop()
        return connect(self._path, writer=False)

    def release(self, conn: sqlite3.Connection) -> None:
        with self._lock:
            if not self._closed:
                self._idle.append(conn)
                return
        conn.close()

    def close(self) -> None:
        with self._lock:
            self._closed = True
            idle, self._idle = self._idle, []
        for conn in idle:
            conn.close()


class _ReadContext:
    def __init__(self, pool: _ReaderPool, snapshot: bool) -> None:
        self._pool = pool
        self._snapshot = snapshot
        self._conn: sqlite3.Connection | None = None
        self._view: SqliteView | None = None
        self._started = 0.0

    def __enter__(self) -> ReadView:
        self._started = perf_counter()
        self._conn = self._pool.acquire()
        if self._snapshot:
            self._conn.execute("BEGIN")  # snapshot taken at the first read
        self._view = SqliteView(self._conn)
        return self._view

    def __exit__(self, *exc: object) -> None:
        assert self._conn is not None and self._view is not None
        self._view.close()  # ends each statement's own read transaction
        try:
            if self._snapshot:
                self._conn.execute("COMMIT")
        finally:
            self._pool.release(self._conn)
            metrics.STORAGE_READ.observe(perf_counter() - self._started)


class SqliteStorage:
    """Storage in one SQLite file at `path` (created, with its schema, when missing)."""

    def __init__(self, path: str | Path, *, max_batch: int = DEFAULT_MAX_BATCH) -> None:
        self.path = Path(path)
        writer_conn = open_migrated(self.path)
        try:
            self._turns = WriterTurns(self.path)
        except OSError as error:
            writer_conn.close()
            raise open_error(self._turns_path(), error) from None
        self._writer = GroupCommitWriter(
            writer_conn, max_batch=max_batch, turns=self._turns, path=self.path
        )
        self._readers = _ReaderPool(self.path)

    def _turns_path(self) -> Path:
        return self.path.with_name(self.path.name + "-writer")

    def read(self, *, snapshot: bool = False) -> _ReadContext:
        """With `snapshot`, one read transaction spans the block; without, each statement
        reads its own committed state (a range read's cursor one state throughout), as the
        port allows for plain reads. BEGIN and COMMIT cost a GetItem as much as its reads."""
        return _ReadContext(self._readers, snapshot)

    def write(self, fn: Callable[[WriteTxn], T]) -> T:
        result: T = self._writer.submit(fn)
        return result

    local_reads = True  # WAL readers never wait for the writer
    reads_on_loop: ReadsOnLoop | None = None  # reads are local

    @property
    def write_later(self) -> WriteLater:
        return self._write_later

    def _write_later(self, fn: Callable[[WriteTxn], Any], on_done: Committed) -> None:
        """`write` without blocking the caller: `on_done(result, error)` is called on the
        writer thread once the outcome is durable (committed) or final (failed)."""
        self._writer.submit_later(fn, on_done)

    def close(self) -> None:
        self._writer.close()
        self._readers.close()
        self._turns.close()
