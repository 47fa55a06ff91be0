"""PostgreSQL storage: the server backend that several dynafed nodes can share.

- A `psycopg_pool.ConnectionPool` of autocommit connections whose `search_path` is the
  dynafed schema; the schema is created or migrated when the storage opens.
- `read()` lends a connection whose statements autocommit (a GetItem is one round trip);
  `read(snapshot=True)` wraps them in a REPEATABLE READ, READ ONLY transaction.
- `write(fn)` runs `fn` in a transaction on the calling thread (PostgreSQL does its own group
  commit across connections), isolated by advisory key locks or by SERIALIZABLE (see
  `postgres_txn.py`), and runs `fn` again after a serialization failure or a deadlock.
- No wait for the database is unbounded (`postgres_timeouts.py`): connecting, borrowing a
  connection from the pool, and every answer have a deadline; running out of one is a
  `StorageUnavailableError`, which the edge answers with a retryable 503.
- A write whose connection is lost is never answered with a guess. Lost before COMMIT was
  sent: it cannot have committed, so `fn` runs again on another connection. Lost while
  COMMIT was on its way: the storage ends the server process that ran it (so it can no
  longer commit late), then reads on a fresh connection whether the write's id reached
  `committed_writes`: committed means done, absent means `fn` runs again.
"""

from __future__ import annotations

import enum
import itertools
import logging
import random
import secrets
import threading
import time
from collections import Counter
from collections.abc import Callable
from contextlib import suppress
from time import perf_counter
from typing import Any, TypeVar

import psycopg
from psycopg_pool import ConnectionPool, PoolClosed, PoolTimeout

from dynafed import metrics
from dynafed.storage.port import (
    ReadsOnLoop,
    ReadView,
    StorageClosedError,
    StorageUnavailableError,
    WriteConflictError,
    WriteLater,
    WriteOutcomeUnknownError,
    WriteTxn,
)
from dynafed.storage.postgres_loop_reads import LoopReads
from dynafed.storage.postgres_loop_writes import LoopWrites
from dynafed.storage.postgres_schema import check_schema_name, migrate
from dynafed.storage.postgres_timeouts import (
    CLIENT_GRACE,
    CONNECTION_OPTIONS,
    DeadlineConnection,
    apply_session_settings,
    session_settings,
    with_libpq_defaults,
)
from dynafed.storage.postgres_txn import (
    CommitInDoubt,
    Conn,
    Isolation,
    PgView,
    PgWriteTxn,
    compact_stats,
)

log = logging.getLogger(__name__)

T = TypeVar("T")

COMPACT_EVERY = 64
"""A table's stats delta rows are folded into one after every this many commits writing it
(counted per process), so summing them for DescribeTable stays cheap."""
_SNAPSHOT = "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"

LOOP_READ_CONNECTIONS = 16
"""Connections the event loop keeps for its own reads (`postgres_loop_reads`), beside the
pool's: a point read holds one for a round trip, so a few keep many requests going."""

MAX_LOST_CONNECTIONS = 3
"""A write whose connection is lost this many times in a row answers unavailable."""
COMMITTED_WRITES_KEPT = "10 minutes"
"""How long a write id stays in `committed_writes`: it is only read right after a lost
COMMIT, by the request that sent it, within seconds."""
TRIM_EVERY_SECONDS = 60.0
"""How often (per process) a commit also deletes write ids older than that."""
_TRIM = (
    f"DELETE FROM committed_writes WHERE committed_at < now() - interval '{COMMITTED_WRITES_KEPT}'"
)
_BACKEND = "SELECT pid, backend_start FROM pg_stat_activity WHERE pid = pg_backend_pid()"
_END_BACKEND = (
    "SELECT pg_terminate_backend(pid, %s) FROM pg_stat_activity"
    " WHERE pid = %s AND backend_start = %s"
)
_WRITE_RECORDED = "SELECT 1 FROM committed_writes WHERE id = %s"


