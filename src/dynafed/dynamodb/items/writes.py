"""Writing one item inside a write transaction, keeping its table's secondary indexes and
item-collection size in step.

Every write of a DynamoDB item (PutItem, UpdateItem, DeleteItem, batches, transactions, the
TTL sweeper) goes through `store` or `remove` inside the caller's `Storage.write(fn)`, so the
base item, its index entries and its collection size commit together or not at all. Pass
the table as read inside the transaction: an index added by UpdateTable a moment earlier is
then maintained too, which is what keeps a concurrent backfill correct.

Storage layout: index entries under `indexes.storage_id(table, index)`; the size of each item
collection (tables with local indexes only) as a one-row counter per partition key under
`<table_id>/collections`; the expiry index of a table with TTL enabled (`expiry_index`).

A table with point-in-time recovery gets the write logged in the same transaction
(`point_in_time.record`). A table with a stream gets the write's stream record in the same
transaction
(`streams.records`): pass `clock`, whose time the record carries (the system clock when
omitted; read only for a table with a stream), and
`by_ttl` for deletions by Time to Live. A table without a stream pays one attribute check.
"""

from __future__ import annotations

from dynafed.core.clock import Clock, SystemClock
from dynafed.dynamodb import expiry_index, indexes, point_in_time
from dynafed.dynamodb.items.item_collections import (
    CollectionSize,
    checked_total,
    collection_key,
    tracks_collections,
)
from dynafed.dynamodb.streams import records as stream_records
from dynafed.dynamodb.tables import DOCUMENT_KIND, Table
from dynafed.dynamodb.values import Item, item_size
from dynafed.storage.port import WriteTxn

_NO_SORT_KEY = b""
_SYSTEM_CLOCK = SystemClock()


def collections_id(table: Table) -> str:
    return f"{table.table_id}/collections"


def store(
    txn: WriteTxn,
    table: Table,
    pk: bytes,
    sk: bytes,
    old: Item | None,
    new: Item,
    *,
    clock: Clock | None = None,
) -> CollectionSize | None:
    """Put `new` (replacing `old`, the item currently stored under its key, if any)."""
    collection = _resize_collection(txn, table, pk, old, new)
    txn.put_item(table.table_id, pk, sk, new, item_size(new))
    _update_entries(txn, table, old, new)
    _update_expiry(txn, table, pk, sk, old, new)
    if table.stream is not None:
        stream_records.append(txn, table, old, new, _now(clock))
    if table.point_in_time is not None:
        point_in_time.record(txn, table, pk, sk, new, _now(clock))
    return collection


def overwrites_unread(table: Table) -> bool:
    """Whether an item of `table` can be put without reading the item it replaces: nothing
    kept beside the item (index entries, collection size, expiry index, stream record)
    depends on the old one. The storage sizes the old item for the table's stats itself."""
    return (
        table.stream is None
        and not indexes.all_indexes(table)
        and not tracks_collections(table)
        and expiry_index.attribute(table) is None
    )


def overwrite(
    txn: WriteTxn,
    table: Table,
    document: bytes | None,
    pk: bytes,
    sk: bytes,
    new: Item,
    *,
    clock: Clock | None = None,
) -> None:
    """Put `new` over whatever is stored under its key, unread, if the table's stored
    document is still `document` (the one `table` was read from; `DocumentChangedError`
    otherwise): a blind PutItem, whose whole transaction is one round trip on a server
    database. `document` None: `table` is as the transaction read it (BatchWriteItem). Only
    for a table that `overwrites_unread`."""
    assert overwrites_unread(table)
    if document is not None:
        txn.expect_document(DOCUMENT_KIND, table.key, document)
    txn.put_item(table.table_id, pk, sk, new, item_size(new))
    if table.point_in_time is not None:
        point_in_time.record(txn, table, pk, sk, new, _now(clock))


def deletes_unread(table: Table) -> bool:
    """Whether an item of `table` can be deleted without reading it first: as for
    `overwrites_unread`, and no point-in-time log, which records only deletions of items
    that were there."""
    return overwrites_unread(table) and table.point_in_time is None


