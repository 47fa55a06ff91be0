"""ReadView and WriteTxn as SQL over one PostgreSQL connection (autocommit mode).

Round trips: statements that need no answer before the next one go out together with it in
one round trip: a transaction's BEGIN and a key's lock go out with the read that follows them
(the read is still its own statement, so under READ COMMITTED its snapshot is taken after the
lock is granted), and a write transaction's writes wait in `PgWriteTxn` until its next read
or its COMMIT, which carries them. A PutItem's transaction is three round trips (table
document, old item, writes + COMMIT) instead of seven. Statements are prepared on their
connection, and several go together in libpq's pipeline mode (`postgres_statements.send`).
Stats deltas are insert-only rows written by the same statement as the item, so a
transaction never waits on a shared stats row.

Isolation of `write(fn)` (see docs/decisions/postgres-write-isolation.md):
- `locks`: READ COMMITTED; before a key is read or written the transaction takes
  `pg_advisory_xact_lock(hash(key))`, which also covers keys with no row yet. The next
  statement then sees every commit made before the lock was granted. A document read takes
  the lock in shared mode (writing it upgrades to exclusive): every item write reads its
  table's document, and an exclusive lock there would let one transaction at a time write
  to a table, across all nodes. A lock that could close a deadlock cycle waits at most
  `LATER_LOCK_TIMEOUT`, then the storage retries `fn` (see `PgWriteTxn._lock`).
- `serializable`: SERIALIZABLE, no locks; PostgreSQL aborts one side of a conflict and the
  storage retries `fn`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Collection, Iterator
from typing import Any, Literal

import orjson
import psycopg
from psycopg import errors
from psycopg.pq import TransactionStatus

from dynafed.storage.bounds import sort_key_bounds, sql_conditions
from dynafed.storage.port import (
    WHOLE_PARTITION,
    CounterDueError,
    Document,
    DocumentChangedError,
    Item,
    KeyRange,
    StorageUnavailableError,
    StoredItem,
    TableStats,
)
from dynafed.storage.postgres_schema import COUNTER_DUE, DOCUMENT_CHANGED
from dynafed.storage.postgres_statements import Rows, Statement, send
from dynafed.storage.postgres_timeouts import DatabaseTimeout, DeadlineConnection

Isolation = Literal["locks", "serializable"]
Conn = DeadlineConnection

RETRYABLE = (errors.SerializationFailure, errors.DeadlockDetected, errors.LockNotAvailable)

LATER_LOCK_TIMEOUT = "50ms"
"""How long a transaction that already holds a key lock waits for another one.

Only such a transaction can be part of a deadlock; PostgreSQL would detect it only after
`deadlock_timeout` (1 s by default). Giving up sooner and running `fn` again turns a
deadlock into a short retry; the first lock waits as long as it takes, so a hot key under
many single-key writers never times out."""

_FIRST_PAGE = 32
_MAX_PAGE = 1024

_GET_ITEM = "SELECT item::text FROM items WHERE table_id = %s AND pk = %s AND sk = %s"
_SCAN = "SELECT pk, sk, item::text, size FROM items WHERE table_id = %s"
_STATS = (
    "SELECT coalesce(sum(item_count), 0), coalesce(sum(size_bytes), 0)"
    " FROM table_stats WHERE table_id = %s"
)
_GET_DOCUMENT = "SELECT body::text FROM documents WHERE kind = %s AND name = %s"
_GET_ITEM_AND_DOCUMENT = f"SELECT ({_GET_ITEM}), ({_GET_DOCUMENT})"
_LIST_DOCUMENTS = "SELECT name, body::text FROM documents WHERE kind = %s ORDER BY name"

_LOCK = "SELECT pg_advisory_xact_lock(%s)"
_LATER_LOCK_TIMEOUT = f"SET LOCAL lock_timeout = '{LATER_LOCK_TIMEOUT}'"
_NO_LOCK_TIMEOUT = "SET LOCAL lock_timeout = 0"
_SHARED_LOCK = "SELECT pg_advisory_xact_lock_shared(%s)"
# Each write adds its stats delta in the same statement. `old` is the row as it was before
# this statement's upsert.
_PUT_ITEM = """
    WITH old AS (SELECT size FROM items WHERE table_id = %(t)s AND pk = %(pk)s AND sk = %(sk)s),
    put AS (
        INSERT INTO items (table_id, pk, sk, size, item)
        VALUES (%(t)s, %(pk)s, %(sk)s, %(size)s, %(item)s::json)
        ON CONFLICT (table_id, pk, sk) DO UPDATE SET size = excluded.size, item = excluded.item
    )
    INSERT INTO table_stats (table_id, item_count, size_bytes)
    SELECT %(t)s, 1 - count(*), %(size)s - coalesce(sum(size), 0) FROM old
    HAVING count(*) = 0 OR %(size)s <> sum(size)
