"""Time to Live: deleting items whose TTL attribute says they have expired.

An item has expired when its table has TTL enabled and the item's TTL attribute is a Number
of epoch seconds less than the current time; other types, and timestamps more than five
years in the past, are ignored ("Time to Live (TTL)", DynamoDB Developer Guide). Deletion is
a background job, so an expired item stays visible to reads until a sweep removes it, as on
DynamoDB.

A sweep reads each TTL table's expiry index (`expiry_index`) up to now, so it costs what
expires, not the size of the table. Each deletion re-checks the item inside its write
transaction and goes through the index-maintaining write path, so secondary indexes, the
expiry index and item collections follow. Switching TTL on schedules a build of the expiry
index for the items already there (a storage document, resumed by any node); switching it
off drops the index. A sweep also forgets expired TransactWriteItems client request tokens.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import Decimal, InvalidOperation
from functools import partial
from itertools import islice

from dynafed.core.clock import FixedClock
from dynafed.dynamodb import expiry_index, idempotency
from dynafed.dynamodb.context import find_table
from dynafed.dynamodb.items import writes as item_writes
from dynafed.dynamodb.tables import DOCUMENT_KIND as TABLE_KIND
from dynafed.dynamodb.tables import Table
from dynafed.dynamodb.values import AttributeValue
from dynafed.storage.port import Storage, WriteTxn

BUILD_KIND = "ttl_index_build"
BATCH = 100
"""Items examined (built) or expired entries handled (swept) per write transaction."""

Stopping = Callable[[], bool]


def _never() -> bool:
    return False


def is_expired(item: Mapping[str, AttributeValue], attribute: str, now: float) -> bool:
    value = item.get(attribute)
    if value is None or "N" not in value:
        return False
    try:
        expires = Decimal(value["N"])
    except InvalidOperation:
        return False
    current = Decimal(str(now))
    return expires < current and current - expires <= expiry_index.FIVE_YEARS_SECONDS


# --- switching TTL on and off (inside UpdateTimeToLive's write) -----------------------------


def switched(txn: WriteTxn, table: Table) -> None:
    """`table` is the table with its new TTL setting: build or drop its expiry index."""
    txn.delete_table_items(expiry_index.storage_id(table))
    if expiry_index.attribute(table) is None:
        txn.delete_document(BUILD_KIND, table.key)
        return
    txn.put_document(BUILD_KIND, table.key, {"table_id": table.table_id, "after": None})


def build_pending(storage: Storage, stopping: Stopping = _never) -> int:
    """Build the scheduled expiry indexes; returns how many were completed."""
    with storage.read() as view:
        names = [name for name, _ in view.list_documents(BUILD_KIND)]
    finished = 0
    for name in names:
        while True:
            done = storage.write(partial(_build_step, table_key=name))
            finished += done
            if done or stopping():
                break
    return finished


def _build_step(txn: WriteTxn, table_key: str) -> bool:
    job = txn.get_document(BUILD_KIND, table_key)
    table = find_table(txn, table_key)
    if job is None:
        return True
    if table is None or table.table_id != job["table_id"] or not table.time_to_live.enabled:
        txn.delete_document(BUILD_KIND, table_key)
        return True
    saved = job["after"]
    after = None if saved is None else (bytes.fromhex(saved[0]), bytes.fromhex(saved[1]))
    rows = list(islice(txn.scan(table.table_id, exclusive_start=after), BATCH))
    where = expiry_index.storage_id(table)
    for row in rows:
        item = txn.get_item(table.table_id, row.pk, row.sk)
        entry = None if item is None else expiry_index.entry_key(table, item, row.pk, row.sk)
        if entry is not None:
            txn.put_item(where, expiry_index.PARTITION, entry, {}, 0)
    if len(rows) < BATCH:
        txn.delete_document(BUILD_KIND, table_key)
        return True
    last = rows[-1]
    txn.put_document(BUILD_KIND, table_key, {**job, "after": [last.pk.hex(), last.sk.hex()]})
    return False


# --- sweeping -------------------------------------------------------------------------------


def sweep(storage: Storage, now: float, stopping: Stopping = _never) -> int:
    """Delete the expired items of every table with TTL enabled; returns how many.
    `stopping` is asked between batches: a server shutting down need not wait for a sweep."""
    deleted = 0
    for table in _tables_with_ttl(storage):
        deleted += _sweep_table(storage, table, now, stopping)
    _forget_expired_tokens(storage, now)
    return deleted


def _tables_with_ttl(storage: Storage) -> list[Table]:
    with storage.read() as view:
        return [
            table
            for key, _ in view.list_documents(TABLE_KIND)
            if (table := find_table(view, key)) is not None and table.time_to_live.enabled
        ]


def _sweep_table(storage: Storage, table: Table, now: float, stopping: Stopping) -> int:
    deleted = 0
    after: bytes | None = None
    while True:
        with storage.read() as view:
            entries = list(
                islice(
                    view.query(
                        expiry_index.storage_id(table),
                        expiry_index.PARTITION,
                        expiry_index.expired_range(now),
                        exclusive_start_sk=after,
                    ),
                    BATCH,
                )
            )
        if not entries:
            return deleted
        keys = [entry.sk for entry in entries]
        deleted += storage.write(partial(_delete, table=table, entry_keys=keys, now=now))
        if len(entries) < BATCH or stopping():
            return deleted
        after = keys[-1]


def _delete(txn: WriteTxn, table: Table, entry_keys: list[bytes], now: float) -> int:
    """Delete the items behind `entry_keys` that are still expired, if TTL is still on."""
    current = find_table(txn, table.key)
    attribute = None if current is None else expiry_index.attribute(current)
    if current is None or current.table_id != table.table_id or attribute is None:
        return 0
    deleted = 0
    clock = FixedClock(now)
    for entry_key in entry_keys:
        pk, sk = expiry_index.item_position(entry_key)
        item = txn.get_item(current.table_id, pk, sk)
        if item is not None and is_expired(item, attribute, now):
            item_writes.remove(txn, current, pk, sk, item, clock=clock, by_ttl=True)
            deleted += 1
        elif item is None or expiry_index.entry_key(current, item, pk, sk) != entry_key:
            # an entry its item no longer justifies: drop it rather than read it forever
            txn.delete_item(expiry_index.storage_id(current), expiry_index.PARTITION, entry_key)
    return deleted


def _forget_expired_tokens(storage: Storage, now: float) -> None:
    with storage.read() as view:
        expired = idempotency.expired_tokens(view, now)
    for token in expired:
        storage.write(partial(idempotency.forget_if_expired, token=token, now=now))
