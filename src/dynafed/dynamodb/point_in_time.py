"""Point-in-time recovery: a table's state at any second of its recovery window.

While a table has point-in-time recovery on (`Table.point_in_time`), two namespaces under
its id keep what a restore needs:
- `<table_id>/pitr-base`: the table's items as of the window's start: a copy taken in the
  transaction that switched recovery on, later moved forward by `fold`.
- `<table_id>/pitr-log`: every write since, in one partition, ordered by the time of the
  write (microseconds, big-endian) and then the item's key; the entry holds the item's new
  value, or none for a deletion. `items.writes` appends it in the write's own transaction,
  so the log has every acknowledged write and nothing that was not committed.

The state at time T is the base with every logged write at or before T applied in order.
`fold` (the background worker, with the TTL sweep) applies the writes older than the window
to the base and drops them, so the log holds only the window.
"""

from __future__ import annotations

import struct
from collections.abc import Iterator
from dataclasses import replace
from functools import partial
from typing import Any

from dynafed.core.clock import Clock
from dynafed.dynamodb.tables import DOCUMENT_KIND, PointInTimeRecovery, Table
from dynafed.dynamodb.values import Item
from dynafed.storage.port import KeyRange, ReadView, Storage, WriteTxn

SECONDS_PER_DAY = 86400
DEFAULT_PERIOD_DAYS = 35
_LOG_PARTITION = b"log"
_FOLD_BATCH = 500


def base_id(table: Table) -> str:
    return f"{table.table_id}/pitr-base"


def log_id(table: Table) -> str:
    return f"{table.table_id}/pitr-log"


def _micros(at: float) -> bytes:
    return struct.pack(">Q", max(0, int(at * 1_000_000)))


def earliest(table: Table, now: float) -> float:
    """The earliest time a restore may ask for: since recovery was switched on, within the
    recovery period."""
    assert table.point_in_time is not None
    recovery = table.point_in_time
    return max(recovery.enabled_at, now - recovery.period_days * SECONDS_PER_DAY)


def description(table: Table, now: float) -> dict[str, Any]:
    """`ContinuousBackupsDescription`. Continuous backups are always on, as on AWS; the latest
    restorable time is now: every acknowledged write is already logged (AWS says about five
    minutes ago)."""
    recovery: dict[str, Any] = {"PointInTimeRecoveryStatus": "DISABLED"}
    if table.point_in_time is not None:
        recovery = {
            "PointInTimeRecoveryStatus": "ENABLED",
            "RecoveryPeriodInDays": table.point_in_time.period_days,
            "EarliestRestorableDateTime": round(earliest(table, now), 3),
            "LatestRestorableDateTime": round(now, 3),
        }
    return {
        "ContinuousBackupsStatus": "ENABLED",
        "PointInTimeRecoveryDescription": recovery,
    }


def switched_on(txn: WriteTxn, table: Table, now: float, period_days: int) -> Table:
    """`table` with recovery on for `period_days`; the base taken now if it was off."""
    if table.point_in_time is not None:
        return replace(table, point_in_time=replace(table.point_in_time, period_days=period_days))
    for row in txn.scan(table.table_id):
        txn.put_item(base_id(table), row.pk, row.sk, row.item, row.size or 0)
    return replace(table, point_in_time=PointInTimeRecovery(now, period_days))


def switched_off(txn: WriteTxn, table: Table) -> Table:
    drop(txn, table)
    return replace(table, point_in_time=None)


def drop(txn: WriteTxn, table: Table) -> None:
    """Forget the table's recovery data (recovery switched off, table deleted)."""
    txn.delete_table_items(base_id(table))
    txn.delete_table_items(log_id(table))


def record(txn: WriteTxn, table: Table, pk: bytes, sk: bytes, new: Item | None, now: float) -> None:
    """Log a write of the item at `(pk, sk)` (`new` None: its deletion) made at `now`."""
    position = _micros(now) + struct.pack(">H", len(pk)) + pk + sk
    entry = {"k": [pk.hex(), sk.hex()], "v": new}
    txn.put_item(log_id(table), _LOG_PARTITION, position, entry, 0)


def state_at(view: ReadView, table: Table, at: float) -> Iterator[tuple[bytes, bytes, Item]]:
    """Every item of `table` as it was at time `at` (`at` within the window), as
    `(pk, sk, item)`. Use inside the read or write block of `view`."""
    changes: dict[tuple[bytes, bytes], Item | None] = {}
    until = KeyRange(high=_micros(at + 0.000001), high_inclusive=False)
    for row in view.query(log_id(table), _LOG_PARTITION, until):
        pk_hex, sk_hex = row.item["k"]
        changes[(bytes.fromhex(pk_hex), bytes.fromhex(sk_hex))] = row.item["v"]
    for row in view.scan(base_id(table)):
        if (row.pk, row.sk) not in changes:
            yield row.pk, row.sk, row.item
    for (pk, sk), item in changes.items():
        if item is not None:
            yield pk, sk, item


def fold(storage: Storage, clock: Clock, stopping: object = None) -> None:
    """Move every table's base forward to the start of its window (background work)."""
    with storage.read() as view:
        keys = [key for key, doc in view.list_documents(DOCUMENT_KIND) if doc.get("point_in_time")]
    for key in keys:
        while storage.write(partial(_fold_batch, key=key, now=clock.now())):
            if callable(stopping) and stopping():
                return


def _fold_batch(txn: WriteTxn, *, key: str, now: float) -> bool:
    """Fold up to a batch of expired log entries of one table; whether more may remain."""
    doc = txn.get_document(DOCUMENT_KIND, key)
    if doc is None:
        return False
    table = Table.from_document(doc)
    if table.point_in_time is None:
        return False
    horizon = now - table.point_in_time.period_days * SECONDS_PER_DAY
    expired = KeyRange(high=_micros(horizon), high_inclusive=False)
    for folded, row in enumerate(list(txn.query(log_id(table), _LOG_PARTITION, expired)), 1):
        pk_hex, sk_hex = row.item["k"]
        pk, sk = bytes.fromhex(pk_hex), bytes.fromhex(sk_hex)
        if row.item["v"] is None:
            txn.delete_item(base_id(table), pk, sk)
        else:
            txn.put_item(base_id(table), pk, sk, row.item["v"], 0)
        txn.delete_item(log_id(table), _LOG_PARTITION, row.sk)
        if folded >= _FOLD_BATCH:
            return True
    return False
