"""DynamoDB Streams end to end: the real server, unmodified boto3 `dynamodbstreams` clients.

Behaviour follows the Developer Guide page "Change data capture for DynamoDB Streams" and the
DynamoDB Streams API reference (ListStreams, DescribeStream, GetShardIterator, GetRecords):
one record per committed write, INSERT / MODIFY / REMOVE, images by StreamViewType, none for
a write that changes nothing; new stream ARNs when UpdateTable switches a stream; a deleted
table's stream stays readable."""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.support.clients import client
from tests.support.server_process import ServerProcess

pytestmark = pytest.mark.e2e

VIEW_TYPES = ("KEYS_ONLY", "NEW_IMAGE", "OLD_IMAGE", "NEW_AND_OLD_IMAGES")


@pytest.fixture(scope="module")
def streams(server: ServerProcess) -> Any:
    return client(server, "dynamodbstreams")


def new_table(dynamodb: Any, view_type: str = "NEW_AND_OLD_IMAGES", **extra: Any) -> str:
    name = f"Streamed-{uuid.uuid4().hex[:10]}"
    dynamodb.create_table(
        TableName=name,
        AttributeDefinitions=[
            {"AttributeName": "pk", "AttributeType": "S"},
            {"AttributeName": "sk", "AttributeType": "N"},
        ],
        KeySchema=[
            {"AttributeName": "pk", "KeyType": "HASH"},
            {"AttributeName": "sk", "KeyType": "RANGE"},
        ],
        BillingMode="PAY_PER_REQUEST",
        StreamSpecification={"StreamEnabled": True, "StreamViewType": view_type},
        **extra,
    )
    return name


def stream_arn(dynamodb: Any, table: str) -> str:
    arn: str = dynamodb.describe_table(TableName=table)["Table"]["LatestStreamArn"]
    return arn


def all_records(streams: Any, arn: str) -> list[dict[str, Any]]:
    """Every record of the stream, shard by shard from the oldest, as a reader would."""
    shards = streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"]
    records: list[dict[str, Any]] = []
    for shard in shards:
        iterator = streams.get_shard_iterator(
            StreamArn=arn, ShardId=shard["ShardId"], ShardIteratorType="TRIM_HORIZON"
        )["ShardIterator"]
        while iterator:
            page = streams.get_records(ShardIterator=iterator)
            records.extend(page["Records"])
            if not page["Records"]:
                break
            iterator = page.get("NextShardIterator")
    return records


def key(pk: str, sk: int = 1) -> dict[str, Any]:
    return {"pk": {"S": pk}, "sk": {"N": str(sk)}}


def pk_of(record: dict[str, Any]) -> str:
    return str(record["dynamodb"]["Keys"]["pk"]["S"])


def events_by_key(records: list[dict[str, Any]]) -> dict[str, list[str]]:
    events: dict[str, list[str]] = {}
    for record in records:
        events.setdefault(pk_of(record), []).append(record["eventName"])
    return events


def shard_holding(streams: Any, arn: str, pk: str) -> dict[str, Any]:
    """The shard that holds `pk`'s records (a stream of several lanes has an open shard per
    lane, and a partition key's records all go to one)."""
    for shard in streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"]:
        iterator = streams.get_shard_iterator(
            StreamArn=arn, ShardId=shard["ShardId"], ShardIteratorType="TRIM_HORIZON"
        )["ShardIterator"]
        if any(pk_of(r) == pk for r in streams.get_records(ShardIterator=iterator)["Records"]):
            return dict(shard)
    raise AssertionError(f"no shard holds records of {pk}")


