"""DescribeStream (DynamoDB Streams API reference): a stream's status, view type, key schema
and shards with their lineage (`ParentShardId`) and sequence number ranges (a closed shard
has an `EndingSequenceNumber`), paged by `ExclusiveStartShardId`."""

from __future__ import annotations

from typing import Any

from dynafed.dynamodb.streams.context import StreamsContext, load_stream
from dynafed.dynamodb.streams.model import Shard, Stream, seq_to_wire
from dynafed.dynamodb.validation import RequestShape, validate_request
from dynafed.dynamodb.validation.model import streams_request_shape

REQUEST: RequestShape[dict[str, Any]] = RequestShape(streams_request_shape("DescribeStream"))
DEFAULT_LIMIT = 100


def run(ctx: StreamsContext, body: dict[str, Any]) -> dict[str, Any]:
    request = validate_request(REQUEST, body)
    arn = request["StreamArn"]
    ctx.authorize("DescribeStream", arn)
    with ctx.storage.read() as view:
        stream = load_stream(view, arn)
    shards = list(stream.shards)
    start = request.get("ExclusiveStartShardId")
    if start is not None:
        ids = [shard.shard_id for shard in shards]
        shards = shards[ids.index(start) + 1 :] if start in ids else []
    limit = request.get("Limit", DEFAULT_LIMIT)
    description = _description(stream, shards[:limit])
    if len(shards) > limit:
        description["LastEvaluatedShardId"] = shards[limit - 1].shard_id
    return {"StreamDescription": description}


def _description(stream: Stream, shards: list[Shard]) -> dict[str, Any]:
    key_types = ("HASH", "RANGE")
    return {
        "StreamArn": stream.arn,
        "StreamLabel": stream.label,
        "StreamStatus": stream.status,
        "StreamViewType": stream.view_type,
        "CreationRequestDateTime": stream.created_at,
        "TableName": stream.table_name,
        "KeySchema": [
            {"AttributeName": name, "KeyType": key_types[i]}
            for i, name in enumerate(stream.key_schema)
        ],
        "Shards": [_shard(shard) for shard in shards],
    }


def _shard(shard: Shard) -> dict[str, Any]:
    numbers = {"StartingSequenceNumber": seq_to_wire(shard.start)}
    if shard.end is not None:
        numbers["EndingSequenceNumber"] = seq_to_wire(max(shard.end, shard.start))
    wire: dict[str, Any] = {"ShardId": shard.shard_id, "SequenceNumberRange": numbers}
    if shard.parent is not None:
        wire["ParentShardId"] = shard.parent
    return wire
