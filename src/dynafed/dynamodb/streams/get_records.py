"""GetRecords (DynamoDB Streams API reference): up to `Limit` (1000) records after an
iterator's position, at most 1 MB of them, and the iterator to continue from. A closed
shard read to its end answers no `NextShardIterator`: the reader moves on to its children
(DescribeStream's lineage). An expired iterator is ExpiredIteratorException; a position
older than the shard's trim horizon is TrimmedDataAccessException."""

from __future__ import annotations

from collections.abc import Iterable
from itertools import islice
from typing import Any

from dynafed.dynamodb.streams import iterators
from dynafed.dynamodb.streams.context import StreamsContext, load_stream
from dynafed.dynamodb.streams.errors import TrimmedDataAccessException
from dynafed.dynamodb.streams.model import Stream, records_id, seq_key, seq_of_key
from dynafed.dynamodb.streams.records import wire
from dynafed.dynamodb.validation import RequestShape, validate_request
from dynafed.dynamodb.validation.model import streams_request_shape
from dynafed.storage.port import StoredItem

REQUEST: RequestShape[dict[str, Any]] = RequestShape(streams_request_shape("GetRecords"))
MAX_RECORDS = 1000
MAX_BYTES = 1024 * 1024


def run(ctx: StreamsContext, body: dict[str, Any]) -> dict[str, Any]:
    request = validate_request(REQUEST, body)
    now = ctx.clock.now()
    position = iterators.decode(ctx.iterator_key, request["ShardIterator"], now)
    ctx.authorize("GetRecords", position.stream_arn)
    limit = request.get("Limit", MAX_RECORDS)
    with ctx.storage.read() as view:
        stream = load_stream(view, position.stream_arn)
        shard = stream.shard(position.shard_id)
        # A shard leaves the lineage once all of it was trimmed.
        if shard is None or position.after + 1 < shard.horizon:
            raise TrimmedDataAccessException(
                "The operation attempted to read past the oldest stream record in a shard."
            )
        rows = view.query(
            records_id(stream),
            shard.shard_id.encode(),
            exclusive_start_sk=seq_key(position.after),
        )
        records, after = _page(stream, rows, limit, position.after)
    result: dict[str, Any] = {"Records": records}
    if shard.end is None or after < shard.end:
        next_position = iterators.Position(position.stream_arn, shard.shard_id, after)
        result["NextShardIterator"] = iterators.encode(ctx.iterator_key, next_position, now)
    return result


def _page(
    stream: Stream, rows: Iterable[StoredItem], limit: int, after: int
) -> tuple[list[dict[str, Any]], int]:
    records: list[dict[str, Any]] = []
    size = 0
    for row in islice(rows, limit):
        seq = seq_of_key(row.sk)
        record = wire(stream, seq, row.item)
        size += record["dynamodb"]["SizeBytes"]
        if records and size > MAX_BYTES:
            break
        records.append(record)
        after = seq
    return records, after
