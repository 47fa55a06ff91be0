"""Writes committed from the event loop, on the connections it owns: PostgreSQL's `write_later`.

A write on a worker thread pays a hand-off each way, waits for a pool connection under the
pool's lock, and contends for the GIL with every other worker while its transaction goes
out; for a blind PutItem those cost more of the server's CPU than the write itself. Most
single-item writes need no answer before COMMIT: their transaction function only queues
statements (`PgWriteTxn._write`: the expected table document, the item's lock and row, a
stream record), and the whole transaction goes out in one round trip at commit. Such a
function runs here on the loop, against a transaction that records what it queues, and its
statements go out in pipeline mode on one of the loop's connections (`LoopReads`); the
request resumes when COMMIT's answer arrives.

Everything else runs as `PostgresStorage.write` runs it, on a thread of this module's own:
a function that reads (a conditional write, an update), a batch that fails for any reason
but a changed table document (nothing committed: the thread path retries conflicts, renews
counters and reports the rest), and no loop connection to be had. A batch whose answer is
lost (the connection broke or the deadline passed after it went out) is settled there too,
as the thread path settles a lost COMMIT: by its write id, once the server process that ran
it has ended.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from time import perf_counter
from typing import Any, cast

from psycopg.pq import DiagnosticField

from dynafed import metrics
from dynafed.storage.port import (
    Committed,
    DocumentChangedError,
    LoopReadFailed,
    WriteTxn,
)
from dynafed.storage.postgres_loop_reads import LoopReads, WriteInDoubt
from dynafed.storage.postgres_schema import DOCUMENT_CHANGED
from dynafed.storage.postgres_statements import Rows, Statement, succeeded
from dynafed.storage.postgres_txn import CommitInDoubt, Conn, Isolation, PgWriteTxn

log = logging.getLogger(__name__)

WriteFn = Callable[[WriteTxn], Any]


class _NeedsConnection(Exception):
    """The transaction function asked for an answer: it runs on a thread instead."""


class _RecordingTxn(PgWriteTxn):
    """A `PgWriteTxn` without a connection: it queues writes, and refuses reads."""

    def __init__(self, isolation: Isolation) -> None:
        super().__init__(cast(Conn, None), isolation)
        self.needed_connection = False

    def _run(self, *statements: Statement) -> Rows:
        self.needed_connection = True  # noted too in case the function swallows the error
        raise _NeedsConnection


class LoopWrites:
    """`write_later` for PostgreSQL: `fn` committed from the loop when it only queues
    writes, else on a thread by `write` (the storage's blocking write)."""

    def __init__(
        self,
        connections: LoopReads,
        isolation: Isolation,
        *,
        write: Callable[[WriteFn], Any],
        was_committed: Callable[[CommitInDoubt, str], bool],
        new_write_id: Callable[[], str],
        after_commit: Callable[[set[str]], Callable[[], None] | None],
        threads: int,
    ) -> None:
        self._connections = connections
        self._isolation = isolation
        self._write = write
        self._was_committed = was_committed
        self._new_write_id = new_write_id
        self._after_commit = after_commit
        self._threads = ThreadPoolExecutor(threads, thread_name_prefix="dynafed-pg-write")
        self._tasks: set[asyncio.Task[None]] = set()

    def __call__(self, fn: WriteFn, on_done: Committed) -> None:
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # not called from a loop: nothing to spare a thread for
            self._on_thread(partial(self._write, fn), on_done)
            return
        txn = _RecordingTxn(self._isolation)
        try:
            result = fn(txn)
        except _NeedsConnection:
            self._on_thread(partial(self._write, fn), on_done)
            return
        except BaseException as error:
            if txn.needed_connection:
                self._on_thread(partial(self._write, fn), on_done)
            else:
                on_done(None, error)  # what `write` would raise: fn failed before any I/O
            return
        if txn.needed_connection:
            self._on_thread(partial(self._write, fn), on_done)
            return
        write_id = self._new_write_id()
        batch = txn.statements_to_commit(write_id)
        if not batch:  # fn touched nothing
            on_done(result, None)
            return
        task = loop.create_task(self._commit(fn, result, batch, write_id, txn.touched, on_done))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _commit(
        self,
        fn: WriteFn,
        result: Any,
        batch: list[Statement],
        write_id: str,
        touched: set[str],
        on_done: Committed,
    ) -> None:
        started = perf_counter()
        try:
            answers = await self._connections.transaction(batch)
        except LoopReadFailed:
            self._on_thread(partial(self._write, fn), on_done)
            return
        except WriteInDoubt as doubt:
            self._on_thread(partial(self._settle, fn, result, doubt.backend, write_id), on_done)
            return
        except BaseException as error:  # the loop is ending, or a deadline passed
            on_done(None, error)
            return
        failed = next((group for group in answers if not succeeded(group)), None)
        if failed is None and _committed(answers):
            metrics.STORAGE_WRITE.observe(perf_counter() - started)
            housekeeping = self._after_commit(touched)
            if housekeeping is not None:
                self._threads.submit(housekeeping)
            on_done(result, None)
            return
        changed = _document_changed(failed)
        if changed is not None:  # the request is prepared again, as from `write`
            on_done(None, changed)
            return
        # Nothing committed: the thread path runs it again and handles what it meets.
        self._on_thread(partial(self._write, fn), on_done)

    def _settle(
        self, fn: WriteFn, result: Any, backend: tuple[int, Any] | None, write_id: str
    ) -> Any:
        """`result` if the batch whose answer was lost committed, else `fn` run again."""
        if self._was_committed(CommitInDoubt(backend), write_id):
            return result
        return self._write(fn)

    def _on_thread(self, job: Callable[[], Any], on_done: Committed) -> None:
        def run() -> None:
            try:
                result = job()
            except BaseException as error:
                on_done(None, error)
            else:
                on_done(result, None)

        self._threads.submit(run)

    def close(self) -> None:
        """Let the writes under way end; take no more on threads."""
        self._threads.shutdown(wait=False)


def _committed(answers: list[list[Any]]) -> bool:
    """Whether the batch's last statement, COMMIT, committed (after an error it answers
    ROLLBACK)."""
    status = answers[-1][-1].command_status if answers and answers[-1] else None
    return status == b"COMMIT"


def _document_changed(failed: list[Any] | None) -> DocumentChangedError | None:
    """The `DocumentChangedError` a failed statement's answer reports, if it is one."""
    for result in failed or ():
        if result.error_field(DiagnosticField.SQLSTATE) == DOCUMENT_CHANGED.encode():
            message = result.error_field(DiagnosticField.MESSAGE_PRIMARY) or b""
            return DocumentChangedError(message.decode(errors="replace"))
    return None
