"""ReadView and WriteTxn as SQL over one SQLite connection.

The caller owns the transaction around them (BEGIN for a read snapshot, the writer's
SAVEPOINT for a write job); these classes only run statements and decode rows. Cursors
opened by `query`/`scan` are closed when the view closes, so an iterator abandoned half-way
never holds a statement open past its transaction.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from typing import Any

import orjson

from dynafed.storage.bounds import sort_key_bounds, sql_conditions
from dynafed.storage.port import (
    WHOLE_PARTITION,
    Document,
    Item,
    KeyRange,
    StoredItem,
    TableStats,
    append_numbered_apart,
    expect_document_apart,
    query_and_document_apart,
)

_GET_ITEM = "SELECT item FROM items WHERE table_id = ? AND pk = ? AND sk = ?"
_SCAN = "SELECT pk, sk, item, size FROM items WHERE table_id = ?"
_SCAN_AFTER = _SCAN + " AND (pk, sk) > (?, ?)"
_STATS = "SELECT item_count, size_bytes FROM table_stats WHERE table_id = ?"
_GET_DOCUMENT = "SELECT body FROM documents WHERE kind = ? AND name = ?"
_GET_ITEM_AND_DOCUMENT = f"SELECT ({_GET_ITEM}), ({_GET_DOCUMENT})"
_LIST_DOCUMENTS = "SELECT name, body FROM documents WHERE kind = ? ORDER BY name"

_OLD_SIZE = "SELECT size FROM items WHERE table_id = ? AND pk = ? AND sk = ?"
_PUT_ITEM = "INSERT OR REPLACE INTO items (table_id, pk, sk, size, item) VALUES (?, ?, ?, ?, ?)"
_INSERT_ITEM = "INSERT INTO items (table_id, pk, sk, size, item) VALUES (?, ?, ?, ?, ?)"
_DELETE_ITEM = "DELETE FROM items WHERE table_id = ? AND pk = ? AND sk = ? RETURNING size"
_ADD_STATS = """
    INSERT INTO table_stats (table_id, item_count, size_bytes) VALUES (?, ?, ?)
    ON CONFLICT (table_id) DO UPDATE SET
        item_count = item_count + excluded.item_count,
        size_bytes = size_bytes + excluded.size_bytes
"""
_DELETE_TABLE_ITEMS = "DELETE FROM items WHERE table_id = ?"
_DELETE_TABLE_STATS = "DELETE FROM table_stats WHERE table_id = ?"
_PUT_DOCUMENT = "INSERT OR REPLACE INTO documents (kind, name, body) VALUES (?, ?, ?)"
_DELETE_DOCUMENT = "DELETE FROM documents WHERE kind = ? AND name = ?"


class SqliteView:
    """A `ReadView` running on `conn` inside a transaction its owner began."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn
        self._cursors: list[sqlite3.Cursor] = []
        self._open = True

    def close(self) -> None:
        self._open = False
        for cursor in self._cursors:
            cursor.close()
        self._cursors.clear()

    def _execute(self, sql: str, params: tuple[Any, ...]) -> sqlite3.Cursor:
        if not self._open:
            raise RuntimeError("storage view used after its block ended")
        return self._conn.execute(sql, params)

    def get_item(self, table_id: str, pk: bytes, sk: bytes) -> Item | None:
        row = self._execute(_GET_ITEM, (table_id, pk, sk)).fetchone()
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
        bounds = sort_key_bounds(key_range, forward=forward, exclusive_start_sk=exclusive_start_sk)
        sql = (
            "SELECT sk, item, size FROM items WHERE table_id = ? AND pk = ?"
            + sql_conditions(bounds, "?")
            + (" ORDER BY sk" if forward else " ORDER BY sk DESC")
        )
        cursor = self._tracked(sql, (table_id, pk, *(value for _, value in bounds)))
        loads = orjson.loads  # items are stored as JSON objects (put_item)
        return (StoredItem(pk, sk, loads(item), size) for sk, item, size in cursor)

    def scan(
        self, table_id: str, *, exclusive_start: tuple[bytes, bytes] | None = None
    ) -> Iterator[StoredItem]:
        if exclusive_start is None:
            cursor = self._tracked(_SCAN + " ORDER BY pk, sk", (table_id,))
        else:
            cursor = self._tracked(_SCAN_AFTER + " ORDER BY pk, sk", (table_id, *exclusive_start))
        loads = orjson.loads  # items are stored as JSON objects (put_item)
        return (StoredItem(pk, sk, loads(item), size) for pk, sk, item, size in cursor)

    def _tracked(self, sql: str, params: tuple[Any, ...]) -> sqlite3.Cursor:
        cursor = self._execute(sql, params)
        self._cursors.append(cursor)
        return cursor

    def table_stats(self, table_id: str) -> TableStats:
        row = self._execute(_STATS, (table_id,)).fetchone()
        return TableStats(0, 0) if row is None else TableStats(row[0], row[1])

    def get_document(self, kind: str, name: str) -> Document | None:
        row = self._execute(_GET_DOCUMENT, (kind, name)).fetchone()
        return None if row is None else _load(row[0])

    def get_document_bytes(self, kind: str, name: str) -> bytes | None:
        """The document as stored (JSON), for callers that cache what they parse from it
        by its bytes (`dynamodb.context.find_table`): no decode, no re-encode."""
        row = self._execute(_GET_DOCUMENT, (kind, name)).fetchone()
        return None if row is None else bytes(row[0])

    def list_documents(self, kind: str) -> list[tuple[str, Document]]:
        rows = self._execute(_LIST_DOCUMENTS, (kind,)).fetchall()
        return [(name, _load(body)) for name, body in rows]

    # Two reads, as this backend's reads cost no round trip.
    query_and_document = query_and_document_apart

    def get_item_and_document(
        self, table_id: str, pk: bytes, sk: bytes, kind: str, name: str
    ) -> tuple[Item | None, bytes | None]:
        row = self._execute(_GET_ITEM_AND_DOCUMENT, (table_id, pk, sk, kind, name)).fetchone()
        item, document = row
        return (None if item is None else _load(item)), (
            None if document is None else bytes(document)
        )


