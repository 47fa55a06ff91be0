"""A DynamoDB Streams consumer as applications write one with boto3's `dynamodbstreams`
client: poll DescribeStream for shards, read each shard from TRIM_HORIZON with GetRecords,
and start a child shard only once its parent was read to its end (the parent's last page
answers no `NextShardIterator`), so records come in sequence order per key.

It can be given several clients (one per server node): each request goes to the next one, so
iterators one node issued are read on another, as behind a load balancer."""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import cycle
from typing import Any


@dataclass
class ShardRead:
    """What the poller read of one shard, in the order GetRecords answered it."""

    shard_id: str
    parent_id: str | None
    records: list[dict[str, Any]] = field(default_factory=list)
    iterator: str | None = None
    finished: bool = False


class StreamPoller:
    def __init__(self, clients: list[Any], stream_arn: str) -> None:
        self._clients = cycle(clients)
        self.stream_arn = stream_arn
        self.shards: dict[str, ShardRead] = {}
        """Every shard seen, oldest first (DescribeStream's order)."""

    def _client(self) -> Any:
        return next(self._clients)

    def poll(self) -> list[dict[str, Any]]:
        """One round: discover shards, read one page from each readable shard; the records
        read this round."""
        self._discover()
        fresh: list[dict[str, Any]] = []
        for shard in list(self.shards.values()):
            if shard.finished or not self._parent_done(shard):
                continue
            if shard.iterator is None:
                shard.iterator = self._client().get_shard_iterator(
                    StreamArn=self.stream_arn,
                    ShardId=shard.shard_id,
                    ShardIteratorType="TRIM_HORIZON",
                )["ShardIterator"]
            page = self._client().get_records(ShardIterator=shard.iterator)
            shard.records.extend(page["Records"])
            fresh.extend(page["Records"])
            shard.iterator = page.get("NextShardIterator")
            shard.finished = shard.iterator is None
        return fresh

    def records(self) -> list[dict[str, Any]]:
        """Every record read so far, shard by shard in lineage order."""
        return [record for shard in self.shards.values() for record in shard.records]

    def _parent_done(self, shard: ShardRead) -> bool:
        parent = self.shards.get(shard.parent_id or "")
        return parent is None or parent.finished

    def _discover(self) -> None:
        start: dict[str, str] = {}
        while True:
            description = self._client().describe_stream(StreamArn=self.stream_arn, **start)[
                "StreamDescription"
            ]
            for wire in description["Shards"]:
                if wire["ShardId"] not in self.shards:
                    self.shards[wire["ShardId"]] = ShardRead(
                        wire["ShardId"], wire.get("ParentShardId")
                    )
            if "LastEvaluatedShardId" not in description:
                return
            start = {"ExclusiveStartShardId": description["LastEvaluatedShardId"]}
