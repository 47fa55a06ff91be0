"""In-memory storage: the reference implementation of the port and a fast test double.

One re-entrant lock guards everything: a read view holds it for its whole `with` block (so
it is a snapshot) and `write(fn)` holds it while `fn` runs (so writes are serial). An undo
log restores the prior state when `fn` raises. Items and documents are kept as JSON bytes,
as the SQL backends keep them, so a caller mutating a returned dict changes nothing stored
and a value JSON cannot hold fails here too.
"""

from __future__ import annotations

import bisect
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TypeVar

import orjson

from dynafed.storage.bounds import sort_key_bounds, within
from dynafed.storage.port import (
    WHOLE_PARTITION,
    Document,
    Item,
    KeyRange,
    ReadsOnLoop,
    ReadView,
    StorageClosedError,
    StoredItem,
    TableStats,
    WriteLater,
    WriteTxn,
    append_numbered_apart,
    expect_document_apart,
    query_and_document_apart,
)

T = TypeVar("T")
Key = tuple[bytes, bytes]


@dataclass
class _Table:
    keys: list[Key] = field(default_factory=list)  # sorted (pk, sk)
    rows: dict[Key, tuple[bytes, int]] = field(default_factory=dict)  # JSON, size
    size_bytes: int = 0

    def put(self, key: Key, row: tuple[bytes, int]) -> None:
        old = self.rows.get(key)
        if old is None:
            bisect.insort(self.keys, key)
        else:
            self.size_bytes -= old[1]
        self.rows[key] = row
        self.size_bytes += row[1]

    def delete(self, key: Key) -> None:
        old = self.rows.pop(key, None)
        if old is not None:
            del self.keys[bisect.bisect_left(self.keys, key)]
            self.size_bytes -= old[1]


class _State:
    def __init__(self) -> None:
        self.tables: dict[str, _Table] = {}
        self.documents: dict[str, dict[str, bytes]] = {}


class _MemoryView:
    """A `ReadView` over the state; valid while `open` (the lock is held)."""

    def __init__(self, state: _State) -> None:
        self._state = state
        self.open = True

    def _check_open(self) -> None:
        if not self.open:
            raise RuntimeError("read view used after its block ended")

    def get_item(self, table_id: str, pk: bytes, sk: bytes) -> Item | None:
        self._check_open()
        table = self._state.tables.get(table_id)
        row = table.rows.get((pk, sk)) if table else None
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
        self._check_open()
        table = self._state.tables.get(table_id) or _Table()
        # pk + b"\x00" is the smallest partition key after pk.
        start = bisect.bisect_left(table.keys, (pk, b""))
        end = bisect.bisect_left(table.keys, (pk + b"\x00", b""))
        bounds = sort_key_bounds(key_range, forward=forward, exclusive_start_sk=exclusive_start_sk)
        keys = [k for k in table.keys[start:end] if within(k[1], bounds)]
        return self._rows(table, keys if forward else keys[::-1])

    def scan(
        self, table_id: str, *, exclusive_start: tuple[bytes, bytes] | None = None
    ) -> Iterator[StoredItem]:
        self._check_open()
        table = self._state.tables.get(table_id) or _Table()
        start = 0 if exclusive_start is None else bisect.bisect_right(table.keys, exclusive_start)
        return self._rows(table, table.keys[start:])

    def _rows(self, table: _Table, keys: list[Key]) -> Iterator[StoredItem]:
        for key in keys:
            self._check_open()
            row = table.rows.get(key)
            if row is not None:
                yield StoredItem(key[0], key[1], _load(row[0]), row[1])

    def table_stats(self, table_id: str) -> TableStats:
        self._check_open()
        table = self._state.tables.get(table_id) or _Table()
        return TableStats(len(table.rows), table.size_bytes)

    def get_document(self, kind: str, name: str) -> Document | None:
        body = self.get_document_bytes(kind, name)
        return None if body is None else _load(body)

    def get_document_bytes(self, kind: str, name: str) -> bytes | None:
        self._check_open()
        return self._state.documents.get(kind, {}).get(name)

    def list_documents(self, kind: str) -> list[tuple[str, Document]]:
        self._check_open()
        docs = self._state.documents.get(kind, {})
        return [(name, _load(docs[name])) for name in sorted(docs)]

    def get_item_and_document(
        self, table_id: str, pk: bytes, sk: bytes, kind: str, name: str
    ) -> tuple[Item | None, bytes | None]:
        return self.get_item(table_id, pk, sk), self.get_document_bytes(kind, name)

    # Two reads, as this backend's reads cost no round trip.
    query_and_document = query_and_document_apart


