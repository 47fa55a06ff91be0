"""Writes whose commit the event loop awaits, with no thread parked on it.

A write on the worker pool costs two thread hand-offs on top of the writer's own (loop →
worker → group-commit writer → worker → loop), and the pool's threads contend for the GIL
while they validate. For a write the service can split (`DeferredWrite`: everything up to
the transaction, then the transaction, then the answer), the edge runs the first part on
the loop, queues the transaction with the storage's `write_later`, and resumes when the
writer reports the commit: one hand-off each way. The answer still waits for the durable
commit, exactly as a blocking write does.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from typing import Any, Protocol

from dynafed.storage.port import WriteLater


class DeferredWrite(Protocol):
    @property
    def write(self) -> Callable[[Any], Any]: ...

    @property
    def finish(self) -> Callable[[Any], dict[str, Any]]: ...


async def committed(write_later: WriteLater, write: Callable[[Any], Any]) -> Any:
    """`write`'s result once it is committed; raises what `write` (or the commit) raised."""
    loop = asyncio.get_running_loop()
    future: asyncio.Future[Any] = loop.create_future()

    def on_done(result: Any, error: BaseException | None) -> None:  # on the writer thread
        # A closed loop (RuntimeError) means nobody waits for this answer any more.
        with contextlib.suppress(RuntimeError):
            loop.call_soon_threadsafe(_settle, future, result, error)

    write_later(write, on_done)
    return await future


def _settle(future: asyncio.Future[Any], result: Any, error: BaseException | None) -> None:
    if future.done():  # the request was cancelled meanwhile
        return
    if error is not None:
        future.set_exception(error)
    else:
        future.set_result(result)