class _ReadContext:
    def __init__(self, storage: PostgresStorage, *, snapshot: bool) -> None:
        self._storage = storage
        self._begin = _SNAPSHOT if snapshot else None
        self._view: PgView | None = None
        self._started = 0.0

    def __enter__(self) -> ReadView:
        self._started = perf_counter()
        self._view = PgView(self._storage.getconn(), self._begin, self._storage.replace_broken)
        return self._view

    def __exit__(self, *exc: object) -> None:
        assert self._view is not None
        self._view.close()
        try:
            if self._view.started and not self._view.conn.closed:
                # Read only: what was read stands even if the COMMIT cannot be sent.
                with suppress(psycopg.Error):
                    self._view.conn.execute("COMMIT")
        finally:
            self._view.give_back(self._storage.putconn)
            metrics.STORAGE_READ.observe(perf_counter() - self._started)


class PostgresStorage:
    """Storage in schema `schema` of the database at `conninfo`."""

    def __init__(
        self,
        conninfo: str,
        *,
        schema: str,
        isolation: Isolation = "locks",
        min_size: int = 2,
        max_size: int = 16,
        max_attempts: int = 50,
        connect_timeout: float = 30.0,
        statement_timeout: float = 10.0,
        idle_in_transaction_timeout: float = 30.0,
        pool_timeout: float = 5.0,
    ) -> None:
        """`connect_timeout`: how long opening waits for the pool's first connections.
        `statement_timeout`, `idle_in_transaction_timeout` and `pool_timeout` (seconds):
        see `postgres_timeouts.py` and docs/scale-out.md."""
        self.schema = check_schema_name(schema)
        self.isolation: Isolation = isolation
        self._max_attempts = max_attempts
        self._closed = False
        self._in_write = threading.local()
        self._commits_per_table: Counter[str] = Counter()
        self._counter_lock = threading.Lock()
        self._wait_timeout = statement_timeout + CLIENT_GRACE
        self._settle_seconds = pool_timeout + self._wait_timeout
        """How long a lost COMMIT's outcome is looked for before it is declared unknown."""
        self._session_settings = (
            f'SET search_path TO "{self.schema}"; '
            + session_settings(statement_timeout, idle_in_transaction_timeout)
            + "; "
            + _BACKEND
        ).encode()
        self._write_ids = itertools.count(1)
        self._write_id_prefix = secrets.token_hex(8)
        self._next_trim = 0.0
        conninfo = with_libpq_defaults(conninfo)
        with psycopg.connect(conninfo, autocommit=True) as conn:
            migrate(conn, schema, isolation)
        self._pool = ConnectionPool(
            conninfo,
            connection_class=DeadlineConnection,
            min_size=min_size,
            max_size=max_size,
            timeout=pool_timeout,
            kwargs=CONNECTION_OPTIONS,
            configure=self._configure,
            name=f"dynafed-{schema}",
            open=False,
        )
        self._pool.open(wait=True, timeout=connect_timeout)
        self._loop_reads = LoopReads(
            conninfo,
            self._session_settings,
            size=LOOP_READ_CONNECTIONS,
            wait_timeout=self._wait_timeout,
        )
        self._loop_writes = LoopWrites(
            self._loop_reads,
            isolation,
            write=self.write,
            was_committed=self._was_committed,
            new_write_id=self._new_write_id,
            after_commit=self._housekeeping_due,
            threads=max_size,
        )

    def _configure(self, conn: Conn) -> None:
        conn.wait_timeout = self._wait_timeout
        row = apply_session_settings(conn, self._session_settings)
        conn.backend = None if row is None else (int(row[0]), row[1])

    # --- connections ---------------------------------------------------------------------

    def getconn(self) -> Conn:
        if self._closed:
            raise StorageClosedError("storage is closed")
        try:
            conn: Conn = self._pool.getconn()
        except PoolClosed:
            raise StorageClosedError("storage is closed") from None
        except PoolTimeout as error:
            raise StorageUnavailableError(f"PostgreSQL: {error}") from None
        metrics.STORAGE_CONNECTIONS_IN_USE.inc()
        return conn

    def putconn(self, conn: Conn) -> None:
        metrics.STORAGE_CONNECTIONS_IN_USE.dec()
        self._pool.putconn(conn)

    def replace_broken(self, conn: Conn) -> Conn:
        """A working connection instead of `conn`, whose server went away (a restart, a
        failover, an idle timeout). The pool's other idle connections most likely went with
        it, so they are all checked now rather than each failing one request later."""
        self.putconn(conn)  # the pool discards a broken connection
        self._pool.check()
        return self.getconn()

    # --- the port ------------------------------------------------------------------------

    local_reads = False  # a read is a network round trip

    @property
    def write_later(self) -> WriteLater:
        return self._loop_writes

    @property
    def reads_on_loop(self) -> ReadsOnLoop:
        return self._loop_reads

    def read(self, *, snapshot: bool = False) -> _ReadContext:
        """Without `snapshot` each statement runs on its own (autocommit, one round trip);
        with it the view is a REPEATABLE READ, READ ONLY transaction."""
        return _ReadContext(self, snapshot=snapshot)

    def write(self, fn: Callable[[WriteTxn], T]) -> T:
        if getattr(self._in_write, "active", False):
            raise RuntimeError("storage.write called inside a write transaction")
        self._in_write.active = True
        lost = 0
        renew: set[tuple[str, str]] = set()
        started = perf_counter()
        try:
            for attempt in range(1, self._max_attempts + 1):
                outcome, result = self._attempt(fn, renew)
                if outcome is _Outcome.DONE:
                    return result  # type: ignore[no-any-return]
                if outcome is _Outcome.RENEW:
                    renew |= result  # nobody conflicted: no back-off
                    continue
                if outcome is _Outcome.LOST:
                    lost += 1
                    if lost >= MAX_LOST_CONNECTIONS:
                        raise StorageUnavailableError(
                            f"PostgreSQL: the connection was lost {lost} times in a row"
                        )
                    continue
                time.sleep(random.uniform(0, min(0.05, 0.001 * 2**attempt)))
        finally:
            self._in_write.active = False
            metrics.STORAGE_WRITE.observe(perf_counter() - started)
        raise WriteConflictError(f"gave up after {self._max_attempts} conflicting attempts")

    def _attempt(
        self, fn: Callable[[WriteTxn], Any], renew: set[tuple[str, str]]
    ) -> tuple[_Outcome, Any]:
        """(DONE, fn's result) once committed; (CONFLICT or LOST, None): run `fn` again;
        (RENEW, counters): run `fn` again, its appends to `counters` checked at the call."""
        txn = PgWriteTxn(self.getconn(), self.isolation, self.replace_broken, renew)
        write_id = self._new_write_id()
        try:
            try:
                result = fn(txn)
                if txn.conflict is not None:  # fn swallowed it; the transaction is dead
                    raise txn.conflict
                if txn.lost is not None:  # likewise
                    raise StorageUnavailableError(f"PostgreSQL: {txn.lost}") from txn.lost
                if txn.counter_due is not None:  # likewise
                    raise txn.counter_due
                txn.commit(write_id)
            except CommitInDoubt as doubt:
                if self._was_committed(doubt, write_id):
                    return _Outcome.DONE, result
                return _Outcome.LOST, None
            except BaseException:
                _rollback_quietly(txn)
                if txn.conflict is not None:
                    return _Outcome.CONFLICT, None
                if txn.counter_due is not None:
                    # Which of the counters appended to was due is not said: renewing one
                    # that was not costs a read.
                    return _Outcome.RENEW, set(txn.appended)
                if txn.lost_connection:
                    log.info("PostgreSQL connection lost in a write transaction; running it again")
                    return _Outcome.LOST, None
                raise
            _housekeep(txn.conn, self._due_for_compaction(txn.touched), self._trim_due())
            return _Outcome.DONE, result
        finally:
            txn.give_back(self.putconn)

    def _was_committed(self, doubt: CommitInDoubt, write_id: str) -> bool:
        """Whether the transaction whose COMMIT was lost committed, asked on other
        connections until `_settle_seconds` have passed; `WriteOutcomeUnknownError` then.

        The server process that ran it is ended first (and waited for): until it has exited
        it could still receive the COMMIT and commit after the answer said it had not."""
        deadline = time.monotonic() + self._settle_seconds
        while True:
            try:
                conn = self.getconn()
                try:
                    committed = _write_recorded(conn, doubt.backend, write_id, self._wait_timeout)
                finally:
                    self.putconn(conn)
                if committed is not None:
                    outcome = "committed" if committed else "did not commit; running it again"
                    log.warning(
                        "connection lost during COMMIT of write %s: it %s", write_id, outcome
                    )
                    return committed
            except (psycopg.OperationalError, StorageUnavailableError) as error:
                if time.monotonic() >= deadline:
                    raise WriteOutcomeUnknownError(
                        f"the connection was lost during COMMIT and PostgreSQL could not be "
                        f"asked whether write {write_id} committed: {error}"
                    ) from error
            if time.monotonic() >= deadline:
                raise WriteOutcomeUnknownError(
                    f"the server process of write {write_id} could not be ended"
                )
            time.sleep(0.05)

    def _new_write_id(self) -> str:
        return f"{self._write_id_prefix}-{next(self._write_ids):x}"

    def _trim_due(self) -> bool:
        now = time.monotonic()
        if now < self._next_trim:
            return False
        self._next_trim = now + TRIM_EVERY_SECONDS
        return True

    def _housekeeping_due(self, touched: set[str]) -> Callable[[], None] | None:
        """After a commit from the event loop: the compaction and trim it makes due, as a
        job for a thread (they wait on the database), or None."""
        due = self._due_for_compaction(touched)
        trim = self._trim_due()
        if not due and not trim:
            return None

        def housekeeping() -> None:
            with suppress(StorageUnavailableError, StorageClosedError):
                conn = self.getconn()
                try:
                    _housekeep(conn, due, trim)
                finally:
                    self.putconn(conn)

        return housekeeping

    def _due_for_compaction(self, tables: set[str]) -> list[str]:
        with self._counter_lock:
            self._commits_per_table.update(tables)
            return [t for t in tables if self._commits_per_table[t] % COMPACT_EVERY == 0]

    @property
    def closed(self) -> bool:
        return self._closed

    def close(self) -> None:
        """Refuse new work; connections in use finish their transaction first."""
        self._closed = True
        self._loop_writes.close()
        self._loop_reads.close()
        self._pool.close()


