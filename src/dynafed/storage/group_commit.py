"""The single SQLite writer: group commit of queued write jobs.

SQLite allows one writer at a time and a durable COMMIT costs an fsync. One thread owns the
write connection; callers queue jobs and block. The thread takes every job waiting, runs
each job's `fn` inside its own SAVEPOINT (a job that raises is rolled back alone), then
COMMITs the batch once: one fsync for many writes. Only after that commit does any caller
get its answer, so an acknowledged write is on disk. Jobs of a batch run one after another,
so each sees the writes of those before it, as if committed serially; if the COMMIT fails,
every job of the batch fails, so no answer rests on a batch-mate's write that was lost.
"""

from __future__ import annotations

import contextlib
import logging
import queue
import sqlite3
import threading
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path
from time import perf_counter
from typing import Any

from dynafed import metrics
from dynafed.storage.port import Committed, StorageClosedError, StorageUnavailableError
from dynafed.storage.sqlite_errors import DiskProblem, disk_problem
from dynafed.storage.sqlite_txn import SqliteWriteTxn


class _Job:
    """A queued `fn` and, once its batch is committed (or failed), its outcome."""

    __slots__ = ("done", "error", "fn", "on_done", "result", "started")

    def __init__(self, fn: Callable[[SqliteWriteTxn], Any], on_done: Committed | None) -> None:
        self.fn = fn
        self.started = perf_counter()
        self.result: Any = None
        self.error: BaseException | None = None
        self.on_done = on_done
        self.done: threading.Lock | None = None
        if on_done is None:
            # A held lock is the cheapest way to park a thread in CPython: the writer
            # releases it once the outcome is final, which wakes the caller.
            self.done = threading.Lock()
            self.done.acquire()

    def wait(self) -> Any:
        assert self.done is not None
        self.done.acquire()
        if self.error is not None:
            raise self.error
        return self.result

    def settle(self) -> None:
        metrics.STORAGE_WRITE.observe(perf_counter() - self.started)
        if self.on_done is not None:
            self.on_done(self.result, self.error)
        else:
            assert self.done is not None
            self.done.release()


_STOP = object()
log = logging.getLogger(__name__)


class GroupCommitWriter:
    """Owns `conn` and runs submitted write jobs on its own thread."""

    def __init__(
        self,
        conn: sqlite3.Connection,
        *,
        max_batch: int,
        turns: AbstractContextManager[None] | None = None,
        path: Path | None = None,
    ) -> None:
        self._conn = conn
        self._path = path
        """The database file, named in the errors a full disk causes."""
        self._max_batch = max_batch
        self._turns = turns if turns is not None else contextlib.nullcontext()
        """Held around each batch's transaction: the processes writing one file take
        turns (storage.writer_turns)."""
        self._queue: queue.SimpleQueue[_Job | object] = queue.SimpleQueue()
        self._closed = False
        self._close_lock = threading.Lock()
        self._thread = threading.Thread(target=self._run, name="dynafed-sqlite-writer", daemon=True)
        self._thread.start()

    def submit(self, fn: Callable[[SqliteWriteTxn], Any]) -> Any:
        """Run `fn` in the next batch; block until it is committed, then return its result."""
        if threading.current_thread() is self._thread:
            raise RuntimeError("storage.write called inside a write transaction")
        job = _Job(fn, None)
        self._enqueue(job)
        return job.wait()

    def submit_later(self, fn: Callable[[SqliteWriteTxn], Any], on_done: Committed) -> None:
        """Run `fn` in the next batch without waiting: `on_done` gets the outcome after the
        commit (an event loop hands it to the request that waits, with no thread parked)."""
        self._enqueue(_Job(fn, on_done))

    def _enqueue(self, job: _Job) -> None:
        with self._close_lock:
            if self._closed:
                raise StorageClosedError("storage is closed")
            self._queue.put(job)

    def close(self) -> None:
        """Commit the jobs already queued, stop the thread, close the connection."""
        with self._close_lock:
            if self._closed:
                return
            self._closed = True
            self._queue.put(_STOP)
        self._thread.join()
        try:
            self._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        except sqlite3.Error as error:
            # A full disk: the main file cannot grow. Every commit is safe in the WAL, which
            # the next start reads; stopping cleanly matters more than a short file.
            log.warning("the WAL of %s was left to the next start: %s", self._path, error)
        self._conn.close()

    def _run(self) -> None:
        stopping = False
        while not stopping:
            batch: list[_Job] = []
            first = self._queue.get()
            if first is _STOP:
                return
            assert isinstance(first, _Job)
            batch.append(first)
            while len(batch) < self._max_batch:
                try:
                    item = self._queue.get_nowait()
                except queue.Empty:
                    break
                if item is _STOP:
                    stopping = True  # close() queued nothing after _STOP
                    break
                assert isinstance(item, _Job)
                batch.append(item)
            self._commit(batch)

    def _commit(self, batch: list[_Job]) -> None:
        with self._turns:
            try:
                self._conn.execute("BEGIN IMMEDIATE")
                for job in batch:
                    self._run_job(job)
                self._conn.execute("COMMIT")
            except BaseException as exc:  # the batch's transaction failed: nothing written
                if self._conn.in_transaction:
                    self._conn.execute("ROLLBACK")
                error = self._unavailable(exc) or exc
                for job in batch:
                    job.result, job.error = None, error
        for job in batch:
            try:
                job.settle()
            except Exception:  # a callback's failure must not stop the writer
                log.exception("a write's completion callback failed")

    def _unavailable(self, error: BaseException) -> StorageUnavailableError | None:
        """A full disk as the port's temporary failure: nothing of the batch was written,
        reads go on, and writes succeed again once space is freed (no restart)."""
        if isinstance(error, sqlite3.Error) and disk_problem(error) is DiskProblem.FULL:
            where = self._path if self._path is not None else "the database"
            return StorageUnavailableError(f"cannot write {where}: {DiskProblem.FULL.value}")
        return None

    def _run_job(self, job: _Job) -> None:
        """Run one job in a savepoint; an error in `fn` undoes only this job's writes."""
        self._conn.execute("SAVEPOINT job")
        txn = SqliteWriteTxn(self._conn)
        try:
            job.result = job.fn(txn)
        except BaseException as exc:
            job.error = exc
            txn.close()
            if self._unavailable(exc) is not None:
                raise  # the disk is full: SQLite may have rolled back the whole batch
            # Raises (and so fails the batch) if SQLite already aborted the transaction.
            self._conn.execute("ROLLBACK TO job")
            self._conn.execute("RELEASE job")
            return
        txn.close()
        self._conn.execute("RELEASE job")