def test_every_write_kind_leaves_one_record(dynamodb: Any, streams: Any) -> None:
    table = new_table(dynamodb)
    arn = stream_arn(dynamodb, table)
    dynamodb.put_item(TableName=table, Item={**key("a"), "v": {"N": "1"}})
    dynamodb.update_item(
        TableName=table,
        Key=key("a"),
        UpdateExpression="SET v = :v",
        ExpressionAttributeValues={":v": {"N": "2"}},
    )
    dynamodb.delete_item(TableName=table, Key=key("a"))
    dynamodb.batch_write_item(
        RequestItems={
            table: [
                {"PutRequest": {"Item": {**key("b"), "v": {"N": "1"}}}},
                {"PutRequest": {"Item": {**key("c"), "v": {"N": "1"}}}},
            ]
        }
    )
    dynamodb.transact_write_items(
        TransactItems=[
            {"Delete": {"TableName": table, "Key": key("b")}},
            {
                "Update": {
                    "TableName": table,
                    "Key": key("c"),
                    "UpdateExpression": "SET v = :v",
                    "ExpressionAttributeValues": {":v": {"N": "3"}},
                }
            },
        ]
    )
    records = all_records(streams, arn)
    # Each item's records in order; items in different lanes (PostgreSQL's streams have
    # several open shards) are in no order relative to each other, as on AWS.
    assert events_by_key(records) == {
        "a": ["INSERT", "MODIFY", "REMOVE"],
        "b": ["INSERT", "REMOVE"],
        "c": ["INSERT", "MODIFY"],
    }
    numbers = [int(r["dynamodb"]["SequenceNumber"]) for r in records]
    assert len(set(numbers)) == len(numbers)
    modify = next(r for r in records if r["eventName"] == "MODIFY" and pk_of(r) == "a")
    assert modify["eventSource"] == "aws:dynamodb"
    assert modify["awsRegion"] == "us-east-1"
    assert modify["dynamodb"]["OldImage"]["v"] == {"N": "1"}
    assert modify["dynamodb"]["NewImage"]["v"] == {"N": "2"}
    assert modify["dynamodb"]["SizeBytes"] > 0
    assert modify["dynamodb"]["ApproximateCreationDateTime"].year >= 2024
    assert "userIdentity" not in modify


@pytest.mark.parametrize("view_type", VIEW_TYPES)
def test_images_follow_the_view_type(dynamodb: Any, streams: Any, view_type: str) -> None:
    table = new_table(dynamodb, view_type)
    dynamodb.put_item(TableName=table, Item={**key("x"), "v": {"S": "old"}})
    dynamodb.put_item(TableName=table, Item={**key("x"), "v": {"S": "new"}})
    modify = all_records(streams, stream_arn(dynamodb, table))[1]["dynamodb"]
    assert modify["StreamViewType"] == view_type
    assert modify["Keys"] == key("x")
    assert ("NewImage" in modify) == (view_type in ("NEW_IMAGE", "NEW_AND_OLD_IMAGES"))
    assert ("OldImage" in modify) == (view_type in ("OLD_IMAGE", "NEW_AND_OLD_IMAGES"))
    if "NewImage" in modify:
        assert modify["NewImage"]["v"] == {"S": "new"}
    if "OldImage" in modify:
        assert modify["OldImage"]["v"] == {"S": "old"}


def test_a_write_that_changes_nothing_leaves_no_record(dynamodb: Any, streams: Any) -> None:
    table = new_table(dynamodb)
    item = {**key("same"), "v": {"N": "1"}}
    dynamodb.put_item(TableName=table, Item=item)
    dynamodb.put_item(TableName=table, Item=item)
    dynamodb.update_item(
        TableName=table,
        Key=key("same"),
        UpdateExpression="SET v = :v",
        ExpressionAttributeValues={":v": {"N": "1"}},
    )
    dynamodb.delete_item(TableName=table, Key=key("never-there"))
    with pytest.raises(ClientError):
        dynamodb.put_item(
            TableName=table, Item=item, ConditionExpression="attribute_not_exists(pk)"
        )
    records = all_records(streams, stream_arn(dynamodb, table))
    assert [r["eventName"] for r in records] == ["INSERT"]


