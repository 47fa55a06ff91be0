"""PostgreSQL storage: the server backend that several dynafed nodes can share.

- A `psycopg_pool.ConnectionPool` of autocommit connections whose `search_path` is the
  dynafed schema; the schema is created or migrated when the storage opens.
- `read()` lends a connection whose statements autocommit (a GetItem is one round trip);
  `read(snapshot=True)` wraps them in a REPEATABLE READ, READ ONLY transaction.
- `write(fn)` runs `fn` in a transaction on the calling thread (PostgreSQL does its own group
  commit across connections), isolated by advisory key locks or by SERIALIZABLE (see
  `postgres_txn.py`), and runs `fn` again after a serialization failure or a deadlock.
"""

from __future__ import annotations

import random
import threading
import time
from collections import Counter
from collections.abc import Callable
from contextlib import suppress
from typing import Any, TypeVar

import psycopg
from psycopg_pool import ConnectionPool, PoolClosed

from dynafed.storage.port import (
    ReadView,
    StorageClosedError,
    WriteConflictError,
    WriteLater,
    WriteTxn,
)
from dynafed.storage.postgres_schema import check_schema_name, migrate
from dynafed.storage.postgres_txn import (
    Conn,
    Isolation,
    PgView,
    PgWriteTxn,
    compact_stats,
)

T = TypeVar("T")

DEFAULT_SCHEMA = "dynafed"
COMPACT_EVERY = 64
"""A table's stats delta rows are folded into one after every this many commits writing it
(counted per process), so summing them for DescribeTable stays cheap."""
_SNAPSHOT = "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"


class _ReadContext:
    def __init__(self, storage: PostgresStorage, *, snapshot: bool) -> None:
        self._storage = storage
        self._begin = _SNAPSHOT if snapshot else None
        self._view: PgView | None = None

    def __enter__(self) -> ReadView:
        self._view = PgView(self._storage.getconn(), self._begin, self._storage.replace_broken)
        return self._view

    def __exit__(self, *exc: object) -> None:
        assert self._view is not None
        self._view.close()
        try:
            if self._view.started:
                self._view.conn.execute("COMMIT")
        finally:
            self._storage.putconn(self._view.conn)


class PostgresStorage:
    """Storage in schema `schema` of the database at `conninfo`."""

    def __init__(
        self,
        conninfo: str,
        *,
        schema: str = DEFAULT_SCHEMA,
        isolation: Isolation = "locks",
        min_size: int = 2,
        max_size: int = 16,
        max_attempts: int = 50,
        connect_timeout: float = 30.0,
    ) -> None:
        self.schema = check_schema_name(schema)
        self.isolation: Isolation = isolation
        self._max_attempts = max_attempts
        self._closed = False
        self._in_write = threading.local()
        self._commits_per_table: Counter[str] = Counter()
        self._counter_lock = threading.Lock()
        with psycopg.connect(conninfo, autocommit=True) as conn:
            migrate(conn, schema, isolation)
        self._pool = ConnectionPool(
            conninfo,
            min_size=min_size,
            max_size=max_size,
            kwargs={"autocommit": True},
            configure=self._configure,
            name=f"dynafed-{schema}",
            open=False,
        )
        self._pool.open(wait=True, timeout=connect_timeout)

    def _configure(self, conn: Conn) -> None:
        conn.execute(f'SET search_path TO "{self.schema}"')

    # --- connections ---------------------------------------------------------------------

    def getconn(self) -> Conn:
        if self._closed:
            raise StorageClosedError("storage is closed")
        try:
            conn: Conn = self._pool.getconn()
        except PoolClosed:
            raise StorageClosedError("storage is closed") from None
        return conn

    def putconn(self, conn: Conn) -> None:
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
    write_later: WriteLater | None = None

    def read(self, *, snapshot: bool = False) -> _ReadContext:
        """Without `snapshot` each statement runs on its own (autocommit, one round trip);
        with it the view is a REPEATABLE READ, READ ONLY transaction."""
        return _ReadContext(self, snapshot=snapshot)

    def write(self, fn: Callable[[WriteTxn], T]) -> T:
        if getattr(self._in_write, "active", False):
            raise RuntimeError("storage.write called inside a write transaction")
        self._in_write.active = True
        try:
            for attempt in range(1, self._max_attempts + 1):
                done, result = self._attempt(fn)
                if done:
                    return result  # type: ignore[no-any-return]
                time.sleep(random.uniform(0, min(0.05, 0.001 * 2**attempt)))
        finally:
            self._in_write.active = False
        raise WriteConflictError(f"gave up after {self._max_attempts} conflicting attempts")

    def _attempt(self, fn: Callable[[WriteTxn], Any]) -> tuple[bool, Any]:
        """(True, fn's result) once committed; (False, None) after a conflict to retry."""
        txn = PgWriteTxn(self.getconn(), self.isolation, self.replace_broken)
        try:
            try:
                result = fn(txn)
                if txn.conflict is not None:  # fn swallowed it; the transaction is dead
                    raise txn.conflict
                txn.commit()
            except BaseException:
                _rollback_quietly(txn)
                if txn.conflict is not None:
                    return False, None
                raise
            for table_id in self._due_for_compaction(txn.touched):
                _compact_quietly(txn.conn, table_id)
            return True, result
        finally:
            self.putconn(txn.conn)

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
        self._pool.close()


def _rollback_quietly(txn: PgWriteTxn) -> None:
    # Fails only on a broken connection, whose transaction the server has already dropped.
    with suppress(psycopg.Error):
        txn.rollback()


def _compact_quietly(conn: Conn, table_id: str) -> None:
    # Only an optimisation: if it fails, a later commit compacts again.
    with suppress(psycopg.Error):
        compact_stats(conn, table_id)
