"""How a stream begins, rolls its shards over, ends, and is trimmed.

- CreateTable or UpdateTable enabling a stream `open_stream`s it (ENABLED, one open shard);
- UpdateTable disabling it, or DeleteTable, `close_stream`s it: DISABLED, its open shard
  closed; its records stay readable for `RETENTION_SECONDS`;
- a write finds its stream's open shard `rolled_over` when the policy says so: the shard is
  closed at the last sequence number it holds and a child shard opened after it;
  `roll_over` does it on demand; in a stream of several lanes each lane rolls its own shard
  over (`renew_lane`, when a write's `append_numbered` finds the lane's counter due);
- `trim` (the background worker) deletes records older than the retention, and streams
  disabled longer than that, records and all.

Every step runs inside a write transaction that reads the stream's document by key, so
concurrent writers and sweepers on several nodes serialize on it. In a stream of several
lanes a write locks only its lane's document, and the stream's document after it when the
lane's shard rolls over; closing the stream locks every lane's document, then the stream's:
the same order, so the two never wait for each other in a cycle.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import replace
from itertools import islice

from dynafed.dynamodb.streams.model import (
    DISABLED,
    DOCUMENT_KIND,
    LANE_KIND,
    RETENTION_SECONDS,
    LaneState,
    Shard,
    Stream,
    StreamPolicy,
    lane_name,
    records_id,
    seq_key,
    seq_of_key,
    shard_due,
    shard_id,
)
from dynafed.dynamodb.tables import Table
from dynafed.storage.port import Storage, WriteTxn, counter_usable

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
        lanes=table.stream.lanes,
    )
    if stream.lanes == 1:
        stream = replace(stream, shards=(_new_shard(stream, None, now),))
    else:
        lane_shards = []
        for lane in range(stream.lanes):
            shard = _new_shard(stream, None, now, start=lane + 1, lane=lane)
            lane_shards.append(shard)
            state = LaneState(shard.shard_id, now, shard.start, 0, stream.policy, stream.lanes)
            txn.put_document(LANE_KIND, lane_name(stream.arn, lane), state.to_document())
        stream = replace(stream, shards=tuple(lane_shards))
    txn.put_document(DOCUMENT_KIND, stream.arn, stream.to_document())
    return stream


def close_stream(txn: WriteTxn, arn: str, now: float) -> None:
    """The stream stops taking records: DISABLED, its open shards closed."""
    stored = txn.get_document(DOCUMENT_KIND, arn)
    if stored is None:
        return
    stream = Stream.from_document(stored)
    if stream.lanes > 1:
        stream = _close_lanes(txn, stream)
    else:
        shard = stream.open_shard
        if shard is not None:
            stream = stream.with_shard(replace(shard, end=stream.next_seq - 1))
    stream = replace(stream, status=DISABLED, disabled_at=now)
    txn.put_document(DOCUMENT_KIND, arn, stream.to_document())


def _close_lanes(txn: WriteTxn, stream: Stream) -> Stream:
    """Every lane's open shard closed at the last number the lane gave out, and the lanes'
    documents gone (a closed stream takes no record)."""
    for lane in range(stream.lanes):
        name = lane_name(stream.arn, lane)
        stored = txn.get_document_for_update(LANE_KIND, name)
        if stored is None:
            continue
        state = LaneState.from_document(stored)
        shard = stream.shard(state.shard_id)
        if shard is not None and shard.end is None:
            stream = stream.with_shard(replace(shard, end=state.next_seq - stream.lanes))
        txn.delete_document(LANE_KIND, name)
    return stream


def renew_lane(txn: WriteTxn, table: Table, lane: int, now: float) -> None:
    """Make `lane`'s counter (in `table`'s stream of several lanes) take records again once
    `append_numbered` found it due: the lane's shard rolled over, unless another write
    did it first. Whether it is due is the counter's rule (`counter_usable`), the one
    `append_numbered` applies, so that the append that follows cannot find it due again."""
    assert table.stream is not None
    name = lane_name(table.stream.arn, lane)
    stored = txn.get_document_for_update(LANE_KIND, name)
    if stored is not None and counter_usable(stored, now):
        return
    state = None if stored is None else LaneState.from_document(stored)
    renewed = _lane_rolled_over(txn, table, lane, state, now)
    txn.put_document(LANE_KIND, name, renewed.to_document())


def _lane_rolled_over(
    txn: WriteTxn, table: Table, lane: int, state: LaneState | None, now: float
) -> LaneState:
    """`lane`'s shard closed and a child opened after it (in the stream's document, locked
    after the lane's); a lane with no document yet (a stream whose document was lost) gets
    a stream, or a first shard."""
    assert table.stream is not None
    stored = txn.get_document_for_update(DOCUMENT_KIND, table.stream.arn)
    if stored is None:  # as a stream of one lane does: open it (every lane's document too)
        stream = open_stream(txn, table, now)
        fresh = txn.get_document(LANE_KIND, lane_name(stream.arn, lane))
        assert fresh is not None
        return LaneState.from_document(fresh)
    if state is None:
        # Lanes' documents go only with the stream's closing, in the transaction that takes
        # the stream off its table: a write that still sees the stream cannot meet this.
        raise RuntimeError(f"stream {table.stream.arn} has no document for lane {lane}")
    stream = Stream.from_document(stored)
    shard = stream.shard(state.shard_id)
    if shard is not None:
        stream = stream.with_shard(replace(shard, end=state.next_seq - stream.lanes))
    child = _new_shard(stream, state.shard_id, now, start=state.next_seq, lane=lane)
    txn.put_document(DOCUMENT_KIND, stream.arn, stream.with_shard(child).to_document())
    return LaneState(child.shard_id, now, child.start, 0, state.policy, state.lanes)


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
    """Roll the stream's open shards over now (those that hold records); whether any was."""
    stored = txn.get_document(DOCUMENT_KIND, arn)
    if stored is None:
        return False
    stream = Stream.from_document(stored)
    if stream.lanes > 1:
        return _roll_lanes_over(txn, stream, now)
    rolled = rolled_over(stream, now, force=True)
    if rolled == stream:
        return False
    txn.put_document(DOCUMENT_KIND, arn, rolled.to_document())
    return True


def _roll_lanes_over(txn: WriteTxn, stream: Stream, now: float) -> bool:
    rolled = False
    for lane in range(stream.lanes):
        name = lane_name(stream.arn, lane)
        stored = txn.get_document_for_update(LANE_KIND, name)
        if stored is None:
            continue
        state = LaneState.from_document(stored)
        if state.count == 0:
            continue
        shard = stream.shard(state.shard_id)
        if shard is not None:
            stream = stream.with_shard(replace(shard, end=state.next_seq - stream.lanes))
        child = _new_shard(stream, state.shard_id, now, start=state.next_seq, lane=lane)
        stream = stream.with_shard(child)
        fresh = LaneState(child.shard_id, now, child.start, 0, state.policy, state.lanes)
        txn.put_document(LANE_KIND, name, fresh.to_document())
        rolled = True
    if rolled:
        txn.put_document(DOCUMENT_KIND, stream.arn, stream.to_document())
    return rolled


def _new_shard(
    stream: Stream, parent: str | None, now: float, *, start: int | None = None, lane: int = 0
) -> Shard:
    first = stream.next_seq if start is None else start
    suffix = hashlib.sha256(f"{stream.arn}#{first}".encode()).hexdigest()[:8]
    return Shard(shard_id(now, suffix), parent, now, first, lane=lane)


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
        return 0  # a disabled stream's lanes were removed when it closed
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