def test_iterator_types_and_paging(dynamodb: Any, streams: Any) -> None:
    table = new_table(dynamodb, "KEYS_ONLY")
    arn = stream_arn(dynamodb, table)
    for n in range(5):
        dynamodb.put_item(TableName=table, Item=key("p", n))
    shard = shard_holding(streams, arn, "p")
    shard_id = shard["ShardId"]

    def iterator(kind: str, number: str | None = None) -> str:
        extra = {} if number is None else {"SequenceNumber": number}
        answer = streams.get_shard_iterator(
            StreamArn=arn, ShardId=shard_id, ShardIteratorType=kind, **extra
        )
        return str(answer["ShardIterator"])

    first = streams.get_records(ShardIterator=iterator("TRIM_HORIZON"), Limit=2)
    assert [r["dynamodb"]["Keys"]["sk"]["N"] for r in first["Records"]] == ["0", "1"]
    rest = streams.get_records(ShardIterator=first["NextShardIterator"])
    assert [r["dynamodb"]["Keys"]["sk"]["N"] for r in rest["Records"]] == ["2", "3", "4"]
    numbers = [r["dynamodb"]["SequenceNumber"] for r in first["Records"] + rest["Records"]]
    assert shard["SequenceNumberRange"]["StartingSequenceNumber"] <= numbers[0]

    at = streams.get_records(ShardIterator=iterator("AT_SEQUENCE_NUMBER", numbers[2]))
    assert [r["dynamodb"]["SequenceNumber"] for r in at["Records"]] == numbers[2:]
    after = streams.get_records(ShardIterator=iterator("AFTER_SEQUENCE_NUMBER", numbers[2]))
    assert [r["dynamodb"]["SequenceNumber"] for r in after["Records"]] == numbers[3:]

    latest = streams.get_records(ShardIterator=iterator("LATEST"))
    assert latest["Records"] == [] and latest["NextShardIterator"]
    dynamodb.put_item(TableName=table, Item=key("p", 9))
    newer = streams.get_records(ShardIterator=latest["NextShardIterator"])
    assert [r["dynamodb"]["Keys"]["sk"]["N"] for r in newer["Records"]] == ["9"]


def test_bad_iterators_and_numbers_are_refused(dynamodb: Any, streams: Any) -> None:
    table = new_table(dynamodb)
    arn = stream_arn(dynamodb, table)
    dynamodb.put_item(TableName=table, Item=key("q"))
    shard_id = shard_holding(streams, arn, "q")["ShardId"]
    token = streams.get_shard_iterator(
        StreamArn=arn, ShardId=shard_id, ShardIteratorType="TRIM_HORIZON"
    )["ShardIterator"]
    forged = token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")
    with pytest.raises(ClientError) as raised:
        streams.get_records(ShardIterator=forged)
    assert raised.value.response["Error"]["Code"] == "ValidationException"
    with pytest.raises(ClientError) as raised:
        streams.get_shard_iterator(
            StreamArn=arn,
            ShardId=shard_id,
            ShardIteratorType="AT_SEQUENCE_NUMBER",
            SequenceNumber="9" * 30,
        )
    assert raised.value.response["Error"]["Code"] == "ValidationException"
    with pytest.raises(ClientError) as raised:
        streams.describe_stream(StreamArn=arn + "x")
    assert raised.value.response["Error"]["Code"] == "ResourceNotFoundException"


def test_list_streams_by_table_and_paged(dynamodb: Any, streams: Any) -> None:
    tables = [new_table(dynamodb) for _ in range(3)]
    arns = {stream_arn(dynamodb, table) for table in tables}
    one = streams.list_streams(TableName=tables[0])["Streams"]
    assert one == [
        {
            "StreamArn": stream_arn(dynamodb, tables[0]),
            "TableName": tables[0],
            "StreamLabel": stream_arn(dynamodb, tables[0]).rsplit("/", 1)[1],
        }
    ]
    seen: set[str] = set()
    start: dict[str, Any] = {}
    while True:
        page = streams.list_streams(Limit=1, **start)
        assert len(page["Streams"]) <= 1
        seen.update(s["StreamArn"] for s in page["Streams"])
        if "LastEvaluatedStreamArn" not in page:
            break
        start = {"ExclusiveStartStreamArn": page["LastEvaluatedStreamArn"]}
    assert arns <= seen