"""
_INSERT_ITEM = """
    WITH put AS (
        INSERT INTO items (table_id, pk, sk, size, item)
        VALUES (%(t)s, %(pk)s, %(sk)s, %(size)s, %(item)s::json)
    )
    INSERT INTO table_stats (table_id, item_count, size_bytes) VALUES (%(t)s, 1, %(size)s)
"""
# `append_numbered` in one statement, which needs no answer before the transaction's next
# round trip, so it waits there like any write (a stream's record adds no round trip, and
# its lane's lock is taken only then, held by PostgreSQL alone until COMMIT): the counter
# document advances in place and the item goes under the number it gave out, uncounted in
# table_stats. A counter that is missing or due numbers nothing: `counter_due()` then fails
# the statement, and with it the transaction (postgres_schema.py); the storage runs `fn`
# again, whose `append_numbered` to that counter runs `_APPEND_NUMBERED_NOW` at once and
# raises CounterDueError if it numbered nothing, for the caller to renew the counter.
_APPEND_NUMBERED_INTO = """
    WITH counter AS (
        UPDATE documents
        SET body = (body::jsonb || jsonb_build_object(
            'next', (body->>'next')::bigint + (body->>'step')::bigint,
            'count', (body->>'count')::bigint + 1
        ))::json
        WHERE kind = %(k)s AND name = %(n)s AND body->>'until' IS NOT NULL
            AND ((body->>'count')::bigint = 0 OR (
                %(now)s < (body->>'until')::float8
                AND (body->>'limit' IS NULL OR (body->>'count')::bigint < (body->>'limit')::bigint)
            ))
        RETURNING body->>'partition' AS partition,
            (body->>'next')::bigint - (body->>'step')::bigint AS number
    )
    INSERT INTO items (table_id, pk, sk, size, item)
"""
_APPEND_NUMBERED = (
    _APPEND_NUMBERED_INTO
    + """
    SELECT %(t)s, coalesce(convert_to(partition, 'UTF8'), counter_due(%(k)s, %(n)s)),
        int8send(number), 0, %(item)s::json
    FROM (VALUES (1)) AS one LEFT JOIN counter ON true
"""
)
_APPEND_NUMBERED_NOW = (
    _APPEND_NUMBERED_INTO
    + """
    SELECT %(t)s, convert_to(partition, 'UTF8'), int8send(number), 0, %(item)s::json
    FROM counter
"""
)
_DELETE_ITEM = """
    WITH gone AS (
        DELETE FROM items WHERE table_id = %(t)s AND pk = %(pk)s AND sk = %(sk)s RETURNING size
    )
    INSERT INTO table_stats (table_id, item_count, size_bytes) SELECT %(t)s, -1, -size FROM gone
"""
_DELETE_TABLE_ITEMS = "DELETE FROM items WHERE table_id = %s"
_DELETE_TABLE_STATS = "DELETE FROM table_stats WHERE table_id = %s"
_PUT_DOCUMENT = """
    INSERT INTO documents (kind, name, body) VALUES (%s, %s, %s::json)
    ON CONFLICT (kind, name) DO UPDATE SET body = excluded.body
