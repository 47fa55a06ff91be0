"""A stream of several lanes (issue 14): one open shard per lane, each with its own sequence
counter, so writes to different partition keys do not queue for one counter. What a reader
relies on stays true: every record once, each item's records in order in one line of
shards, sequence numbers unique and increasing within a shard and from parent to child,
lineage DescribeStream lists, LATEST and AT/AFTER_SEQUENCE_NUMBER per shard, rollover,
closing and the 24-hour trim (DynamoDB Streams API reference: DescribeStream,
GetShardIterator, GetRecords)."""

from __future__ import annotations

from typing import Any

import pytest
from tests.unit.dynamodb.conftest import ACCOUNT, NOW, REGION, Dynamo
from tests.unit.dynamodb.test_streams import Streams, put, streamed_table

from dynafed.dynamodb.service import DynamoDBService
from dynafed.dynamodb.streams import lifecycle
from dynafed.dynamodb.streams.model import (
    LANE_KIND,
    RETENTION_SECONDS,
    StreamPolicy,
    lane_of,
    seq_from_wire,
)

LANES = 4
KEYS = [f"k{n}" for n in range(24)]


def laned(dynamo: Dynamo, **policy: Any) -> None:
    dynamo.service = DynamoDBService(
        dynamo.storage,
        ACCOUNT,
        REGION,
        dynamo.clock,
        stream_policy=StreamPolicy(lanes=LANES, **policy),
    )


def key_of(record: dict[str, Any]) -> str:
    return str(record["dynamodb"]["Keys"]["k"]["S"])


def version_of(record: dict[str, Any]) -> int:
    return int(record["dynamodb"]["NewImage"]["v"]["N"])


def records_by_shard(streams: Streams, arn: str) -> dict[str, list[dict[str, Any]]]:
    found: dict[str, list[dict[str, Any]]] = {}
    for shard in streams.shards(arn):
        records: list[dict[str, Any]] = []
        iterator: str | None = streams.iterator(arn, shard["ShardId"])
        while iterator is not None:
            page = streams("GetRecords", ShardIterator=iterator)
            records.extend(page["Records"])
            if not page["Records"]:
                break
            iterator = page.get("NextShardIterator")
        found[shard["ShardId"]] = records
    return found


def test_a_stream_of_lanes_opens_one_shard_per_lane(dynamo: Dynamo) -> None:
    laned(dynamo)
    streams = Streams(dynamo)
    arn = streamed_table(dynamo)
    shards = streams.shards(arn)
    assert len(shards) == LANES
    assert all("ParentShardId" not in s for s in shards)
    assert all("EndingSequenceNumber" not in s["SequenceNumberRange"] for s in shards)


def test_each_items_records_stay_in_order_in_one_shard(dynamo: Dynamo) -> None:
    laned(dynamo)
    streams = Streams(dynamo)
    arn = streamed_table(dynamo)
    for version in range(3):
        for key in KEYS:
            put(dynamo, "Feed", key, v={"N": str(version)})
    found = records_by_shard(streams, arn)
    everything = [record for records in found.values() for record in records]
    assert sorted(key_of(r) for r in everything) == sorted(KEYS * 3)
    numbers = [r["dynamodb"]["SequenceNumber"] for r in everything]
    assert len(set(numbers)) == len(numbers)
    used = [shard for shard, records in found.items() if records]
    assert len(used) > 1  # 24 keys over 4 lanes: writes did spread
    for records in found.values():
        in_shard = [int(r["dynamodb"]["SequenceNumber"]) for r in records]
        assert in_shard == sorted(in_shard)
        for key in {key_of(r) for r in records}:
            assert [version_of(r) for r in records if key_of(r) == key] == [0, 1, 2]


def test_a_lanes_shard_rolls_over_to_a_child_in_the_same_lane(dynamo: Dynamo) -> None:
    laned(dynamo, shard_records=2)
    streams = Streams(dynamo)
    arn = streamed_table(dynamo)
    key = "k0"
    for version in range(5):
        put(dynamo, "Feed", key, v={"N": str(version)})
    shards = streams.shards(arn)
    assert len(shards) == LANES + 2
    lane = lane_of({"S": key}, LANES)
    root, child, grandchild = shards[lane], shards[LANES], shards[LANES + 1]
    assert child["ParentShardId"] == root["ShardId"]
    assert grandchild["ParentShardId"] == child["ShardId"]
    for closed in (root, child):
        assert "EndingSequenceNumber" in closed["SequenceNumberRange"]
    assert "EndingSequenceNumber" not in grandchild["SequenceNumberRange"]
    found = records_by_shard(streams, arn)
    assert [len(found[s["ShardId"]]) for s in (root, child, grandchild)] == [2, 2, 1]
    ordered = [r for s in (root, child, grandchild) for r in found[s["ShardId"]]]
    assert [version_of(r) for r in ordered] == [0, 1, 2, 3, 4]
    numbers = [seq_from_wire(r["dynamodb"]["SequenceNumber"]) or 0 for r in ordered]
    assert numbers == sorted(numbers)
    assert {(n - 1) % LANES for n in numbers} == {lane}  # the lane's own numbers