class _Outcome(enum.Enum):
    DONE = "committed"
    CONFLICT = "conflict"
    LOST = "connection lost before commit"
    RENEW = "a counter was due"


def _write_recorded(
    conn: Conn, backend: tuple[int, Any] | None, write_id: str, wait_seconds: float
) -> bool | None:
    """Whether `write_id` committed, once the server process `backend` is gone; None if it
    did not exit in time (ask again)."""
    if backend is not None:
        wait_ms = max(1, round(wait_seconds * 500))  # half the client's deadline
        row = conn.execute(_END_BACKEND, (wait_ms, *backend)).fetchone()
        if row is not None and not row[0]:
            return None
    return conn.execute(_WRITE_RECORDED, (write_id,)).fetchone() is not None


def _rollback_quietly(txn: PgWriteTxn) -> None:
    # Fails only on a broken connection, whose transaction the server has already dropped.
    with suppress(psycopg.Error):
        txn.rollback()


def _housekeep(conn: Conn, tables_due: list[str], trim: bool) -> None:
    """After a commit: fold the stats of `tables_due`, and trim if `trim`."""
    for table_id in tables_due:
        _compact_quietly(conn, table_id)
    if trim:
        with suppress(psycopg.Error):  # only housekeeping: a later commit trims again
            conn.execute(_TRIM)


def _compact_quietly(conn: Conn, table_id: str) -> None:
    # Only an optimisation: if it fails, a later commit compacts again.
    with suppress(psycopg.Error):
        compact_stats(conn, table_id)
