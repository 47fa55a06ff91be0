"""DynamoDB Streams' time limits end to end, through boto3's `dynamodbstreams` client: a shard
iterator expires 15 minutes after it was issued (ExpiredIteratorException), and records are
trimmed 24 hours after they were written (TrimmedDataAccessException) — DynamoDB Streams API
reference, GetRecords and GetShardIterator; Developer Guide, "Change data capture for
DynamoDB Streams". The server runs with `--test-clock-file`, so the test moves the Streams
API's and the background worker's time forward by writing seconds to a file, while SigV4
keeps the real time (boto3 signs with it)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.e2e.test_streams import key, new_table, shard_holding, stream_arn
from tests.support.clients import client
from tests.support.server_process import ServerProcess, running_server

pytestmark = pytest.mark.e2e

ITERATOR_LIFETIME = 15 * 60
RETENTION = 24 * 60 * 60
TRIM_DEADLINE_SECONDS = 20


@pytest.fixture(scope="module")
def clock_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("dynafed-clock") / "offset-seconds"


@pytest.fixture(scope="module")
def server(clock_file: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    data_dir = tmp_path_factory.mktemp("dynafed-streams-clock")
    args = ("--test-clock-file", str(clock_file), "--ttl-sweep-interval", "0.2")
    with running_server(data_dir, *args) as running:
        yield running


@pytest.fixture
def moved_clock(clock_file: Path) -> Iterator[Path]:
    """The clock file at 0 s for the test; back at 0 s after it."""
    clock_file.write_text("0")
    yield clock_file
    clock_file.write_text("0")


def error_code(call: Any, **arguments: Any) -> str:
    with pytest.raises(ClientError) as raised:
        call(**arguments)
    return str(raised.value.response["Error"]["Code"])


def test_a_shard_iterator_expires_after_15_minutes(
    server: ServerProcess, moved_clock: Path
) -> None:
    dynamodb = client(server, "dynamodb")
    streams = client(server, "dynamodbstreams")
    table = new_table(dynamodb)
    arn = stream_arn(dynamodb, table)
    dynamodb.put_item(TableName=table, Item=key("a"))
    shard_id = shard_holding(streams, arn, "a")["ShardId"]
    token = streams.get_shard_iterator(
        StreamArn=arn, ShardId=shard_id, ShardIteratorType="TRIM_HORIZON"
    )["ShardIterator"]
    moved_clock.write_text(str(ITERATOR_LIFETIME - 60))
    assert len(streams.get_records(ShardIterator=token)["Records"]) == 1
    moved_clock.write_text(str(ITERATOR_LIFETIME + 1))
    assert error_code(streams.get_records, ShardIterator=token) == "ExpiredIteratorException"
    fresh = streams.get_shard_iterator(
        StreamArn=arn, ShardId=shard_id, ShardIteratorType="TRIM_HORIZON"
    )["ShardIterator"]
    assert len(streams.get_records(ShardIterator=fresh)["Records"]) == 1


def test_records_older_than_24_hours_are_trimmed(server: ServerProcess, moved_clock: Path) -> None:
    dynamodb = client(server, "dynamodb")
    streams = client(server, "dynamodbstreams")
    table = new_table(dynamodb, "KEYS_ONLY")
    arn = stream_arn(dynamodb, table)
    dynamodb.put_item(TableName=table, Item=key("old"))
    shard_id = shard_holding(streams, arn, "old")["ShardId"]
    horizon = streams.get_shard_iterator(
        StreamArn=arn, ShardId=shard_id, ShardIteratorType="TRIM_HORIZON"
    )["ShardIterator"]
    (record,) = streams.get_records(ShardIterator=horizon)["Records"]
    number = record["dynamodb"]["SequenceNumber"]

    def at_the_old_record() -> str:
        return str(
            streams.get_shard_iterator(
                StreamArn=arn,
                ShardId=shard_id,
                ShardIteratorType="AT_SEQUENCE_NUMBER",
                SequenceNumber=number,
            )["ShardIterator"]
        )

    moved_clock.write_text(str(RETENTION - 60))  # a day less a minute: still kept
    assert at_the_old_record()
    moved_clock.write_text(str(RETENTION + 60))
    # The background worker trims on its next sweep (every 0.2 s here): ask until it has,
    # each request paced by its own round trip.
    deadline = time.monotonic() + TRIM_DEADLINE_SECONDS
    while True:
        try:
            at_the_old_record()
        except ClientError as error:
            assert error.response["Error"]["Code"] == "TrimmedDataAccessException"
            break
        assert time.monotonic() < deadline, "the record was not trimmed"