def test_update_table_switches_streams_and_old_ones_stay_readable(
    dynamodb: Any, streams: Any
) -> None:
    table = new_table(dynamodb, "KEYS_ONLY")
    first = stream_arn(dynamodb, table)
    dynamodb.put_item(TableName=table, Item=key("before"))
    with pytest.raises(ClientError) as raised:  # the view type changes only by disabling first
        dynamodb.update_table(
            TableName=table,
            StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_IMAGE"},
        )
    assert raised.value.response["Error"]["Code"] == "ValidationException"
    dynamodb.update_table(TableName=table, StreamSpecification={"StreamEnabled": False})
    disabled = dynamodb.describe_table(TableName=table)["Table"]
    # AWS keeps naming the latest stream after disabling it, with no StreamSpecification.
    assert "StreamSpecification" not in disabled
    assert disabled["LatestStreamArn"] == first
    assert disabled["LatestStreamLabel"] == first.rsplit("/", 1)[1]
    dynamodb.put_item(TableName=table, Item=key("while-off"))
    described = streams.describe_stream(StreamArn=first)["StreamDescription"]
    assert described["StreamStatus"] == "DISABLED"
    assert "EndingSequenceNumber" in described["Shards"][-1]["SequenceNumberRange"]

    dynamodb.update_table(
        TableName=table,
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_IMAGE"},
    )
    second = stream_arn(dynamodb, table)
    assert second != first
    dynamodb.put_item(TableName=table, Item=key("after"))
    old = all_records(streams, first)
    assert [r["dynamodb"]["Keys"]["pk"]["S"] for r in old] == ["before"]
    new = all_records(streams, second)
    assert [r["dynamodb"]["Keys"]["pk"]["S"] for r in new] == ["after"]
    assert new[0]["dynamodb"]["StreamViewType"] == "NEW_IMAGE"
    listed = {s["StreamArn"] for s in streams.list_streams(TableName=table)["Streams"]}
    assert listed == {first, second}
    enabled = streams.describe_stream(StreamArn=second)["StreamDescription"]
    assert enabled["StreamStatus"] == "ENABLED"
    assert enabled["TableName"] == table
    assert enabled["KeySchema"] == [
        {"AttributeName": "pk", "KeyType": "HASH"},
        {"AttributeName": "sk", "KeyType": "RANGE"},
    ]


def test_a_deleted_tables_stream_stays_readable(dynamodb: Any, streams: Any) -> None:
    table = new_table(dynamodb)
    arn = stream_arn(dynamodb, table)
    dynamodb.put_item(TableName=table, Item=key("kept"))
    dynamodb.delete_table(TableName=table)
    assert streams.describe_stream(StreamArn=arn)["StreamDescription"]["StreamStatus"] == (
        "DISABLED"
    )
    records = all_records(streams, arn)
    assert [r["eventName"] for r in records] == ["INSERT"]


def test_streams_actions_are_authorized_on_the_stream_arn(
    server: ServerProcess, dynamodb: Any, streams: Any
) -> None:
    """A role allowed to find and describe the stream but not `dynamodb:GetRecords` is
    refused the records, as on AWS."""
    table = new_table(dynamodb)
    arn = stream_arn(dynamodb, table)
    dynamodb.put_item(TableName=table, Item=key("secret"))
    iam = client(server, "iam")
    role_name = f"StreamReader-{uuid.uuid4().hex[:8]}"
    trust = {
        "Effect": "Allow",
        "Principal": {"AWS": f"arn:aws:iam::{server.account_id}:root"},
        "Action": "sts:AssumeRole",
    }
    role = iam.create_role(
        RoleName=role_name,
        AssumeRolePolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [trust]}),
    )["Role"]
    allowed = {
        "Effect": "Allow",
        "Action": ["dynamodb:ListStreams", "dynamodb:DescribeStream", "dynamodb:GetShardIterator"],
        "Resource": "*",
    }
    iam.put_role_policy(
        RoleName=role_name,
        PolicyName="NoRecords",
        PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [allowed]}),
    )
    answer = client(server, "sts").assume_role(RoleArn=role["Arn"], RoleSessionName="reader")
    credentials = answer["Credentials"]
    reader = client(
        server,
        "dynamodbstreams",
        access_key=credentials["AccessKeyId"],
        secret_key=credentials["SecretAccessKey"],
        session_token=credentials["SessionToken"],
    )
    shard_id = reader.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"][0]["ShardId"]
    token = reader.get_shard_iterator(
        StreamArn=arn, ShardId=shard_id, ShardIteratorType="TRIM_HORIZON"
    )["ShardIterator"]
    with pytest.raises(ClientError) as raised:
        reader.get_records(ShardIterator=token)
    error = raised.value.response["Error"]
    assert error["Code"] == "AccessDeniedException"
    assert "dynamodb:GetRecords" in error["Message"]
    assert arn in error["Message"]
