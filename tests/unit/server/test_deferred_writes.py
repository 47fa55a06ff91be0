"""The event loop awaits a write's commit without a thread parked on it."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from typing import Any

import pytest

from dynafed.server.deferred_writes import committed
from dynafed.storage.port import Committed


def writer_thread(outcome: tuple[Any, BaseException | None]) -> Any:
    """A storage whose writer reports `outcome` from its own thread, as SQLite's does."""

    def write_later(fn: Callable[[Any], Any], on_done: Committed) -> None:
        threading.Thread(target=on_done, args=outcome).start()

    return write_later


def test_the_result_arrives_on_the_loop() -> None:
    result = asyncio.run(committed(writer_thread(("old item", None)), lambda txn: None))
    assert result == "old item"


def test_the_writes_error_is_raised_to_the_request() -> None:
    with pytest.raises(KeyError, match="condition"):
        asyncio.run(committed(writer_thread((None, KeyError("condition"))), lambda txn: None))


def test_an_outcome_after_the_loop_closed_is_dropped_quietly() -> None:
    reported: list[Committed] = []

    async def abandon() -> None:
        task = asyncio.ensure_future(
            committed(lambda fn, on_done: reported.append(on_done), lambda txn: None)
        )
        await asyncio.sleep(0)
        task.cancel()

    asyncio.run(abandon())
    reported[0]("late", None)  # the loop is gone: nothing raises on the writer's thread
