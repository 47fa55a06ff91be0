"""GetShardIterator (DynamoDB Streams API reference): a sealed position in one shard.
TRIM_HORIZON starts at the oldest record still kept, LATEST after the newest (a closed
shard's end), AT_SEQUENCE_NUMBER / AFTER_SEQUENCE_NUMBER at or after a record's number; a
number already trimmed is TrimmedDataAccessException."""

from __future__ import annotations

from typing import Any

from dynafed.dynamodb.streams import iterators
from dynafed.dynamodb.streams.context import StreamsContext, load_stream, shard_not_found
from dynafed.dynamodb.streams.errors import TrimmedDataAccessException
from dynafed.dynamodb.streams.model import (
    LANE_KIND,
    LaneState,
    Shard,
    Stream,
    lane_name,
    seq_from_wire,
)
from dynafed.dynamodb.validation import RequestShape, validate_request
from dynafed.dynamodb.validation.model import streams_request_shape
from dynafed.errors import ValidationException
from dynafed.storage.port import ReadView

TYPES = ("TRIM_HORIZON", "LATEST", "AT_SEQUENCE_NUMBER", "AFTER_SEQUENCE_NUMBER")
REQUEST: RequestShape[dict[str, Any]] = RequestShape(streams_request_shape("GetShardIterator"))


def run(ctx: StreamsContext, body: dict[str, Any]) -> dict[str, Any]:
    request = validate_request(REQUEST, body)
    arn = request["StreamArn"]
    ctx.authorize("GetShardIterator", arn)
    # One state of the stream's document and its lanes' (an open shard's next number).
    with ctx.storage.read(snapshot=True) as view:
        stream = load_stream(view, arn)
        shard = stream.shard(request["ShardId"])
        if shard is None:
            raise shard_not_found(request["ShardId"])
        next_seq = _next_seq(view, stream, shard)
    after = _after(stream, shard, next_seq, request)
    position = iterators.Position(arn, shard.shard_id, after)
    return {"ShardIterator": iterators.encode(ctx.iterator_key, position, ctx.clock.now())}


def _next_seq(view: ReadView, stream: Stream, shard: Shard) -> int:
    """The number the open shard's next record will get (a closed shard: past its end)."""
    if shard.end is not None:
        return shard.end + stream.lanes
    if stream.lanes == 1:
        return stream.next_seq
    stored = view.get_document(LANE_KIND, lane_name(stream.arn, shard.lane))
    return shard.start if stored is None else LaneState.from_document(stored).next_seq


def _after(stream: Stream, shard: Shard, next_seq: int, request: dict[str, Any]) -> int:
    """The last sequence number the new iterator counts as read."""
    kind = request["ShardIteratorType"]
    if kind == "TRIM_HORIZON":
        return shard.horizon - 1
    if kind == "LATEST":
        return shard.end if shard.end is not None else next_seq - 1
    text = request.get("SequenceNumber")
    if text is None:
        raise ValidationException(f"SequenceNumber is required for ShardIteratorType {kind}")
    seq = seq_from_wire(text)
    last = next_seq - stream.lanes if shard.end is None else max(shard.end, shard.start)
    if seq is None or seq < shard.start or seq > last:
        raise ValidationException(
            f"Invalid SequenceNumber {text} for shard {shard.shard_id} of stream {stream.arn}"
        )
    if seq < shard.horizon:
        raise TrimmedDataAccessException(
            f"The requested sequence number {text} is beyond the trim horizon of the shard"
        )
    return seq - 1 if kind == "AT_SEQUENCE_NUMBER" else seq