def test_latest_and_sequence_number_iterators_on_a_lanes_shard(dynamo: Dynamo) -> None:
    laned(dynamo)
    streams = Streams(dynamo)
    arn = streamed_table(dynamo)
    for version in range(3):
        put(dynamo, "Feed", "k0", v={"N": str(version)})
    shard = next(s for s, records in records_by_shard(streams, arn).items() if records)
    latest = streams.iterator(arn, shard, "LATEST")
    assert streams("GetRecords", ShardIterator=latest)["Records"] == []
    put(dynamo, "Feed", "k0", v={"N": "3"})
    newer = streams("GetRecords", ShardIterator=latest)["Records"]
    assert [version_of(r) for r in newer] == [3]
    records = records_by_shard(streams, arn)[shard]
    numbers = [r["dynamodb"]["SequenceNumber"] for r in records]

    def at(kind: str, number: str) -> list[int]:
        token = streams(
            "GetShardIterator",
            StreamArn=arn,
            ShardId=shard,
            ShardIteratorType=kind,
            SequenceNumber=number,
        )["ShardIterator"]
        return [version_of(r) for r in streams("GetRecords", ShardIterator=token)["Records"]]

    assert at("AT_SEQUENCE_NUMBER", numbers[1]) == [1, 2, 3]
    assert at("AFTER_SEQUENCE_NUMBER", numbers[1]) == [2, 3]
    past_the_end = str(int(numbers[-1]) + LANES)
    assert (
        streams.error(
            "GetShardIterator",
            StreamArn=arn,
            ShardId=shard,
            ShardIteratorType="AT_SEQUENCE_NUMBER",
            SequenceNumber=past_the_end,
        )
        == "ValidationException"
    )


def test_disabling_a_stream_of_lanes_closes_every_shard(dynamo: Dynamo) -> None:
    laned(dynamo)
    streams = Streams(dynamo)
    arn = streamed_table(dynamo)
    for key in KEYS:
        put(dynamo, "Feed", key)
    dynamo(
        "UpdateTable",
        {"TableName": "Feed", "StreamSpecification": {"StreamEnabled": False}},
    )
    shards = streams.shards(arn)
    assert all("EndingSequenceNumber" in s["SequenceNumberRange"] for s in shards)
    found = records_by_shard(streams, arn)
    assert sorted(key_of(r) for records in found.values() for r in records) == sorted(KEYS)
    for shard in shards:  # read to its end: no next iterator, the reader is done
        page = streams("GetRecords", ShardIterator=streams.iterator(arn, shard["ShardId"]))
        assert "NextShardIterator" not in page
    with dynamo.storage.read() as view:
        assert view.list_documents(LANE_KIND) == []


def test_roll_over_on_demand_rolls_the_lanes_that_hold_records(dynamo: Dynamo) -> None:
    laned(dynamo)
    streams = Streams(dynamo)
    arn = streamed_table(dynamo)
    assert not dynamo.storage.write(lambda txn: lifecycle.roll_over(txn, arn, NOW))
    put(dynamo, "Feed", "k0", v={"N": "0"})
    assert dynamo.storage.write(lambda txn: lifecycle.roll_over(txn, arn, NOW))
    put(dynamo, "Feed", "k0", v={"N": "1"})
    assert len(streams.shards(arn)) == LANES + 1
    ordered = [r for records in records_by_shard(streams, arn).values() for r in records]
    assert [version_of(r) for r in ordered] == [0, 1]


def test_a_stream_of_lanes_is_trimmed_and_goes_away(dynamo: Dynamo) -> None:
    laned(dynamo)
    streams = Streams(dynamo)
    arn = streamed_table(dynamo)
    put(dynamo, "Feed", "k0", v={"N": "0"})
    dynamo.clock.advance(60 * 60)
    put(dynamo, "Feed", "k0", v={"N": "1"})
    assert lifecycle.trim(dynamo.storage, NOW + RETENTION_SECONDS + 1) == 1
    ordered = [r for records in records_by_shard(streams, arn).values() for r in records]
    assert [version_of(r) for r in ordered] == [1]
    dynamo("DeleteTable", {"TableName": "Feed"})
    lifecycle.trim(dynamo.storage, dynamo.clock.now() + RETENTION_SECONDS + 1)
    assert streams.error("DescribeStream", StreamArn=arn) == "ResourceNotFoundException"


@pytest.mark.parametrize("lanes", [2, 4, 8])
def test_a_partition_keys_lane_is_the_same_everywhere(lanes: int) -> None:
    # crc32 of the key's JSON: the same in every process, unlike Python's salted hash
    assert lane_of({"S": "k0"}, lanes) == lane_of({"S": "k0"}, lanes)
    assert {lane_of({"S": f"k{n}"}, lanes) for n in range(64)} == set(range(lanes))
