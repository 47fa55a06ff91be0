"""Reads awaited on the event loop, on connections the loop owns: a GetItem's, a Query page's.

A read on a worker thread costs a hand-off each way and its share of the GIL's contention;
for a point read that is more than the read. Measured here (64 callers on one core, one
prepared point read each): 72–79 µs of CPU per read through a pool of 32 worker threads,
22–25 µs on connections the loop owns. psycopg's own asyncio driver was slower than the
threads (docs/benchmarks.md): it registers the socket with the loop for every wait and
takes asyncio locks per borrow. Here each connection is registered once, for as long as it
lives, and the loop hands connections out with no lock.

Two reads are offered, the statements of a GetItem and of a Query's page against a table as
last seen (`TablesSeen.read_with_item`, `read_with_range`), each prepared on a connection the
first time it runs there. Every failure but a timeout is `LoopReadFailed`, and the
caller reads the way it otherwise would (on a worker thread, whose storage reconnects and
retries); a read that outlives the node's deadline closes its connection and raises
`StorageUnavailableError`, as the threaded path does.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import deque
from collections.abc import Callable
from functools import partial
from typing import Any, TypeVar

import orjson
import psycopg
from psycopg.pq import ExecStatus
from psycopg.pq.abc import PGresult

from dynafed.storage.port import (
    Item,
    KeyRange,
    LoopReadFailed,
    StorageUnavailableError,
    StoredItem,
)
from dynafed.storage.postgres_statements import (
    Prepares,
    Statement,
    bound,
    first_failure,
    keep_prepared,
    loaded_rows,
    send_in_pipeline,
    succeeded,
)
from dynafed.storage.postgres_timeouts import CONNECTION_OPTIONS, apply_session_settings
from dynafed.storage.postgres_txn import (
    item_and_document,
    item_and_document_found,
    rows_and_document,
    rows_and_document_found,
)

OPEN_WAIT = 1.0
"""Seconds a read waits for a connection being opened for it (`LoopReads._open`)."""
OPEN_AGAIN_AFTER = 5.0
"""Seconds without opening connections after an open failed or stalled."""


T = TypeVar("T")

_Opened = tuple[psycopg.Connection[Any], tuple[int, Any] | None]
"""A connection just opened, and its server process's (pid, backend_start)."""


class _Expired(Exception):
    """No answer within the deadline."""


class WriteInDoubt(Exception):
    """A transaction's statements may have reached the server, and its answer did not come
    back: whether it committed is known once the server process `backend` has ended."""

    def __init__(self, backend: tuple[int, Any] | None) -> None:
        super().__init__("the connection was lost or timed out during a write")
        self.backend = backend


class _Connection:
    """One connection the loop owns: its socket is watched for as long as it is open, and
    at most one statement is in flight on it."""

    def __init__(
        self,
        conn: psycopg.Connection[Any],
        backend: tuple[int, Any] | None,
        loop: asyncio.AbstractEventLoop,
    ) -> None:
        self.conn = conn
        self.pgconn = conn.pgconn
        self.pgconn.nonblocking = 1
        self.loop = loop
        self.backend = backend
        """(pid, backend_start) of the server process: who to ask about a lost COMMIT."""
        self._answer: asyncio.Future[Any] | None = None
        self._results: list[PGresult] = []
        self._groups: list[list[PGresult]] | None = None
        """The answers of a pipeline being read, one list per command; None outside one."""
        self._preparing: Prepares = {}
        self.prepared_statements: dict[tuple[str, tuple[int, ...]], bytes] = {}
        """(SQL, parameter types) -> the name it is prepared under on this connection."""
        self.broken = False
        self._fd = self.pgconn.socket
        loop.add_reader(self._fd, self._on_readable)

    def send(self, send: Callable[[], None]) -> asyncio.Future[list[PGresult]]:
        """Send one command; its results once they have all arrived."""
        send()
        if self.pgconn.flush() != 0:  # a statement of a few hundred bytes did not fit
            raise psycopg.OperationalError("the statement could not be sent at once")
        self._answer = self.loop.create_future()
        return self._answer

    def send_pipeline(self, batch: list[Statement]) -> asyncio.Future[list[list[PGresult]]]:
        """Send `batch` in pipeline mode; the answers of its commands once all are in."""
        self.pgconn.enter_pipeline_mode()
        self._preparing = send_in_pipeline(self, batch)
        self._groups = []
        self._answer = self.loop.create_future()
        if self.pgconn.flush() != 0:  # a large item: the rest goes as the socket drains
            self.loop.add_writer(self._fd, self._on_writable)
        return self._answer

    def _on_writable(self) -> None:
        try:
            if self.pgconn.flush() == 0:
                self.loop.remove_writer(self._fd)
        except psycopg.Error as error:
            self._settle(None, error)

    def _on_readable(self) -> None:
        try:
            self.pgconn.consume_input()
            if self._groups is not None:
                self._read_pipeline(self._groups)
                return
            while not self.pgconn.is_busy():
                result = self.pgconn.get_result()
                if result is None:
                    self._settle(self._results, None)
                    return
                self._results.append(result)
        except psycopg.Error as error:
            self._settle(None, error)

    def _read_pipeline(self, groups: list[list[PGresult]]) -> None:
        pgconn = self.pgconn
        while not pgconn.is_busy():
            result = pgconn.get_result()
            if result is None:  # the end of one command's results
                groups.append(self._results)
                self._results = []
            elif result.status == ExecStatus.PIPELINE_SYNC:
                self._groups = None
                keep_prepared(self, self._preparing, groups)
                pgconn.exit_pipeline_mode()
                self._settle(groups, None)
                return
            else:
                self._results.append(result)

    def _settle(self, results: Any, error: BaseException | None) -> None:
        answer, self._answer, self._results = self._answer, None, []
        if error is not None:
            self.close()
        if answer is None or answer.done():
            return
        if error is not None:
            answer.set_exception(error)
        else:
            answer.set_result(results or [])

    def close(self) -> None:
        if not self.broken:
            self.broken = True
            self.loop.remove_reader(self._fd)
            self.loop.remove_writer(self._fd)
            self.conn.close()