"""
_DELETE_DOCUMENT = "DELETE FROM documents WHERE kind = %s AND name = %s"
_EXPECT_DOCUMENT = "SELECT expect_document(%s, %s, %s)"
_COMPACT_STATS = """
    WITH gone AS (DELETE FROM table_stats WHERE table_id = %(t)s RETURNING item_count, size_bytes)
    INSERT INTO table_stats (table_id, item_count, size_bytes)
    SELECT %(t)s, sum(item_count), sum(size_bytes) FROM gone HAVING count(*) > 0
"""

ReplaceBroken = Callable[[Conn], Conn]
"""Gives back a connection found broken and returns a working one."""

COMMITTED_WRITES = "committed_writes"
"""The table where each write transaction records its write id, in the same transaction
(postgres_schema.py): after a lost COMMIT, the id's presence says whether it committed."""
_RECORD_WRITE = "INSERT INTO committed_writes (id) VALUES (%s)"
_COMMIT = "COMMIT"


class CommitInDoubt(Exception):
    """The connection was lost while COMMIT was on its way: the transaction may or may not
    have committed. `backend` is the (pid, backend_start) of the server process it ran on."""

    def __init__(self, backend: tuple[int, Any] | None) -> None:
        super().__init__("connection lost during COMMIT")
        self.backend = backend


