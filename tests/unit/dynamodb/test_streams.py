"""DynamoDB Streams in process, where the clock is ours: iterator sealing and expiry (15
minutes), the 24-hour trim and TrimmedDataAccessException, shard rollover by age and by
count with the lineage a reader follows, and TTL deletions' records (Developer Guide, "DynamoDB
Streams and Time to Live"; DynamoDB Streams API reference, GetShardIterator and GetRecords)."""

from __future__ import annotations

from typing import Any

import pytest
from tests.unit.dynamodb.conftest import ACCOUNT, NOW, REGION, Dynamo

from dynafed.core.authorization import AllowAll
from dynafed.dynamodb import ttl
from dynafed.dynamodb.service import DynamoDBService
from dynafed.dynamodb.streams import iterators, lifecycle
from dynafed.dynamodb.streams.errors import ExpiredIteratorException
from dynafed.dynamodb.streams.model import RETENTION_SECONDS, SHARD_SECONDS, StreamPolicy
from dynafed.dynamodb.streams.service import StreamsService
from dynafed.errors import AwsError, ValidationException

KEY = b"k" * 32


class Streams:
    def __init__(self, dynamo: Dynamo) -> None:
        self.dynamo = dynamo
        self.service = StreamsService(
            dynamo.storage, ACCOUNT, REGION, dynamo.clock, lambda n: b"s" * n
        )

    def __call__(self, operation: str, **body: Any) -> dict[str, Any]:
        return self.service.handle(operation, body, AllowAll())

    def error(self, operation: str, **body: Any) -> str:
        with pytest.raises(AwsError) as raised:
            self(operation, **body)
        return raised.value.code

    def shards(self, arn: str) -> list[dict[str, Any]]:
        shards: list[dict[str, Any]] = self("DescribeStream", StreamArn=arn)["StreamDescription"][
            "Shards"
        ]
        return shards

    def iterator(self, arn: str, shard: str, kind: str = "TRIM_HORIZON") -> str:
        answer = self("GetShardIterator", StreamArn=arn, ShardId=shard, ShardIteratorType=kind)
        return str(answer["ShardIterator"])

    def read_all(self, arn: str) -> list[dict[str, Any]]:
        """Every record, following the lineage: a child is read once its parent is done."""
        records: list[dict[str, Any]] = []
        for shard in self.shards(arn):
            iterator: str | None = self.iterator(arn, shard["ShardId"])
            while iterator is not None:
                page = self("GetRecords", ShardIterator=iterator)
                records.extend(page["Records"])
                if not page["Records"]:
                    break
                iterator = page.get("NextShardIterator")
        return records


def streamed_table(dynamo: Dynamo, name: str = "Feed", view: str = "NEW_AND_OLD_IMAGES") -> str:
    described = dynamo.create_table(
        name,
        hash_key=("k", "S"),
        range_key=None,
        StreamSpecification={"StreamEnabled": True, "StreamViewType": view},
    )
    arn: str = described["LatestStreamArn"]
    return arn


def put(dynamo: Dynamo, table: str, key: str, **attributes: Any) -> None:
    dynamo("PutItem", {"TableName": table, "Item": {"k": {"S": key}, **attributes}})


# --- iterators (pure) ---------------------------------------------------------------------


def test_an_iterator_holds_its_position_until_it_expires() -> None:
    position = iterators.Position("arn:aws:dynamodb:x", "shardId-1", 41)
    token = iterators.encode(KEY, position, NOW)
    assert iterators.decode(KEY, token, NOW + iterators.LIFETIME_SECONDS - 1) == position
    with pytest.raises(ExpiredIteratorException) as raised:
        iterators.decode(KEY, token, NOW + iterators.LIFETIME_SECONDS)
    assert "valid for 15 minutes" in raised.value.message


