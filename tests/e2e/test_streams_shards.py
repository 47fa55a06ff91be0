"""DynamoDB Streams shards and TTL records end to end, on a server started with
`--stream-shard-records 3` (a shard rolls over after three records), `--stream-lanes 2`
(two open shards per stream, on every backend) and a short TTL sweep: a reader that follows
DescribeStream's lineage reads every record once, each item's in write order
(docs/streams.md, "The shard model"); TTL deletions carry the TTL service's identity
(Developer Guide, "DynamoDB Streams and Time to Live")."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from typing import Any

import pytest

from tests.e2e.test_streams import all_records, key, new_table, stream_arn
from tests.support.clients import client
from tests.support.server_process import ServerProcess, running_server

pytestmark = pytest.mark.e2e

LANES = 2


@pytest.fixture(scope="module")
def rolling_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    data_dir = tmp_path_factory.mktemp("dynafed-streams")
    args = ("--stream-shard-records", "3", "--stream-lanes", str(LANES))
    args += ("--ttl-sweep-interval", "0.2")
    with running_server(data_dir, *args) as server:
        yield server


def test_lineage_orders_every_record_across_rolled_over_shards(
    rolling_server: ServerProcess,
) -> None:
    dynamodb = client(rolling_server, "dynamodb")
    streams = client(rolling_server, "dynamodbstreams")
    table = new_table(dynamodb, "KEYS_ONLY")
    arn = stream_arn(dynamodb, table)
    for n in range(8):
        dynamodb.put_item(TableName=table, Item=key("p", n))
    shards = streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"]
    assert len(shards) == 3 + LANES - 1  # "p"'s lane rolled over twice; the other is fresh
    line = lane_line(shards)
    assert [s.get("ParentShardId") for s in line] == [None, *(s["ShardId"] for s in line[:2])]
    closed = [s["SequenceNumberRange"] for s in line[:2]]
    assert all("EndingSequenceNumber" in r for r in closed)
    assert "EndingSequenceNumber" not in line[2]["SequenceNumberRange"]
    records = all_records(streams, arn)
    assert [r["dynamodb"]["Keys"]["sk"]["N"] for r in records] == [str(n) for n in range(8)]
    first = streams.get_shard_iterator(
        StreamArn=arn, ShardId=line[0]["ShardId"], ShardIteratorType="TRIM_HORIZON"
    )["ShardIterator"]
    done = streams.get_records(ShardIterator=first)
    assert len(done["Records"]) == 3 and "NextShardIterator" not in done


def lane_line(shards: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The root shard that has children, then its child, grandchild and so on."""
    parents = {s.get("ParentShardId") for s in shards}
    line = [next(s for s in shards if "ParentShardId" not in s and s["ShardId"] in parents)]
    while line[-1]["ShardId"] in parents:
        line.append(next(s for s in shards if s.get("ParentShardId") == line[-1]["ShardId"]))
    return line


def test_ttl_deletions_are_recorded_with_the_ttl_identity(rolling_server: ServerProcess) -> None:
    dynamodb = client(rolling_server, "dynamodb")
    streams = client(rolling_server, "dynamodbstreams")
    table = new_table(dynamodb, "OLD_IMAGE")
    dynamodb.update_time_to_live(
        TableName=table, TimeToLiveSpecification={"Enabled": True, "AttributeName": "expires"}
    )
    owner = uuid.uuid4().hex
    item = {**key(owner), "expires": {"N": str(int(time.time()) - 60)}}
    dynamodb.put_item(TableName=table, Item=item)
    arn = stream_arn(dynamodb, table)

    def removals() -> list[dict[str, Any]]:
        return [r for r in all_records(streams, arn) if r["eventName"] == "REMOVE"]

    deadline = time.monotonic() + 20
    while not removals() and time.monotonic() < deadline:
        time.sleep(0.1)  # the sweeper runs every 0.2 s; poll until its deletion shows
    (removed,) = removals()
    assert removed["userIdentity"] == {"Type": "Service", "PrincipalId": "dynamodb.amazonaws.com"}
    assert removed["dynamodb"]["OldImage"] == item