class PgView:
    """A `ReadView`. With `begin`, its statements run in a transaction that begins just
    before the first of them; without, each statement autocommits on its own.

    With `replace_broken`, a connection found broken (its server restarted or failed over
    while the connection sat idle in the pool, or an administrator ended its session) is
    swapped for a working one and the statements run again, if nothing that ran on it
    matters: no statement had run yet, or the view has no transaction (each statement
    stands alone). A connection that breaks inside a transaction is recorded in `lost` and
    raised as `StorageUnavailableError`; the storage decides whether to run the whole
    transaction again. A connection whose server stopped answering (`DatabaseTimeout`) is
    never retried here: the next connection would most likely wait just as long."""

    def __init__(
        self, conn: Conn, begin: str | None, replace_broken: ReplaceBroken | None = None
    ) -> None:
        self.conn = conn
        """The connection in use; the owner gives this one back to the pool."""
        self._begin: str | None = begin  # sent with the first statement
        self._standalone = begin is None
        self._replace_broken = replace_broken
        self._ran_any = False
        self._open = True
        self.started = False
        """True once BEGIN has been sent: the connection is in a transaction to end."""
        self.conflict: psycopg.Error | None = None
        """A serialization failure or deadlock seen here, even if `fn` swallowed it."""
        self.lost: psycopg.OperationalError | None = None
        """The connection failure or database timeout seen here, even if `fn` swallowed it."""
        self.counter_due: psycopg.Error | None = None
        """A counter found due by a deferred `append_numbered`, even if `fn` swallowed it."""
        self.lost_connection = False
        """Whether `lost` broke a connection that answered until then (not a timeout): the
        transaction never reached COMMIT, so running it again is safe and likely to work."""
        self._given_back = False

    def close(self) -> None:
        self._open = False

    def give_back(self, putconn: Callable[[Conn], None]) -> None:
        """Return the connection in use to its pool (once)."""
        if not self._given_back:
            self._given_back = True
            putconn(self.conn)

    def _run(self, *statements: Statement) -> Rows:
        """Execute `statements` in order (BEGIN first if the transaction has not started);
        the last one's cursor."""
        if not self._open:
            raise RuntimeError("storage view used after its block ended")
        batch = self._unsent_writes() + list(statements)
        if self._begin is not None:
            batch.insert(0, (self._begin, None))
            self._begin = None
            self.started = True
        try:
            cursor = self._execute(batch)
        except RETRYABLE as exc:
            self.conflict = exc
            raise
        except psycopg.OperationalError as exc:
            self.lost = exc
            self.lost_connection = self.conn.closed and not isinstance(exc, DatabaseTimeout)
            raise StorageUnavailableError(f"PostgreSQL: {exc}") from exc
        except psycopg.Error as exc:
            if exc.sqlstate == COUNTER_DUE:  # a write queued before this read
                self.counter_due = exc
            if exc.sqlstate == DOCUMENT_CHANGED:  # an `expect_document` queued likewise
                raise DocumentChangedError(exc.diag.message_primary) from exc
            raise
        self._ran_any = True
        return cursor

    def _unsent_writes(self) -> list[Statement]:
        return []  # a read view writes nothing

    def _execute(self, batch: list[Statement]) -> Rows:
        try:
            return send(self.conn, batch)
        except psycopg.OperationalError as exc:
            if not self._may_run_again(exc):
                raise
        assert self._replace_broken is not None
        self._given_back = True  # replace_broken returns it, and may fail to lend another
        self.conn = self._replace_broken(self.conn)
        self._given_back = False
        return send(self.conn, batch)

    def _may_run_again(self, error: psycopg.OperationalError) -> bool:
        if self._replace_broken is None or isinstance(error, DatabaseTimeout):
            return False
        return self.conn.broken and (self._standalone or not self._ran_any)

    def _item_key_lock(self, table_id: str, pk: bytes, sk: bytes) -> list[Statement]:
        return []  # plain reads take no locks

    def _document_lock(self, kind: str, name: str, *, exclusive: bool) -> list[Statement]:
        return []

    def get_item(self, table_id: str, pk: bytes, sk: bytes) -> Item | None:
        locks = self._item_key_lock(table_id, pk, sk)
        row = self._run(*locks, (_GET_ITEM, (table_id, pk, sk))).fetchone()
        return None if row is None else _load(row[0])

    def query(
        self,
        table_id: str,
        pk: bytes,
        key_range: KeyRange = WHOLE_PARTITION,
        *,
        forward: bool = True,
        exclusive_start_sk: bytes | None = None,
    ) -> Iterator[StoredItem]:
        """Keyset pages of growing size: a Query that stops early reads little."""
        return self._pages(table_id, pk, key_range, forward, exclusive_start_sk, _FIRST_PAGE)

    def query_and_document(
        self,
        table_id: str,
        pk: bytes,
        key_range: KeyRange,
        *,
        forward: bool,
        exclusive_start_sk: bytes | None,
        kind: str,
        name: str,
    ) -> tuple[Iterator[StoredItem], bytes | None]:
        """The document and the query's first page in one statement."""
        read = rows_and_document(
            table_id, pk, key_range, forward, exclusive_start_sk, _FIRST_PAGE, kind, name
        )
        locks = self._document_lock(kind, name, exclusive=False)
        found = self._run(*locks, read).fetchall()
        first, document = rows_and_document_found(found)
        return self._pages_after(table_id, pk, key_range, forward, first), document

    def _pages_after(
        self,
        table_id: str,
        pk: bytes,
        key_range: KeyRange,
        forward: bool,
        first: list[tuple[bytes, str, int]],
    ) -> Iterator[StoredItem]:
        """The rows of a first page already read, then the pages after it."""
        for sk, item, item_size in first:
            yield StoredItem(pk, sk, _load(item), item_size)
        if len(first) == _FIRST_PAGE:
            size = min(_FIRST_PAGE * 2, _MAX_PAGE)
            yield from self._pages(table_id, pk, key_range, forward, first[-1][0], size)

    def _pages(
        self,
        table_id: str,
        pk: bytes,
        key_range: KeyRange,
        forward: bool,
        start: bytes | None,
        size: int,
    ) -> Iterator[StoredItem]:
        while True:
            bounds = sort_key_bounds(key_range, forward=forward, exclusive_start_sk=start)
            sql = (
                "SELECT sk, item::text, size FROM items WHERE table_id = %s AND pk = %s"
                + sql_conditions(bounds, "%s")
                + (" ORDER BY sk" if forward else " ORDER BY sk DESC")
                + " LIMIT %s"
            )
            params = (table_id, pk, *(value for _, value in bounds), size)
            rows = self._run((sql, params)).fetchall()
            for sk, item, item_size in rows:
                yield StoredItem(pk, sk, _load(item), item_size)
            if len(rows) < size:
                return
            start, size = rows[-1][0], min(size * 2, _MAX_PAGE)

    def scan(
        self, table_id: str, *, exclusive_start: tuple[bytes, bytes] | None = None
    ) -> Iterator[StoredItem]:
        start = exclusive_start
        size = _FIRST_PAGE
        while True:
            params: tuple[Any, ...]
            if start is None:
                sql, params = _SCAN + " ORDER BY pk, sk LIMIT %s", (table_id, size)
            else:
                sql = _SCAN + " AND (pk, sk) > (%s, %s) ORDER BY pk, sk LIMIT %s"
                params = (table_id, *start, size)
            rows = self._run((sql, params)).fetchall()
            for pk, sk, item, item_size in rows:
                yield StoredItem(pk, sk, _load(item), item_size)
            if len(rows) < size:
                return
            start, size = (rows[-1][0], rows[-1][1]), min(size * 2, _MAX_PAGE)

    def table_stats(self, table_id: str) -> TableStats:
        row = self._run((_STATS, (table_id,))).fetchone()
        assert row is not None
        return TableStats(int(row[0]), int(row[1]))

    def get_document(self, kind: str, name: str) -> Document | None:
        text = self._document_text(kind, name)
        return None if text is None else _load(text)

    def get_document_bytes(self, kind: str, name: str) -> bytes | None:
        text = self._document_text(kind, name)
        return None if text is None else text.encode()

    def _document_text(self, kind: str, name: str) -> str | None:
        locks = self._document_lock(kind, name, exclusive=False)
        row = self._run(*locks, (_GET_DOCUMENT, (kind, name))).fetchone()
        return None if row is None else str(row[0])

    def get_item_and_document(
        self, table_id: str, pk: bytes, sk: bytes, kind: str, name: str
    ) -> tuple[Item | None, bytes | None]:
        locks = (
            *self._document_lock(kind, name, exclusive=False),
            *self._item_key_lock(table_id, pk, sk),
        )
        read = item_and_document(table_id, pk, sk, kind, name)
        return item_and_document_found(self._run(*locks, read).fetchone())

    def list_documents(self, kind: str) -> list[tuple[str, Document]]:
        rows = self._run((_LIST_DOCUMENTS, (kind,))).fetchall()
        return [(name, _load(body)) for name, body in rows]


