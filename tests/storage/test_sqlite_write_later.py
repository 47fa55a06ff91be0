"""`SqliteStorage.write_later`: the non-blocking write the event loop uses. Its outcome is
reported only after the batch holding it is committed, exactly like a blocking write."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from dynafed.storage.port import WriteTxn
from dynafed.storage.sqlite import SqliteStorage

T = "t"


class Outcome:
    def __init__(self) -> None:
        self.done = threading.Event()
        self.result: Any = None
        self.error: BaseException | None = None
        self.visible_to_another_connection: bool | None = None

    def __call__(self, result: Any, error: BaseException | None) -> None:
        self.result, self.error = result, error
        self.done.set()


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "dynafed.sqlite3"


@pytest.fixture
def storage(db_path: Path) -> Iterator[SqliteStorage]:
    opened = SqliteStorage(db_path)
    yield opened
    opened.close()


def test_the_outcome_comes_after_the_commit(storage: SqliteStorage, db_path: Path) -> None:
    outcome = Outcome()

    def on_done(result: Any, error: BaseException | None) -> None:
        # A separate connection sees the write already: it was committed before this call.
        conn = sqlite3.connect(db_path)
        row = conn.execute("SELECT count(*) FROM items WHERE table_id = ?", (T,)).fetchone()
        conn.close()
        outcome.visible_to_another_connection = row == (1,)
        outcome(result, error)

    def put(txn: WriteTxn) -> str:
        txn.put_item(T, b"p", b"s", {"a": {"S": "1"}}, 12)
        return "written"

    storage.write_later(put, on_done)
    assert outcome.done.wait(10)
    assert (outcome.result, outcome.error) == ("written", None)
    assert outcome.visible_to_another_connection


def test_a_failing_write_reports_its_error_and_writes_nothing(storage: SqliteStorage) -> None:
    outcome = Outcome()

    def fail(txn: WriteTxn) -> None:
        txn.put_item(T, b"p", b"s", {"a": {"S": "1"}}, 12)
        raise ValueError("condition failed")

    storage.write_later(fail, outcome)
    assert outcome.done.wait(10)
    assert isinstance(outcome.error, ValueError)
    with storage.read() as view:
        assert view.get_item(T, b"p", b"s") is None


def test_a_failing_callback_does_not_stop_the_writer(storage: SqliteStorage) -> None:
    def broken(result: Any, error: BaseException | None) -> None:
        raise RuntimeError("the caller's bug")

    storage.write_later(lambda txn: txn.put_item(T, b"a", b"", {"k": {"S": "a"}}, 4), broken)
    storage.write(lambda txn: txn.put_item(T, b"b", b"", {"k": {"S": "b"}}, 4))
    with storage.read() as view:
        assert view.get_item(T, b"a", b"") == {"k": {"S": "a"}}
        assert view.get_item(T, b"b", b"") == {"k": {"S": "b"}}


def _put_key(key: bytes) -> Callable[[WriteTxn], None]:
    return lambda txn: txn.put_item(T, key, b"", {}, 1)


def test_queued_writes_are_committed_by_close(db_path: Path) -> None:
    storage = SqliteStorage(db_path)
    outcomes = [Outcome() for _ in range(20)]
    for n, outcome in enumerate(outcomes):
        storage.write_later(_put_key(str(n).encode()), outcome)
    storage.close()
    assert all(outcome.done.is_set() and outcome.error is None for outcome in outcomes)
    reopened = SqliteStorage(db_path)
    with reopened.read() as view:
        assert view.table_stats(T).item_count == 20
    reopened.close()
