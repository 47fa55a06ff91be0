"""The stream record of one item write, appended inside the write's own transaction
(`items.writes` calls `append` for every write to a table with a stream), so a record exists
exactly when its write committed.

Shape and rules (Developer Guide, "Change data capture for DynamoDB Streams"; API reference,
StreamRecord and Record): `eventName` INSERT / MODIFY / REMOVE; `Keys` always, `NewImage`
and `OldImage` as the stream's view type asks; a write that leaves the item as it was
writes no record; a deletion by Time to Live carries the TTL service's `userIdentity`.
"""

from __future__ import annotations

import hashlib
from dataclasses import replace
from typing import Any

from dynafed.dynamodb.streams import lifecycle
from dynafed.dynamodb.streams.model import (
    DOCUMENT_KIND,
    Stream,
    records_id,
    seq_key,
    seq_to_wire,
)
from dynafed.dynamodb.tables import Table
from dynafed.dynamodb.values import Item, item_size
from dynafed.storage.port import WriteTxn

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
    # Every write to the table rewrites this document: lock it for writing from the start.
    stored = txn.get_document_for_update(DOCUMENT_KIND, table.stream.arn)
    stream = (
        lifecycle.open_stream(txn, table, now) if stored is None else Stream.from_document(stored)
    )
    stream = lifecycle.rolled_over(stream, now)
    shard = stream.open_shard
    assert shard is not None
    seq = stream.next_seq
    record = build(stream, old, new, seq, now, by_ttl=by_ttl)
    txn.put_item(records_id(stream), shard.shard_id.encode(), seq_key(seq), record, 0)
    stream = replace(stream.with_shard(replace(shard, count=shard.count + 1)), next_seq=seq + 1)
    txn.put_document(DOCUMENT_KIND, stream.arn, stream.to_document())


def build(
    stream: Stream,
    old: Item | None,
    new: Item | None,
    seq: int,
    now: float,
    *,
    by_ttl: bool = False,
) -> dict[str, Any]:
    """The wire form of one record (GetRecords' `Records` member)."""
    source = new if new is not None else old
    assert source is not None
    keys = {name: source[name] for name in stream.key_schema}
    change: dict[str, Any] = {"ApproximateCreationDateTime": float(int(now)), "Keys": keys}
    size = item_size(keys)
    if new is not None and stream.view_type in _NEW:
        change["NewImage"] = new
        size += item_size(new)
    if old is not None and stream.view_type in _OLD:
        change["OldImage"] = old
        size += item_size(old)
    change["SequenceNumber"] = seq_to_wire(seq)
    change["SizeBytes"] = size
    change["StreamViewType"] = stream.view_type
    record: dict[str, Any] = {
        "eventID": hashlib.sha256(f"{stream.arn}#{seq}".encode()).hexdigest()[:32],
        "eventName": "INSERT" if old is None else "REMOVE" if new is None else "MODIFY",
        "eventVersion": "1.1",
        "eventSource": EVENT_SOURCE,
        "awsRegion": stream.region,
        "dynamodb": change,
    }
    if by_ttl:
        record["userIdentity"] = dict(TTL_IDENTITY)
    return record