class PgWriteTxn(PgView):
    """A `WriteTxn`; `touched` names the tables whose items it wrote."""

    def __init__(
        self,
        conn: Conn,
        isolation: Isolation,
        replace_broken: ReplaceBroken | None = None,
        renew: Collection[tuple[str, str]] = (),
    ) -> None:
        """`renew`: the counters (kind, name) that a previous run of the same `fn` found due:
        `append_numbered` to them runs at once and raises CounterDueError there, where the
        caller can renew the counter, if it numbered nothing."""
        super().__init__(conn, begin_statement(isolation), replace_broken)
        self._locking = isolation == "locks"
        self._locked: dict[int, bool] = {}
        """Lock id -> held exclusively (False: shared)."""
        self._later_locks_time_out = False
        self._writes: list[Statement] = []
        """Writes not sent yet: they go out with the next read, or with COMMIT."""
        self.touched: set[str] = set()
        self._renew = frozenset(renew)
        self.appended: set[tuple[str, str]] = set()
        """The counters of the `append_numbered` calls sent (or to be sent) to the database."""

    # --- locks ---------------------------------------------------------------------------

    def _lock(
        self, key: bytes, *, exclusive: bool, item: bool, queue: bool = False
    ) -> list[Statement]:
        """The statements that take the lock on `key` (none if held). `queue`: wait for it
        as long as it takes, even if it could close a deadlock cycle (a hot counter's
        document, `get_document_for_update`): its holder's own later waits time out, so a
        cycle through it ends within `LATER_LOCK_TIMEOUT` unless every member waits for
        such a counter (two counters taken in opposite orders), which PostgreSQL's deadlock
        detector ends after `deadlock_timeout`. Under a 50 ms limit, writers queueing for
        a stream's counter behind a dozen others gave up, backed off and ran again."""
        if not self._locking:
            return []
        lock_id = _lock_id(key)
        held = self._locked.get(lock_id)
        if held is not None and (held or not exclusive):
            return []
        lock: Statement = (_LOCK if exclusive else _SHARED_LOCK, (lock_id,))
        statements: list[Statement] = []
        if queue:
            if self._later_locks_time_out:  # wait unbounded for this one, then restore
                statements = [(_NO_LOCK_TIMEOUT, None), lock, (_LATER_LOCK_TIMEOUT, None)]
            else:
                statements = [lock]
        else:
            if self._may_deadlock(item) and not self._later_locks_time_out:
                statements.append((_LATER_LOCK_TIMEOUT, None))
                self._later_locks_time_out = True
            statements.append(lock)
        self._locked[lock_id] = exclusive
        return statements

    def _may_deadlock(self, item: bool) -> bool:
        """Whether waiting for this lock could be part of a deadlock cycle.

        Not when the transaction holds no lock (nobody waits for it). Not for an item lock
        while it holds only shared (document) locks either: an item lock is only ever held
        exclusively, so it waits for a transaction that holds an exclusive lock, and every
        such transaction's own waits time out. That is the common write (its table's
        document shared, then its item), so a hot item under many single-item writers
        never times out. Everything else may be in a cycle (an upgrade from shared, a
        second item), so it times out."""
        if not self._locked:
            return False
        return not item or any(self._locked.values())

    def _item_key_lock(self, table_id: str, pk: bytes, sk: bytes) -> list[Statement]:
        return self._lock(_item_lock_key(table_id, pk, sk), exclusive=True, item=True)

    def _document_lock(self, kind: str, name: str, *, exclusive: bool) -> list[Statement]:
        return self._lock(_document_lock_key(kind, name), exclusive=exclusive, item=False)

    # --- writes --------------------------------------------------------------------------

    def _write(self, *statements: Statement) -> None:
        """Queue `statements`: a write's answer is never needed before the next statement, and
        an error in it aborts the transaction whenever it is reported (at the next read or at
        COMMIT, raised from there; `conflict` and `lost` record it as for any statement)."""
        if not self._open:
            raise RuntimeError("storage view used after its block ended")
        self._writes.extend(statements)

    def _unsent_writes(self) -> list[Statement]:
        writes, self._writes = self._writes, []
        return writes

    def put_item(self, table_id: str, pk: bytes, sk: bytes, item: Item, size: int) -> None:
        params = {"t": table_id, "pk": pk, "sk": sk, "size": size, "item": _dump(item)}
        self._write(*self._item_key_lock(table_id, pk, sk), (_PUT_ITEM, params))
        self.touched.add(table_id)

    def insert_item(self, table_id: str, pk: bytes, sk: bytes, item: Item, size: int) -> None:
        if not self._locking:
            # SERIALIZABLE: the caller's "nothing is there" rests on a snapshot that a
            # concurrent transaction may have outdated; a plain INSERT would then fail with
            # a unique violation, not the serialization failure the storage retries.
            self.put_item(table_id, pk, sk, item, size)
            return
        # No key lock: the lock guards a read-then-write of a key that may be absent, and
        # under `locks` the caller's own locks vouch that nothing is there.
        params = {"t": table_id, "pk": pk, "sk": sk, "size": size, "item": _dump(item)}
        self._write((_INSERT_ITEM, params))
        self.touched.add(table_id)

    def delete_item(self, table_id: str, pk: bytes, sk: bytes) -> None:
        params = {"t": table_id, "pk": pk, "sk": sk}
        self._write(*self._item_key_lock(table_id, pk, sk), (_DELETE_ITEM, params))
        self.touched.add(table_id)

    def delete_table_items(self, table_id: str) -> None:
        self._write((_DELETE_TABLE_ITEMS, (table_id,)), (_DELETE_TABLE_STATS, (table_id,)))

    def append_numbered(self, kind: str, name: str, table_id: str, item: Item, now: float) -> None:
        counter = (kind, name)
        # The counter's lock as for `get_document_for_update`: a transaction renewing the
        # counter reads it, then writes it, under this lock.
        locks = self._lock(_document_lock_key(kind, name), exclusive=True, item=False, queue=True)
        params = {"k": kind, "n": name, "now": now, "t": table_id, "item": _dump(item)}
        if counter in self._renew:
            if self._run(*locks, (_APPEND_NUMBERED_NOW, params)).rowcount == 0:
                raise CounterDueError(kind, name)
            return
        self._write(*locks, (_APPEND_NUMBERED, params))
        self.appended.add(counter)

    def expect_document(self, kind: str, name: str, stored: bytes) -> None:
        locks = self._document_lock(kind, name, exclusive=False)
        self._write(*locks, (_EXPECT_DOCUMENT, (kind, name, stored.decode())))

    def get_document_for_update(self, kind: str, name: str) -> Document | None:
        key = _document_lock_key(kind, name)
        locks = self._lock(key, exclusive=True, item=False, queue=True)
        row = self._run(*locks, (_GET_DOCUMENT, (kind, name))).fetchone()
        return None if row is None else _load(str(row[0]))

    def put_document(self, kind: str, name: str, document: Document) -> None:
        locks = self._document_lock(kind, name, exclusive=True)
        self._write(*locks, (_PUT_DOCUMENT, (kind, name, _dump(document))))

    def delete_document(self, kind: str, name: str) -> None:
        locks = self._document_lock(kind, name, exclusive=True)
        self._write(*locks, (_DELETE_DOCUMENT, (kind, name)))

    # --- end -----------------------------------------------------------------------------

    def commit(self, write_id: str) -> None:
        """Commit, recording `write_id` (letters, digits and dashes) in `committed_writes` in
        the same transaction, in one round trip with the writes not sent yet. Raises
        `CommitInDoubt` if the connection is lost on the way."""
        batch = self._unsent_writes()
        self.close()
        if not self.started and not batch:  # fn never touched the database
            return
        if self._begin is not None:
            batch.insert(0, (self._begin, None))
            self._begin = None
            self.started = True
        batch += commit_statements(write_id)
        try:
            cursor = send(self.conn, batch)
        except RETRYABLE as exc:  # SERIALIZABLE checks at commit too, and a queued write
            self.conflict = exc
            raise
        except psycopg.OperationalError as exc:
            # Only a server that is still there and says the transaction failed (e.g. a
            # queued write hit statement_timeout, so COMMIT did not run) proves that nothing
            # committed. A connection that went away may have taken COMMIT's answer with it,
            # and psycopg can report the loss before it marks the connection closed.
            if self.conn.info.transaction_status != TransactionStatus.INERROR:
                raise CommitInDoubt(self.conn.backend) from exc
            self.lost = exc
            raise StorageUnavailableError(f"PostgreSQL: {exc}") from exc
        except psycopg.Error as exc:
            if exc.sqlstate == COUNTER_DUE:  # a queued `append_numbered`
                self.counter_due = exc
            if exc.sqlstate == DOCUMENT_CHANGED:  # a queued `expect_document`
                raise DocumentChangedError(exc.diag.message_primary) from exc
            raise
        if cursor.statusmessage != "COMMIT":
            # COMMIT of a transaction an error aborted answers ROLLBACK, without an error.
            raise RuntimeError("the write transaction was rolled back after an error")

    def rollback(self) -> None:
        self.close()
        self._writes = []
        if self.started and not self.conn.closed:
            self.conn.execute("ROLLBACK")


