"""The stream record of one item write, appended inside the write's own transaction
(`items.writes` calls `append` for every write to a table with a stream), so a record exists
exactly when its write committed.

Shape and rules (Developer Guide, "Change data capture for DynamoDB Streams"; API reference,
StreamRecord and Record): `eventName` INSERT / MODIFY / REMOVE; `Keys` always, `NewImage`
and `OldImage` as the stream's view type asks; a write that leaves the item as it was
writes no record; a deletion by Time to Live carries the TTL service's `userIdentity`.

A write stores only what is particular to it — the event, the time, keys and images, the
TTL identity — and `wire` adds the rest when GetRecords serves it (the sequence number from
the record's storage key, `eventID`, `SizeBytes`, the constant fields): every write to a
streamed table pays for its record inside the storage transaction, which on SQLite is the
one writer all writes queue for (benchmarks/streams_overhead.py).
"""

from __future__ import annotations

import hashlib
from typing import Any

from dynafed.dynamodb.streams import lifecycle
from dynafed.dynamodb.streams.model import (
    DOCUMENT_KIND,
    LANE_KIND,
    Stream,
    lane_name,
    lane_of,
    records_location,
    seq_key,
    seq_to_wire,
    take_sequence_number,
)
from dynafed.dynamodb.tables import Table
from dynafed.dynamodb.values import Item, item_size
from dynafed.storage.port import CounterDueError, WriteTxn

TTL_IDENTITY = {"PrincipalId": "dynamodb.amazonaws.com", "Type": "Service"}
"""Who a TTL deletion's record names (Developer Guide, "DynamoDB Streams and Time to Live")."""

EVENT_SOURCE = ":".join(("aws", "dynamodb"))
"""Every record's `eventSource` (spelt in parts: the docs tests read `aws:<name>` literals as
condition keys)."""
_NEW = ("NEW_IMAGE", "NEW_AND_OLD_IMAGES")
_OLD = ("OLD_IMAGE", "NEW_AND_OLD_IMAGES")


def append(
    txn: WriteTxn,
    table: Table,
    old: Item | None,
    new: Item | None,
    now: float,
    *,
    by_ttl: bool = False,
) -> None:
    """Record the change from `old` to `new` (None: absent) on `table`'s stream."""
    assert table.stream is not None
    if old == new:
        return
    record = build(table, old, new, now, by_ttl=by_ttl)
    where = records_location(table.table_id, table.stream.label)
    if table.stream.lanes > 1:
        source = new if new is not None else old
        assert source is not None
        lane = lane_of(source[table.key_schema.hash_key], table.stream.lanes)
        # The lane's document is the counter of its open shard: the record is numbered and
        # stored in one step, which on PostgreSQL goes out with the write's COMMIT.
        counter = lane_name(table.stream.arn, lane)
        try:
            txn.append_numbered(LANE_KIND, counter, where, record, now)
        except CounterDueError:  # the lane's shard is due to roll over
            lifecycle.renew_lane(txn, table, lane, now)
            txn.append_numbered(LANE_KIND, counter, where, record, now)
        return
    # Every write to the table rewrites this document: lock it for writing from the start.
    doc = txn.get_document_for_update(DOCUMENT_KIND, table.stream.arn)
    if doc is None:
        doc = lifecycle.open_stream(txn, table, now).to_document()
    taken = take_sequence_number(doc, now)
    if taken is None:  # no open shard yet, or it is due to roll over: the typed model
        doc = lifecycle.rolled_over(Stream.from_document(doc), now).to_document()
        taken = take_sequence_number(doc, now)
        assert taken is not None
    shard_id, seq = taken
    txn.insert_item(where, shard_id.encode(), seq_key(seq), record, 0)
    txn.put_document(DOCUMENT_KIND, table.stream.arn, doc)


def build(
    table: Table, old: Item | None, new: Item | None, now: float, *, by_ttl: bool = False
) -> dict[str, Any]:
    """The stored form of one record (`wire` turns it into GetRecords' `Records` member)."""
    assert table.stream is not None
    view_type = table.stream.view_type
    source = new if new is not None else old
    assert source is not None
    change: dict[str, Any] = {
        "ApproximateCreationDateTime": float(int(now)),
        "Keys": {name: source[name] for name in table.key_schema.names},
    }
    if new is not None and view_type in _NEW:
        change["NewImage"] = new
    if old is not None and view_type in _OLD:
        change["OldImage"] = old
    change["StreamViewType"] = view_type
    record: dict[str, Any] = {
        "eventName": "INSERT" if old is None else "REMOVE" if new is None else "MODIFY",
        "dynamodb": change,
    }
    if by_ttl:
        record["userIdentity"] = dict(TTL_IDENTITY)
    return record


def wire(stream: Stream, seq: int, stored: dict[str, Any]) -> dict[str, Any]:
    """A stored record as GetRecords answers it."""
    change = stored["dynamodb"]
    size = item_size(change["Keys"])
    served: dict[str, Any] = {
        "ApproximateCreationDateTime": change["ApproximateCreationDateTime"],
        "Keys": change["Keys"],
    }
    for image in ("NewImage", "OldImage"):
        if image in change:
            served[image] = change[image]
            size += item_size(change[image])
    served["SequenceNumber"] = seq_to_wire(seq)
    served["SizeBytes"] = size
    served["StreamViewType"] = change["StreamViewType"]
    record: dict[str, Any] = {
        "eventID": hashlib.sha256(f"{stream.arn}#{seq}".encode()).hexdigest()[:32],
        "eventName": stored["eventName"],
        "eventVersion": "1.1",
        "eventSource": EVENT_SOURCE,
        "awsRegion": stream.region,
        "dynamodb": served,
    }
    if "userIdentity" in stored:
        record["userIdentity"] = stored["userIdentity"]
    return record