class _MemoryWriteTxn(_MemoryView):
    """A `WriteTxn`: applies changes in place and logs how to undo each of them."""

    def __init__(self, state: _State) -> None:
        super().__init__(state)
        self.undo: list[Callable[[], None]] = []

    def put_item(self, table_id: str, pk: bytes, sk: bytes, item: Item, size: int) -> None:
        self._check_open()
        row = (orjson.dumps(item), size)
        table = self._state.tables.setdefault(table_id, _Table())
        self._remember_item(table, (pk, sk))
        table.put((pk, sk), row)

    def insert_item(self, table_id: str, pk: bytes, sk: bytes, item: Item, size: int) -> None:
        self.put_item(table_id, pk, sk, item, size)

    def delete_item(self, table_id: str, pk: bytes, sk: bytes) -> None:
        self._check_open()
        table = self._state.tables.get(table_id)
        if table is not None:
            self._remember_item(table, (pk, sk))
            table.delete((pk, sk))

    def delete_table_items(self, table_id: str) -> None:
        self._check_open()
        table = self._state.tables.pop(table_id, None)
        if table is not None:
            self.undo.append(lambda: self._state.tables.__setitem__(table_id, table))

    def get_document_for_update(self, kind: str, name: str) -> Document | None:
        return self.get_document(kind, name)  # one writer at a time: every read is for update

    def expect_document(self, kind: str, name: str, stored: bytes) -> None:
        expect_document_apart(self, kind, name, stored)

    def append_numbered(self, kind: str, name: str, table_id: str, item: Item, now: float) -> None:
        append_numbered_apart(self, kind, name, table_id, item, now)

    def put_document(self, kind: str, name: str, document: Document) -> None:
        self._check_open()
        body = orjson.dumps(document)
        docs = self._state.documents.setdefault(kind, {})
        self._remember_document(docs, name)
        docs[name] = body

    def delete_document(self, kind: str, name: str) -> None:
        self._check_open()
        docs = self._state.documents.get(kind, {})
        self._remember_document(docs, name)
        docs.pop(name, None)

    def _remember_item(self, table: _Table, key: Key) -> None:
        old = table.rows.get(key)
        self.undo.append(lambda: table.delete(key) if old is None else table.put(key, old))

    def _remember_document(self, docs: dict[str, bytes], name: str) -> None:
        old = docs.get(name)

        def restore() -> None:
            if old is None:
                docs.pop(name, None)
            else:
                docs[name] = old

        self.undo.append(restore)

    def rollback(self) -> None:
        for step in reversed(self.undo):
            step()


class _ReadContext:
    def __init__(self, storage: MemoryStorage) -> None:
        self._storage = storage
        self._view: _MemoryView | None = None

    def __enter__(self) -> ReadView:
        self._storage.lock.acquire()
        self._view = _MemoryView(self._storage.state)
        return self._view

    def __exit__(self, *exc: object) -> None:
        assert self._view is not None
        self._view.open = False
        self._storage.lock.release()


class MemoryStorage:
    """Volatile storage in this process; nothing survives `close` or a restart."""

    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.state = _State()
        self._writer: int | None = None  # thread id running a write fn
        self._closed = False

    local_reads = True
    write_later: WriteLater | None = None
    reads_on_loop: ReadsOnLoop | None = None  # reads are local

    def read(self, *, snapshot: bool = False) -> _ReadContext:
        """Always a snapshot: the view holds the lock, so no write interleaves."""
        return _ReadContext(self)

    def write(self, fn: Callable[[WriteTxn], T]) -> T:
        with self.lock:
            if self._closed:
                raise StorageClosedError("storage is closed")
            if self._writer == threading.get_ident():
                raise RuntimeError("storage.write called inside a write transaction")
            txn = _MemoryWriteTxn(self.state)
            self._writer = threading.get_ident()
            try:
                return fn(txn)
            except BaseException:
                txn.rollback()
                raise
            finally:
                txn.open = False
                self._writer = None

    def close(self) -> None:
        with self.lock:
            self._closed = True


def _load(data: bytes) -> dict[str, object]:
    value = orjson.loads(data)
    assert isinstance(value, dict)
    return value
