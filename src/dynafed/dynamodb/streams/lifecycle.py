"""How a stream begins, rolls its shards over, ends, and is trimmed.

- CreateTable or UpdateTable enabling a stream `open_stream`s it (ENABLED, one open shard);
- UpdateTable disabling it, or DeleteTable, `close_stream`s it: DISABLED, its open shard
  closed; its records stay readable for `RETENTION_SECONDS`;
- a write finds its stream's open shard `rolled_over` when the policy says so: the shard is
  closed at the last sequence number it holds and a child shard opened after it;
  `roll_over` does it on demand;
- `trim` (the background worker) deletes records older than the retention, and streams
  disabled longer than that, records and all.

Every step runs inside a write transaction that reads the stream's document by key, so
concurrent writers and sweepers on several nodes serialize on it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import replace
from itertools import islice

from dynafed.dynamodb.streams.model import (
    DISABLED,
    DOCUMENT_KIND,
    RETENTION_SECONDS,
    Shard,
    Stream,
    StreamPolicy,
    records_id,
    seq_key,
    seq_of_key,
    shard_due,
    shard_id,
)
from dynafed.dynamodb.tables import Table
from dynafed.storage.port import Storage, WriteTxn

TRIM_BATCH = 500


def open_stream(
    txn: WriteTxn, table: Table, now: float, policy: StreamPolicy | None = None
) -> Stream:
    """Store the stream `table.stream` names, ENABLED with one open shard; returns it."""
    assert table.stream is not None
    stream = Stream(
        arn=table.stream.arn,
        label=table.stream.label,
        table_name=table.name,
        table_id=table.table_id,
        key_schema=table.key_schema.names,
        view_type=table.stream.view_type,
        created_at=now,
        policy=policy or StreamPolicy(),
    )
    stream = replace(stream, shards=(_new_shard(stream, None, now),))
    txn.put_document(DOCUMENT_KIND, stream.arn, stream.to_document())
    return stream


def close_stream(txn: WriteTxn, arn: str, now: float) -> None:
    """The stream stops taking records: DISABLED, its open shard closed."""
    stored = txn.get_document(DOCUMENT_KIND, arn)
    if stored is None:
        return
    stream = Stream.from_document(stored)
    shard = stream.open_shard
    if shard is not None:
        stream = stream.with_shard(replace(shard, end=stream.next_seq - 1))
    stream = replace(stream, status=DISABLED, disabled_at=now)
    txn.put_document(DOCUMENT_KIND, arn, stream.to_document())


def rolled_over(stream: Stream, now: float, *, force: bool = False) -> Stream:
    """The stream with its open shard closed and a child opened, if the policy (or `force`)
    says so; a shard that holds no record yet is never rolled over."""
    shard = stream.open_shard
    if shard is None or shard.count == 0:
        return stream
    if not (force or shard_due(stream.policy, shard.created_at, shard.count, now)):
        return stream
    closed = stream.with_shard(replace(shard, end=stream.next_seq - 1))
    return closed.with_shard(_new_shard(stream, shard.shard_id, now))


def roll_over(txn: WriteTxn, arn: str, now: float) -> bool:
    """Roll the stream's open shard over now (if it holds records); whether it did."""
    stored = txn.get_document(DOCUMENT_KIND, arn)
    if stored is None:
        return False
    stream = Stream.from_document(stored)
    rolled = rolled_over(stream, now, force=True)
    if rolled == stream:
        return False
    txn.put_document(DOCUMENT_KIND, arn, rolled.to_document())
    return True


def _new_shard(stream: Stream, parent: str | None, now: float) -> Shard:
    suffix = hashlib.sha256(f"{stream.arn}#{stream.next_seq}".encode()).hexdigest()[:8]
    return Shard(shard_id(now, suffix), parent, now, stream.next_seq)


# --- the 24-hour trim ---------------------------------------------------------------------


def trim(storage: Storage, now: float, stopping: Callable[[], bool] = lambda: False) -> int:
    """Delete what is past retention in every stream; returns the records deleted."""
    with storage.read() as view:
        arns = [name for name, _ in view.list_documents(DOCUMENT_KIND)]
    deleted = 0
    for arn in arns:
        if stopping():
            break
        deleted += _trim_stream(storage, arn, now)
    return deleted


def _trim_stream(storage: Storage, arn: str, now: float) -> int:
    deleted = 0
    while True:
        batch = storage.write(lambda txn: _trim_batch(txn, arn, now))
        deleted += batch
        if batch < TRIM_BATCH:
            return deleted


def _trim_batch(txn: WriteTxn, arn: str, now: float) -> int:
    stored = txn.get_document(DOCUMENT_KIND, arn)
    if stored is None:
        return 0
    stream = Stream.from_document(stored)
    cutoff = now - RETENTION_SECONDS
    if stream.disabled_at is not None and stream.disabled_at < cutoff:
        txn.delete_table_items(records_id(stream))
        txn.delete_document(DOCUMENT_KIND, arn)
        return 0
    deleted = 0
    kept: list[Shard] = []
    for shard in stream.shards:
        trimmed, count = _trim_shard(txn, stream, shard, cutoff, TRIM_BATCH - deleted)
        deleted += count
        if not _expired(trimmed, cutoff):
            kept.append(trimmed)
    updated = replace(stream, shards=tuple(kept))
    if updated != stream:
        txn.put_document(DOCUMENT_KIND, arn, updated.to_document())
    return deleted


def _trim_shard(
    txn: WriteTxn, stream: Stream, shard: Shard, cutoff: float, budget: int
) -> tuple[Shard, int]:
    where = records_id(stream)
    pk = shard.shard_id.encode()
    horizon = shard.horizon
    deleted = 0
    rows = txn.query(where, pk, exclusive_start_sk=seq_key(horizon - 1))
    for row in islice(rows, budget):
        if row.item["dynamodb"]["ApproximateCreationDateTime"] >= cutoff:
            break
        txn.delete_item(where, pk, row.sk)
        horizon = seq_of_key(row.sk) + 1
        deleted += 1
    if horizon == shard.horizon:
        return shard, 0
    return replace(shard, trimmed_to=horizon), deleted


def _expired(shard: Shard, cutoff: float) -> bool:
    """A closed shard whose every record was trimmed and that closed before the cutoff
    leaves the lineage (its child's `ParentShardId` then names a shard no longer listed,
    as on AWS)."""
    return shard.end is not None and shard.horizon > shard.end and shard.created_at < cutoff