class SqliteWriteTxn(SqliteView):
    """A `WriteTxn`: the view plus writes, with table stats kept in the same transaction."""

    def put_item(self, table_id: str, pk: bytes, sk: bytes, item: Item, size: int) -> None:
        body = orjson.dumps(item)
        old = self._execute(_OLD_SIZE, (table_id, pk, sk)).fetchone()
        self._execute(_PUT_ITEM, (table_id, pk, sk, size, body))
        if old is None:
            self._add_stats(table_id, 1, size)
        else:
            self._add_stats(table_id, 0, size - old[0])

    def insert_item(self, table_id: str, pk: bytes, sk: bytes, item: Item, size: int) -> None:
        self._execute(_INSERT_ITEM, (table_id, pk, sk, size, orjson.dumps(item)))
        self._add_stats(table_id, 1, size)

    def delete_item(self, table_id: str, pk: bytes, sk: bytes) -> None:
        row = self._execute(_DELETE_ITEM, (table_id, pk, sk)).fetchone()
        if row is not None:
            self._add_stats(table_id, -1, -row[0])

    def delete_table_items(self, table_id: str) -> None:
        self._execute(_DELETE_TABLE_ITEMS, (table_id,))
        self._execute(_DELETE_TABLE_STATS, (table_id,))

    def get_document_for_update(self, kind: str, name: str) -> Document | None:
        return self.get_document(kind, name)  # one writer at a time: every read is for update

    def expect_document(self, kind: str, name: str, stored: bytes) -> None:
        expect_document_apart(self, kind, name, stored)

    def append_numbered(self, kind: str, name: str, table_id: str, item: Item, now: float) -> None:
        append_numbered_apart(self, kind, name, table_id, item, now)

    def put_document(self, kind: str, name: str, document: Document) -> None:
        self._execute(_PUT_DOCUMENT, (kind, name, orjson.dumps(document)))

    def delete_document(self, kind: str, name: str) -> None:
        self._execute(_DELETE_DOCUMENT, (kind, name))

    def _add_stats(self, table_id: str, count: int, size: int) -> None:
        if count or size:
            self._execute(_ADD_STATS, (table_id, count, size))


def _load(data: bytes) -> dict[str, Any]:
    value = orjson.loads(data)
    assert isinstance(value, dict)
    return value