@pytest.mark.parametrize(
    "tamper",
    [
        lambda token: token[:-1] + ("A" if token[-1] != "A" else "B"),
        lambda token: "x" + token,
        lambda token: token.split(".")[0],
        lambda token: "",
    ],
)
def test_a_forged_or_altered_iterator_is_refused(tamper: Any) -> None:
    token = iterators.encode(KEY, iterators.Position("arn", "shard", 1), NOW)
    with pytest.raises(ValidationException):
        iterators.decode(KEY, tamper(token), NOW)
    with pytest.raises(ValidationException):
        iterators.decode(b"other key" * 4, token, NOW)


def test_get_records_with_an_expired_iterator(dynamo: Dynamo) -> None:
    streams = Streams(dynamo)
    arn = streamed_table(dynamo)
    put(dynamo, "Feed", "a")
    token = streams.iterator(arn, streams.shards(arn)[0]["ShardId"])
    dynamo.clock.advance(iterators.LIFETIME_SECONDS)
    assert streams.error("GetRecords", ShardIterator=token) == "ExpiredIteratorException"


# --- records ------------------------------------------------------------------------------


def test_record_times_come_from_the_clock(dynamo: Dynamo) -> None:
    streams = Streams(dynamo)
    arn = streamed_table(dynamo)
    dynamo.clock.advance(10.7)
    put(dynamo, "Feed", "a", v={"N": "1"})
    (record,) = streams.read_all(arn)
    assert record["dynamodb"]["ApproximateCreationDateTime"] == float(int(NOW + 10.7))
    assert record["dynamodb"]["SizeBytes"] == 2 + 5  # Keys, then the new image


def test_ttl_deletions_name_the_ttl_service(dynamo: Dynamo) -> None:
    streams = Streams(dynamo)
    arn = streamed_table(dynamo)
    dynamo(
        "UpdateTimeToLive",
        {"TableName": "Feed", "TimeToLiveSpecification": {"Enabled": True, "AttributeName": "e"}},
    )
    put(dynamo, "Feed", "old", e={"N": str(NOW - 1)})
    dynamo("DeleteItem", {"TableName": "Feed", "Key": {"k": {"S": "old"}}})
    put(dynamo, "Feed", "old", e={"N": str(NOW - 1)})
    assert ttl.sweep(dynamo.storage, NOW) == 1
    records = streams.read_all(arn)
    assert [r["eventName"] for r in records] == ["INSERT", "REMOVE", "INSERT", "REMOVE"]
    assert "userIdentity" not in records[1]
    assert records[3]["userIdentity"] == {
        "PrincipalId": "dynamodb.amazonaws.com",
        "Type": "Service",
    }
    assert records[3]["dynamodb"]["OldImage"]["k"] == {"S": "old"}


def test_a_table_without_a_stream_writes_no_record(dynamo: Dynamo) -> None:
    dynamo.create_table("Plain", hash_key=("k", "S"), range_key=None)
    put(dynamo, "Plain", "a")
    with dynamo.storage.read() as view:
        assert view.list_documents("stream") == []


# --- trim ---------------------------------------------------------------------------------


def test_records_are_trimmed_after_24_hours(dynamo: Dynamo) -> None:
    streams = Streams(dynamo)
    arn = streamed_table(dynamo)
    put(dynamo, "Feed", "old")
    dynamo.clock.advance(60 * 60)
    put(dynamo, "Feed", "new")
    stale = streams.iterator(arn, streams.shards(arn)[0]["ShardId"])  # before "old"
    assert lifecycle.trim(dynamo.storage, NOW + RETENTION_SECONDS + 1) == 1
    assert [r["dynamodb"]["Keys"]["k"]["S"] for r in streams.read_all(arn)] == ["new"]
    assert streams.error("GetRecords", ShardIterator=stale) == "TrimmedDataAccessException"


def test_an_old_sequence_number_is_past_the_trim_horizon(dynamo: Dynamo) -> None:
    streams = Streams(dynamo)
    arn = streamed_table(dynamo)
    put(dynamo, "Feed", "old")
    shard = streams.shards(arn)[0]["ShardId"]
    (record,) = streams.read_all(arn)
    number = record["dynamodb"]["SequenceNumber"]
    lifecycle.trim(dynamo.storage, NOW + RETENTION_SECONDS + 1)
    code = streams.error(
        "GetShardIterator",
        StreamArn=arn,
        ShardId=shard,
        ShardIteratorType="AT_SEQUENCE_NUMBER",
        SequenceNumber=number,
    )
    assert code == "TrimmedDataAccessException"


