"""Backfilling a global secondary index that UpdateTable added to a table with items.

UpdateTable stores the index with IndexStatus CREATING and schedules its backfill (a storage
document, so any node may carry it on, and a restart resumes it). From then on every write
maintains the new index (the write path reads the table inside its transaction). The
backfill walks the table in batches, each its own write transaction: it re-reads every item
by key (a by-key read no other writer can change under it) and puts the item's entry, which
is idempotent, so racing writes and repeated batches leave the index exactly right. The
position reached is saved with each batch; the last batch marks the index ACTIVE.

Items whose index key attribute has another type than its definition get no entry: DynamoDB
leaves such items out of the index rather than failing the backfill ("Detecting and
correcting index key violations", DynamoDB Developer Guide).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from functools import partial
from itertools import islice

from dynafed.dynamodb import indexes
from dynafed.dynamodb.context import find_table
from dynafed.dynamodb.tables import DOCUMENT_KIND as TABLE_KIND
from dynafed.dynamodb.tables import Index, Table
from dynafed.storage.port import Storage, WriteTxn

DOCUMENT_KIND = "index_backfill"
BATCH_SIZE = 500
CREATING = "CREATING"
ACTIVE = "ACTIVE"


def schedule(txn: WriteTxn, table: Table, index_name: str) -> None:
    """Record that `index_name` of `table` needs a backfill (inside UpdateTable's write)."""
    txn.put_document(
        DOCUMENT_KIND,
        table.key,
        {"table_id": table.table_id, "index": index_name, "after": None},
    )


def pending(storage: Storage) -> list[str]:
    """The keys of the tables with an index backfill to do."""
    with storage.read() as view:
        return [name for name, _ in view.list_documents(DOCUMENT_KIND)]


def run_pending(
    storage: Storage,
    batch_size: int = BATCH_SIZE,
    stopping: Callable[[], bool] = lambda: False,
) -> int:
    """Finish every scheduled backfill; returns how many indexes became ACTIVE. `stopping`
    is asked between batches (the saved position lets the next run carry on)."""
    finished = 0
    for table_key in pending(storage):
        step = partial(_step, table_key=table_key, batch_size=batch_size)
        while True:
            done, activated = storage.write(step)
            finished += activated
            if done or stopping():
                break
    return finished


def _step(txn: WriteTxn, table_key: str, batch_size: int) -> tuple[bool, int]:
    """One batch: (whether the backfill is over, 1 if the index just became ACTIVE)."""
    job = txn.get_document(DOCUMENT_KIND, table_key)
    if job is None:
        return True, 0
    table = find_table(txn, table_key)
    index = None if table is None else table.index(job["index"])
    if table is None or index is None or table.table_id != job["table_id"]:
        txn.delete_document(DOCUMENT_KIND, table_key)  # the table or index went away
        return True, 0
    if index.status != CREATING:
        txn.delete_document(DOCUMENT_KIND, table_key)
        return True, 0
    after = _position(job["after"])
    rows = list(islice(txn.scan(table.table_id, exclusive_start=after), batch_size))
    for row in rows:
        item = txn.get_item(table.table_id, row.pk, row.sk)
        entry = None if item is None else indexes.entry_for(table, index, item)
        if entry is not None:
            txn.put_item(
                indexes.storage_id(table, index), entry.pk, entry.sk, entry.item, entry.size
            )
    if len(rows) < batch_size:
        _activate(txn, table, index)
        txn.delete_document(DOCUMENT_KIND, table_key)
        return True, 1
    last = rows[-1]
    txn.put_document(DOCUMENT_KIND, table_key, {**job, "after": [last.pk.hex(), last.sk.hex()]})
    return False, 0


def _activate(txn: WriteTxn, table: Table, index: Index) -> None:
    active = tuple(
        replace(candidate, status=ACTIVE) if candidate.name == index.name else candidate
        for candidate in table.global_indexes
    )
    txn.put_document(TABLE_KIND, table.key, table.with_changes(global_indexes=active).to_document())


def _position(saved: list[str] | None) -> tuple[bytes, bytes] | None:
    if saved is None:
        return None
    pk, sk = saved
    return bytes.fromhex(pk), bytes.fromhex(sk)
