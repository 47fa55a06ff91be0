"""GetShardIterator (DynamoDB Streams API reference): a sealed position in one shard.
TRIM_HORIZON starts at the oldest record still kept, LATEST after the newest (a closed
shard's end), AT_SEQUENCE_NUMBER / AFTER_SEQUENCE_NUMBER at or after a record's number; a
number already trimmed is TrimmedDataAccessException."""

from __future__ import annotations

from typing import Any

from dynafed.dynamodb.streams import iterators
from dynafed.dynamodb.streams.context import StreamsContext, load_stream, shard_not_found
from dynafed.dynamodb.streams.errors import TrimmedDataAccessException
from dynafed.dynamodb.streams.model import Shard, Stream, seq_from_wire
from dynafed.dynamodb.validation import RequestShape, validate_request
from dynafed.dynamodb.validation.model import streams_request_shape
from dynafed.errors import ValidationException

TYPES = ("TRIM_HORIZON", "LATEST", "AT_SEQUENCE_NUMBER", "AFTER_SEQUENCE_NUMBER")
REQUEST: RequestShape[dict[str, Any]] = RequestShape(streams_request_shape("GetShardIterator"))


def run(ctx: StreamsContext, body: dict[str, Any]) -> dict[str, Any]:
    request = validate_request(REQUEST, body)
    arn = request["StreamArn"]
    ctx.authorize("GetShardIterator", arn)
    with ctx.storage.read() as view:
        stream = load_stream(view, arn)
    shard = stream.shard(request["ShardId"])
    if shard is None:
        raise shard_not_found(request["ShardId"])
    after = _after(stream, shard, request)
    position = iterators.Position(arn, shard.shard_id, after)
    return {"ShardIterator": iterators.encode(ctx.iterator_key, position, ctx.clock.now())}


def _after(stream: Stream, shard: Shard, request: dict[str, Any]) -> int:
    """The last sequence number the new iterator counts as read."""
    kind = request["ShardIteratorType"]
    if kind == "TRIM_HORIZON":
        return shard.horizon - 1
    if kind == "LATEST":
        return (stream.next_seq if shard.end is None else shard.end + 1) - 1
    text = request.get("SequenceNumber")
    if text is None:
        raise ValidationException(f"SequenceNumber is required for ShardIteratorType {kind}")
    seq = seq_from_wire(text)
    last = stream.next_seq - 1 if shard.end is None else max(shard.end, shard.start)
    if seq is None or seq < shard.start or seq > last:
        raise ValidationException(
            f"Invalid SequenceNumber {text} for shard {shard.shard_id} of stream {stream.arn}"
        )
    if seq < shard.horizon:
        raise TrimmedDataAccessException(
            f"The requested sequence number {text} is beyond the trim horizon of the shard"
        )
    return seq - 1 if kind == "AT_SEQUENCE_NUMBER" else seq