def test_a_disabled_stream_goes_away_after_24_hours(dynamo: Dynamo) -> None:
    streams = Streams(dynamo)
    arn = streamed_table(dynamo)
    put(dynamo, "Feed", "a")
    dynamo("DeleteTable", {"TableName": "Feed"})
    lifecycle.trim(dynamo.storage, dynamo.clock.now() + RETENTION_SECONDS - 1)
    assert len(streams.read_all(arn)) == 1
    lifecycle.trim(dynamo.storage, dynamo.clock.now() + RETENTION_SECONDS + 1)
    assert streams.error("DescribeStream", StreamArn=arn) == "ResourceNotFoundException"
    assert streams("ListStreams")["Streams"] == []


# --- shards -------------------------------------------------------------------------------


def counting_service(dynamo: Dynamo, records: int) -> None:
    dynamo.service = DynamoDBService(
        dynamo.storage,
        ACCOUNT,
        REGION,
        dynamo.clock,
        stream_policy=StreamPolicy(shard_records=records),
    )


def test_shards_roll_over_by_count_and_the_lineage_orders_them(dynamo: Dynamo) -> None:
    counting_service(dynamo, records=2)
    streams = Streams(dynamo)
    arn = streamed_table(dynamo)
    for n in range(5):
        put(dynamo, "Feed", f"k{n}")
    shards = streams.shards(arn)
    assert len(shards) == 3
    assert "ParentShardId" not in shards[0]
    assert [s.get("ParentShardId") for s in shards[1:]] == [s["ShardId"] for s in shards[:2]]
    assert all("EndingSequenceNumber" in s["SequenceNumberRange"] for s in shards[:2])
    assert "EndingSequenceNumber" not in shards[2]["SequenceNumberRange"]
    keys = [r["dynamodb"]["Keys"]["k"]["S"] for r in streams.read_all(arn)]
    assert keys == [f"k{n}" for n in range(5)]
    # a closed shard read to its end has no next iterator: the reader moves to the child
    last = streams("GetRecords", ShardIterator=streams.iterator(arn, shards[0]["ShardId"]))
    assert "NextShardIterator" not in last
    page = streams("DescribeStream", StreamArn=arn, Limit=2)["StreamDescription"]
    assert page["LastEvaluatedShardId"] == shards[1]["ShardId"]
    rest = streams(
        "DescribeStream", StreamArn=arn, ExclusiveStartShardId=page["LastEvaluatedShardId"]
    )["StreamDescription"]
    assert [s["ShardId"] for s in rest["Shards"]] == [shards[2]["ShardId"]]


def test_shards_roll_over_by_age(dynamo: Dynamo) -> None:
    streams = Streams(dynamo)
    arn = streamed_table(dynamo)
    put(dynamo, "Feed", "a")
    dynamo.clock.advance(SHARD_SECONDS)
    put(dynamo, "Feed", "b")
    shards = streams.shards(arn)
    assert len(shards) == 2 and shards[1]["ParentShardId"] == shards[0]["ShardId"]
    assert [r["dynamodb"]["Keys"]["k"]["S"] for r in streams.read_all(arn)] == ["a", "b"]


def test_roll_over_on_demand(dynamo: Dynamo) -> None:
    streams = Streams(dynamo)
    arn = streamed_table(dynamo)
    assert not dynamo.storage.write(lambda txn: lifecycle.roll_over(txn, arn, NOW))
    put(dynamo, "Feed", "a")
    assert dynamo.storage.write(lambda txn: lifecycle.roll_over(txn, arn, NOW))
    put(dynamo, "Feed", "b")
    assert len(streams.shards(arn)) == 2
    assert [r["dynamodb"]["Keys"]["k"]["S"] for r in streams.read_all(arn)] == ["a", "b"]