class LoopReads:
    """Up to `size` connections to `conninfo`, opened on first use, each configured with
    `session_settings` (the storage's search_path and timeouts)."""

    def __init__(
        self, conninfo: str, session_settings: bytes, *, size: int, wait_timeout: float
    ) -> None:
        self._conninfo = conninfo
        self._session_settings = session_settings
        self._size = size
        self._wait_timeout = wait_timeout
        self._idle: deque[_Connection] = deque()
        self._waiting: deque[asyncio.Future[_Connection]] = deque()
        self._opened = 0
        """Connections open, or being opened, for this loop's reads."""
        self._open_after = 0.0
        """The loop's time before which no connection is opened (`_open`)."""
        self._closed = False

    async def item_and_document(
        self, table_id: str, pk: bytes, sk: bytes, kind: str, name: str
    ) -> tuple[Item | None, bytes | None]:
        found = await self._rows(item_and_document(table_id, pk, sk, kind, name))
        return item_and_document_found(found[0] if found else None)

    async def rows_and_document(
        self,
        table_id: str,
        pk: bytes,
        key_range: KeyRange,
        *,
        forward: bool,
        exclusive_start_sk: bytes | None,
        limit: int,
        kind: str,
        name: str,
    ) -> tuple[list[StoredItem], bytes | None]:
        read = rows_and_document(
            table_id, pk, key_range, forward, exclusive_start_sk, limit, kind, name
        )
        rows, document = rows_and_document_found(await self._rows(read))
        return [StoredItem(pk, sk, orjson.loads(item), size) for sk, item, size in rows], document

    async def _rows(self, statement: Statement) -> list[tuple[Any, ...]]:
        """The rows `statement` answers, prepared on the connection the first time it runs
        there."""
        sql, params = statement
        numbered, values, types, formats = bound(sql, params)
        key = (sql, tuple(types))
        conn = await self._borrow()
        pgconn = conn.pgconn
        try:
            name = conn.prepared_statements.get(key)
            if name is None:
                name = f"dynafed_loop_{len(conn.prepared_statements)}".encode()
                await self._answer(conn, partial(pgconn.send_prepare, name, numbered, types))
                conn.prepared_statements[key] = name
            send = partial(pgconn.send_query_prepared, name, values, formats)
            result = (await self._answer(conn, send))[-1]
        except BaseException:
            conn.close()  # its state is unknown: an answer may still be on its way
            raise
        finally:
            self._give_back(conn)
        return loaded_rows(result, conn.conn)

    async def transaction(self, batch: list[Statement]) -> tuple[list[list[PGresult]], int]:
        """The answers of `batch`, a whole transaction from BEGIN to COMMIT, sent in one round
        trip (one list of results per statement), and the place of the first that failed
        (`len(batch)` if none did: then the transaction has been rolled back). Raises
        `LoopReadFailed` if nothing was sent, `WriteInDoubt` if the batch may have reached
        the server but its answer did not come back in time."""
        conn = await self._borrow()
        try:
            try:
                groups = await self._within_deadline(conn.send_pipeline(batch))
            except (psycopg.Error, _Expired):
                conn.close()  # the server ends its transaction, unless it is committing
                raise WriteInDoubt(conn.backend) from None
            failed = first_failure(groups)
            if failed < len(groups):
                await self._roll_back(conn)
            return groups, failed
        except BaseException:
            conn.close()
            raise
        finally:
            self._give_back(conn)

    async def _roll_back(self, conn: _Connection) -> None:
        """End the failed transaction on `conn` (if it is still open: an error at COMMIT ended
        it, and a ROLLBACK then only warns)."""
        try:
            rollback = partial(conn.pgconn.send_query_params, b"ROLLBACK", None)
            if not succeeded(await self._within_deadline(conn.send(rollback))):
                conn.close()
        except (psycopg.Error, _Expired):
            conn.close()  # closing ends the transaction all the same

    async def _within_deadline(self, answer: asyncio.Future[T]) -> T:
        """`answer`'s result, or `_Expired` once the node's deadline has passed."""

        def expire() -> None:
            if not answer.done():
                answer.set_exception(_Expired())

        expiry = asyncio.get_running_loop().call_later(self._wait_timeout, expire)
        try:
            return await answer
        finally:
            expiry.cancel()

    async def _answer(self, conn: _Connection, send: Callable[[], None]) -> list[PGresult]:
        try:
            answer = conn.send(send)
        except psycopg.Error as error:
            raise LoopReadFailed(str(error)) from error
        try:
            results = await self._within_deadline(answer)
        except _Expired:
            raise StorageUnavailableError(
                f"PostgreSQL: the database did not answer within {self._wait_timeout:g} s"
            ) from None
        except psycopg.Error as error:
            raise LoopReadFailed(str(error)) from error
        if not succeeded(results):
            raise LoopReadFailed("the statement failed")
        return results

    async def _borrow(self) -> _Connection:
        if self._closed:
            raise LoopReadFailed("closed")
        loop = asyncio.get_running_loop()
        while self._idle:
            conn = self._idle.pop()
            if not conn.broken and conn.loop is loop:
                return conn
            conn.close()  # a connection of a loop that has ended is of no use here
            self._opened -= 1
        if self._opened < self._size:
            if loop.time() < self._open_after:
                raise LoopReadFailed("opening a connection failed or stalled a moment ago")
            self._opened += 1
            return await self._open(loop)
        waiter: asyncio.Future[_Connection] = asyncio.get_running_loop().create_future()
        self._waiting.append(waiter)
        try:
            return await waiter
        except asyncio.CancelledError:
            if waiter.done() and not waiter.cancelled() and waiter.exception() is None:
                self._give_back(waiter.result())  # handed over just as the request ended
            raise

    async def _open(self, loop: asyncio.AbstractEventLoop) -> _Connection:
        """A new connection, its place already counted in `_opened`.

        A connection that takes longer than `OPEN_WAIT` to open is left to open in the
        background (it joins the idle ones) and the read goes the ordinary way: while the
        database is unreachable, a read must not wait for a connection and then for the
        database again. After a failure or a stall, no connection is opened for
        `OPEN_AGAIN_AFTER` seconds."""
        connecting = loop.run_in_executor(None, self._connect)
        try:
            conn = await asyncio.wait_for(asyncio.shield(connecting), OPEN_WAIT)
        except TimeoutError:
            self._open_after = loop.time() + OPEN_AGAIN_AFTER
            connecting.add_done_callback(partial(self._opened_late, loop))
            raise LoopReadFailed("opening a connection stalled") from None
        except asyncio.CancelledError:  # the request went away: close what it opened
            self._opened -= 1
            connecting.add_done_callback(_close_opened)
            raise
        except psycopg.Error as error:
            self._opened -= 1
            self._open_after = loop.time() + OPEN_AGAIN_AFTER
            raise LoopReadFailed(str(error)) from error
        return _Connection(*conn, loop)

    def _opened_late(
        self, loop: asyncio.AbstractEventLoop, connecting: asyncio.Future[_Opened]
    ) -> None:
        if connecting.cancelled() or connecting.exception() is not None:
            self._opened -= 1
            return
        conn, backend = connecting.result()
        if self._closed or loop.is_closed():
            conn.close()
            self._opened -= 1
            return
        self._give_back(_Connection(conn, backend, loop))

    def _connect(self) -> _Opened:
        conn = psycopg.connect(self._conninfo, **CONNECTION_OPTIONS)
        row = apply_session_settings(conn, self._session_settings)
        return conn, None if row is None else (int(row[0]), row[1])

    def _give_back(self, conn: _Connection) -> None:
        if self._closed:
            conn.close()
        if conn.broken:
            self._opened -= 1
            if self._waiting:  # its place is free: the next in line reads another way
                waiter = self._waiting.popleft()
                if not waiter.done():
                    waiter.set_exception(LoopReadFailed("a connection was lost"))
            return
        while self._waiting:
            waiter = self._waiting.popleft()
            if not waiter.done():
                waiter.set_result(conn)
                return
        self._idle.append(conn)

    def close(self) -> None:
        """Close the idle connections; one in use closes when its read ends."""
        self._closed = True
        while self._idle:
            with contextlib.suppress(Exception):  # the loop may be closed already
                self._idle.pop().close()


def _close_opened(connecting: asyncio.Future[_Opened]) -> None:
    if not connecting.cancelled() and connecting.exception() is None:
        connecting.result()[0].close()
