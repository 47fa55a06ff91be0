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
from collections import deque
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import partial
from time import perf_counter
from typing import Any, cast

from psycopg import errors

from dynafed import metrics
from dynafed.storage.port import (
    Committed,
    DocumentChangedError,
    LoopReadFailed,
    WriteTxn,
)
from dynafed.storage.postgres_loop_reads import LoopReads, WriteInDoubt
from dynafed.storage.postgres_schema import DOCUMENT_CHANGED
from dynafed.storage.postgres_statements import Rows, Statement
from dynafed.storage.postgres_txn import (
    LATER_LOCKS_TIME_OUT,
    CommitInDoubt,
    Conn,
    Isolation,
    PgWriteTxn,
    begin_statement,
    commit_statements,
)

WriteFn = Callable[[WriteTxn], Any]


GROUPS_IN_FLIGHT = 4
"""Transactions of grouped writes under way at once; further writes wait for one to end."""
MAX_GROUP = 50
"""Writes in one transaction at most."""


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

    def recorded(self, fn: WriteFn, result: Any, on_done: Committed) -> _Write:
        exclusive = [lock for lock, held_exclusively in self._locked.items() if held_exclusively]
        alone = bool(self.appended) or len(exclusive) > 1 or self._later_locks_time_out
        return _Write(
            fn,
            result,
            self._unsent_writes(),
            self.touched,
            on_done,
            shares=not alone,
            lock=exclusive[0] if exclusive else 0,
        )


@dataclass(slots=True)
class _Write:
    """A write whose function ran on the loop: what it returned, and its statements."""

    fn: WriteFn
    result: Any
    statements: list[Statement]
    touched: set[str]
    on_done: Committed
    shares: bool
    """Whether it may share a transaction: at most one exclusive lock (no stream counter)."""
    lock: int
    """Its exclusive lock (0 for none): a group takes its writes' locks in this order."""


class _Queue:
    """The writes of one event loop waiting for a transaction, and its transactions under
    way."""

    def __init__(self) -> None:
        self.waiting: deque[_Write] = deque()
        self.in_flight = 0

    def next_group(self) -> list[_Write]:
        """The waiting writes that go next: the first alone if it may not share, else it and
        those after it that may, up to `MAX_GROUP`, ordered by their locks."""
        first = self.waiting.popleft()
        group = [first]
        if first.shares:
            while self.waiting and len(group) < MAX_GROUP and self.waiting[0].shares:
                group.append(self.waiting.popleft())
            group.sort(key=_by_lock)  # stable: writes of one item keep their order
        return group


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
        self._begin = begin_statement(isolation)
        self._isolation = isolation
        self._write = write
        self._was_committed = was_committed
        self._new_write_id = new_write_id
        self._after_commit = after_commit
        self._threads = ThreadPoolExecutor(threads, thread_name_prefix="dynafed-pg-write")
        self._queues: dict[asyncio.AbstractEventLoop, _Queue] = {}
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
        write = txn.recorded(fn, result, on_done)
        if not write.statements:  # fn touched nothing
            on_done(result, None)
            return
        queue = self._queues.get(loop) or self._queue_of(loop)
        queue.waiting.append(write)
        if queue.in_flight < GROUPS_IN_FLIGHT:
            self._start(loop, queue)

    def _queue_of(self, loop: asyncio.AbstractEventLoop) -> _Queue:
        """A new loop's queue (the queues of loops that have ended go)."""
        for ended in [other for other in self._queues if other.is_closed()]:
            del self._queues[ended]
        queue = self._queues[loop] = _Queue()
        return queue

    def _start(self, loop: asyncio.AbstractEventLoop, queue: _Queue) -> None:
        queue.in_flight += 1
        task = loop.create_task(self._commit(queue.next_group()))
        self._tasks.add(task)
        task.add_done_callback(partial(self._ended, loop, queue))

    def _ended(
        self, loop: asyncio.AbstractEventLoop, queue: _Queue, task: asyncio.Task[None]
    ) -> None:
        self._tasks.discard(task)
        queue.in_flight -= 1
        if queue.waiting and not loop.is_closed():
            self._start(loop, queue)

    async def _commit(self, group: list[_Write]) -> None:
        started = perf_counter()
        write_id = self._new_write_id()
        batch: list[Statement] = [(self._begin, None)]
        for place, write in enumerate(group):
            if place == 1:
                batch.append(LATER_LOCKS_TIME_OUT)
            batch += write.statements
        batch += commit_statements(write_id)
        try:
            answers, failed_at = await self._connections.transaction(batch)
        except LoopReadFailed:
            for write in group:
                self._on_thread(partial(self._write, write.fn), write.on_done)
            return
        except WriteInDoubt as doubt:
            for write in group:
                settle = partial(self._settle, write, doubt.backend, write_id)
                self._on_thread(settle, write.on_done)
            return
        except BaseException as error:  # the loop is ending
            for write in group:
                write.on_done(None, error)
            raise
        if failed_at == len(answers) and _committed(answers):
            elapsed = perf_counter() - started
            touched: set[str] = set()
            for write in group:
                metrics.STORAGE_WRITE.observe(elapsed)
                touched |= write.touched
            housekeeping = self._after_commit(touched)
            if housekeeping is not None:
                self._threads.submit(housekeeping)
            for write in group:
                write.on_done(write.result, None)
            return
        if len(group) > 1:  # nothing committed: each goes again, alone
            for write in group:
                await self._commit([write])
            return
        (write,) = group
        changed = _document_changed(answers[failed_at] if failed_at < len(answers) else [])
        if changed is not None:  # the request is prepared again, as from `write`
            write.on_done(None, changed)
            return
        # Nothing committed: the thread path runs it again and handles what it meets.
        self._on_thread(partial(self._write, write.fn), write.on_done)

    def _settle(self, write: _Write, backend: tuple[int, Any] | None, write_id: str) -> Any:
        """`write`'s result if the transaction whose answer was lost committed, else its
        function run again."""
        if self._was_committed(CommitInDoubt(backend), write_id):
            return write.result
        return self._write(write.fn)

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


def _by_lock(write: _Write) -> int:
    return write.lock


def _committed(answers: list[list[Any]]) -> bool:
    """Whether the batch's last statement, COMMIT, committed (after an error it answers
    ROLLBACK)."""
    status = answers[-1][-1].command_status if answers and answers[-1] else None
    return status == b"COMMIT"


def _document_changed(failed: list[Any]) -> DocumentChangedError | None:
    """The `DocumentChangedError` a failed statement's answer reports, if it is one (read as
    `PgWriteTxn.commit` reads it from the error psycopg raises)."""
    for result in failed:
        error = errors.error_from_result(result)
        if error.sqlstate == DOCUMENT_CHANGED:
            return DocumentChangedError(error.diag.message_primary)
    return None