def delete_unread(
    txn: WriteTxn, table: Table, document: bytes | None, pk: bytes, sk: bytes
) -> None:
    """Delete whatever is stored under `(pk, sk)`, unread, if the table's stored document is
    still `document` (None: as the transaction read it), as `overwrite` puts: a blind
    DeleteItem. Only for a table that `deletes_unread`."""
    assert deletes_unread(table)
    if document is not None:
        txn.expect_document(DOCUMENT_KIND, table.key, document)
    txn.delete_item(table.table_id, pk, sk)


def remove(
    txn: WriteTxn,
    table: Table,
    pk: bytes,
    sk: bytes,
    old: Item | None,
    *,
    clock: Clock | None = None,
    by_ttl: bool = False,
) -> CollectionSize | None:
    """Delete the item stored under `(pk, sk)`; `old` is that item (None: nothing stored,
    nothing to do, and no collection to report)."""
    if old is None:
        return None
    collection = _resize_collection(txn, table, pk, old, None)
    txn.delete_item(table.table_id, pk, sk)
    _update_entries(txn, table, old, None)
    _update_expiry(txn, table, pk, sk, old, None)
    if table.stream is not None:
        stream_records.append(txn, table, old, None, _now(clock), by_ttl=by_ttl)
    if table.point_in_time is not None:
        point_in_time.record(txn, table, pk, sk, None, _now(clock))
    return collection


def _now(clock: Clock | None) -> float:
    return (clock or _SYSTEM_CLOCK).now()


def drop_all(txn: WriteTxn, table: Table) -> None:
    """Delete every index entry and collection counter of a table being deleted."""
    for index in indexes.all_indexes(table):
        txn.delete_table_items(indexes.storage_id(table, index))
    txn.delete_table_items(collections_id(table))
    txn.delete_table_items(expiry_index.storage_id(table))
    point_in_time.drop(txn, table)


def _update_entries(txn: WriteTxn, table: Table, old: Item | None, new: Item | None) -> None:
    for index in indexes.all_indexes(table):
        before = None if old is None else indexes.entry_for(table, index, old)
        after = None if new is None else indexes.entry_for(table, index, new)
        where = indexes.storage_id(table, index)
        if before is not None and (after is None or before.position != after.position):
            txn.delete_item(where, before.pk, before.sk)
        if after is not None and (before is None or before != after):
            txn.put_item(where, after.pk, after.sk, after.item, after.size)


def _update_expiry(
    txn: WriteTxn, table: Table, pk: bytes, sk: bytes, old: Item | None, new: Item | None
) -> None:
    """Keep the expiry index of a table with TTL enabled in step with the item."""
    if expiry_index.attribute(table) is None:
        return
    before = None if old is None else expiry_index.entry_key(table, old, pk, sk)
    after = None if new is None else expiry_index.entry_key(table, new, pk, sk)
    if before == after:
        return
    where = expiry_index.storage_id(table)
    if before is not None:
        txn.delete_item(where, expiry_index.PARTITION, before)
    if after is not None:
        txn.put_item(where, expiry_index.PARTITION, after, {}, 0)


def _collection_bytes(table: Table, item: Item | None) -> int:
    """What an item adds to its collection: its own size and its local-index entries."""
    if item is None:
        return 0
    total = item_size(item)
    for index in table.local_indexes:
        entry = indexes.entry_for(table, index, item)
        if entry is not None:
            total += entry.size
    return total


def _resize_collection(
    txn: WriteTxn, table: Table, pk: bytes, old: Item | None, new: Item | None
) -> CollectionSize | None:
    if not tracks_collections(table):
        return None
    key_source = new if new is not None else old
    assert key_source is not None
    current = _stored_bytes(txn, table, pk)
    delta = _collection_bytes(table, new) - _collection_bytes(table, old)
    total = checked_total(current, delta)
    where = collections_id(table)
    if total == 0:
        txn.delete_item(where, pk, _NO_SORT_KEY)
    elif delta:
        txn.put_item(where, pk, _NO_SORT_KEY, {"bytes": total}, 0)
    return CollectionSize(collection_key(table, key_source), total)


def _stored_bytes(txn: WriteTxn, table: Table, pk: bytes) -> int:
    row = txn.get_item(collections_id(table), pk, _NO_SORT_KEY)
    return 0 if row is None else int(row["bytes"])
