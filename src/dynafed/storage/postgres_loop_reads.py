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
from typing import Any

import orjson
import psycopg
from psycopg.pq.abc import PGresult

from dynafed.storage.port import (
    Item,
    KeyRange,
    LoopReadFailed,
    StorageUnavailableError,
    StoredItem,
)
from dynafed.storage.postgres_statements import Statement, bound, loaded_rows, succeeded
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


class _Expired(Exception):
    """No answer within the deadline."""


class _Connection:
    """One connection the loop owns: its socket is watched for as long as it is open, and
    at most one statement is in flight on it."""

    def __init__(self, conn: psycopg.Connection[Any], loop: asyncio.AbstractEventLoop) -> None:
        self.conn = conn
        self.pgconn = conn.pgconn
        self.pgconn.nonblocking = 1
        self.loop = loop
        self._answer: asyncio.Future[list[PGresult]] | None = None
        self._results: list[PGresult] = []
        self.prepared: dict[tuple[str, tuple[int, ...]], bytes] = {}
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

    def _on_readable(self) -> None:
        try:
            self.pgconn.consume_input()
            while not self.pgconn.is_busy():
                result = self.pgconn.get_result()
                if result is None:
                    self._settle(self._results, None)
                    return
                self._results.append(result)
        except psycopg.Error as error:
            self._settle(None, error)

    def _settle(self, results: list[PGresult] | None, error: BaseException | None) -> None:
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
            name = conn.prepared.get(key)
            if name is None:
                name = f"dynafed_loop_{len(conn.prepared)}".encode()
                await self._answer(conn, partial(pgconn.send_prepare, name, numbered, types))
                conn.prepared[key] = name
            send = partial(pgconn.send_query_prepared, name, values, formats)
            result = (await self._answer(conn, send))[-1]
        except BaseException:
            conn.close()  # its state is unknown: an answer may still be on its way
            raise
        finally:
            self._give_back(conn)
        return loaded_rows(result, conn.conn)

    async def _answer(self, conn: _Connection, send: Callable[[], None]) -> list[PGresult]:
        try:
            answer = conn.send(send)
        except psycopg.Error as error:
            raise LoopReadFailed(str(error)) from error

        def expire() -> None:
            if not answer.done():
                answer.set_exception(_Expired())

        expiry = asyncio.get_running_loop().call_later(self._wait_timeout, expire)
        try:
            results = await answer
        except _Expired:
            raise StorageUnavailableError(
                f"PostgreSQL: the database did not answer within {self._wait_timeout:g} s"
            ) from None
        except psycopg.Error as error:
            raise LoopReadFailed(str(error)) from error
        finally:
            expiry.cancel()
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
        return _Connection(conn, loop)

    def _opened_late(
        self, loop: asyncio.AbstractEventLoop, connecting: asyncio.Future[psycopg.Connection[Any]]
    ) -> None:
        if connecting.cancelled() or connecting.exception() is not None:
            self._opened -= 1
            return
        conn = connecting.result()
        if self._closed or loop.is_closed():
            conn.close()
            self._opened -= 1
            return
        self._give_back(_Connection(conn, loop))

    def _connect(self) -> psycopg.Connection[Any]:
        conn = psycopg.connect(self._conninfo, **CONNECTION_OPTIONS)
        apply_session_settings(conn, self._session_settings)
        return conn

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


def _close_opened(connecting: asyncio.Future[psycopg.Connection[Any]]) -> None:
    if not connecting.cancelled() and connecting.exception() is None:
        connecting.result().close()