def begin_statement(isolation: Isolation) -> str:
    """How a write transaction begins, in `isolation`."""
    level = "SERIALIZABLE" if isolation == "serializable" else "READ COMMITTED"
    return f"BEGIN ISOLATION LEVEL {level}"


def commit_statements(write_id: str) -> list[Statement]:
    """How a write transaction ends: `write_id` recorded (for a lost COMMIT), then COMMIT."""
    return [(_RECORD_WRITE, (write_id,)), (_COMMIT, None)]


LATER_LOCKS_TIME_OUT: Statement = (_LATER_LOCK_TIMEOUT, None)
"""From here on in the transaction, a lock not had within `LATER_LOCK_TIMEOUT` fails it."""


def item_and_document(table_id: str, pk: bytes, sk: bytes, kind: str, name: str) -> Statement:
    """An item and a document in one statement (two scalar subqueries: always one row)."""
    return _GET_ITEM_AND_DOCUMENT, (table_id, pk, sk, kind, name)


def item_and_document_found(row: tuple[Any, ...] | None) -> tuple[Item | None, bytes | None]:
    """The item and the document, from the answer of `item_and_document`."""
    assert row is not None
    item, document = row
    return (None if item is None else _load(item)), (
        None if document is None else str(document).encode()
    )


def rows_and_document(
    table_id: str,
    pk: bytes,
    key_range: KeyRange,
    forward: bool,
    exclusive_start_sk: bytes | None,
    limit: int,
    kind: str,
    name: str,
) -> Statement:
    """A document and the first `limit` rows of a query in one statement (a UNION ALL: the
    document's row first, then the rows numbered in read order)."""
    bounds = sort_key_bounds(key_range, forward=forward, exclusive_start_sk=exclusive_start_sk)
    order = " ORDER BY sk" if forward else " ORDER BY sk DESC"
    sql = (
        "SELECT 0, 0::bigint, NULL::bytea, body::text, NULL::bigint FROM documents"
        " WHERE kind = %s AND name = %s"
        " UNION ALL"
        f" SELECT 1, row_number() OVER ({order.strip()}), sk, item, size FROM"
        " (SELECT sk, item::text AS item, size FROM items WHERE table_id = %s AND pk = %s"
        + sql_conditions(bounds, "%s")
        + order
        + " LIMIT %s) page ORDER BY 1, 2"
    )
    return sql, (kind, name, table_id, pk, *(value for _, value in bounds), limit)


def rows_and_document_found(
    found: list[tuple[Any, ...]],
) -> tuple[list[tuple[bytes, str, int]], bytes | None]:
    """(sort key, item as JSON, size) of each row and the document, from the answer of
    `rows_and_document`."""
    document = next((str(row[3]).encode() for row in found if row[0] == 0), None)
    return [(row[2], row[3], row[4]) for row in found if row[0] == 1], document


def compact_stats(conn: Conn, table_id: str) -> None:
    """Fold a table's stats deltas into one row (own transaction; concurrent-safe)."""
    conn.execute(_COMPACT_STATS, {"t": table_id})


def _item_lock_key(table_id: str, pk: bytes, sk: bytes) -> bytes:
    return b"\x00" + orjson.dumps(table_id) + len(pk).to_bytes(4, "big") + pk + sk


def _document_lock_key(kind: str, name: str) -> bytes:
    return b"\x01" + orjson.dumps([kind, name])


def _lock_id(key: bytes) -> int:
    return int.from_bytes(hashlib.blake2b(key, digest_size=8).digest(), "big", signed=True)


def _dump(value: dict[str, Any]) -> str:
    return orjson.dumps(value).decode()


def _load(text: str) -> dict[str, Any]:
    value = orjson.loads(text)
    assert isinstance(value, dict)
    return value
