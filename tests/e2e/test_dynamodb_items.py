"""Single-item operations end to end: the real server (SQLite), unmodified boto3 (low-level
client and the resource/Table layer) and the AWS CLI.

Behaviour follows the API reference pages PutItem, GetItem, UpdateItem and DeleteItem; the
capacity figures follow "Read/write capacity mode" in the Developer Guide."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from decimal import Decimal
from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from tests.support.clients import aws_cli_env
from tests.support.server_process import ServerProcess

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def table(dynamodb: Any) -> str:
    name = f"GameScores-{uuid.uuid4().hex[:12]}"
    dynamodb.create_table(
        TableName=name,
        AttributeDefinitions=[
            {"AttributeName": "UserId", "AttributeType": "S"},
            {"AttributeName": "GameTitle", "AttributeType": "S"},
        ],
        KeySchema=[
            {"AttributeName": "UserId", "KeyType": "HASH"},
            {"AttributeName": "GameTitle", "KeyType": "RANGE"},
        ],
        BillingMode="PAY_PER_REQUEST",
    )
    return name


@pytest.fixture(scope="module")
def raw(server: ServerProcess) -> Any:
    """A client without botocore's own parameter validation, to reach the server's."""
    session = boto3.session.Session(
        aws_access_key_id=server.access_key,
        aws_secret_access_key=server.secret_key,
        region_name=server.region,
    )
    config = Config(parameter_validation=False, retries={"max_attempts": 1, "mode": "standard"})
    return session.client("dynamodb", endpoint_url=server.endpoint, config=config)


def user() -> str:
    return f"user-{uuid.uuid4().hex[:8]}"


def key(user_id: str, game: str = "Meteor Blasters") -> dict[str, Any]:
    return {"UserId": {"S": user_id}, "GameTitle": {"S": game}}


def error_of(call: Any, **kwargs: Any) -> tuple[str, str]:
    with pytest.raises(ClientError) as caught:
        call(**kwargs)
    error = caught.value.response["Error"]
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    return error["Code"], error["Message"]


def test_put_get_delete(dynamodb: Any, table: str) -> None:
    item = {**key(user()), "TopScore": {"N": "005800.0"}, "Wins": {"N": "3"}, "Won": {"BOOL": True}}
    assert "Attributes" not in dynamodb.put_item(TableName=table, Item=item)
    got = dynamodb.get_item(TableName=table, Key=key(item["UserId"]["S"]), ConsistentRead=True)
    assert got["Item"] == {**item, "TopScore": {"N": "5800"}}
    deleted = dynamodb.delete_item(
        TableName=table, Key=key(item["UserId"]["S"]), ReturnValues="ALL_OLD"
    )
    assert deleted["Attributes"]["Wins"] == {"N": "3"}
    assert "Item" not in dynamodb.get_item(TableName=table, Key=key(item["UserId"]["S"]))


def test_all_types_round_trip(dynamodb: Any, table: str) -> None:
    item = {
        **key(user()),
        "s": {"S": ""},
        "n": {"N": "-1.5e3"},
        "b": {"B": b"\x00\x01"},
        "ss": {"SS": ["a", "b"]},
        "ns": {"NS": ["1", "2.5"]},
        "bs": {"BS": [b"x", b"y"]},
        "m": {"M": {"nested": {"L": [{"NULL": True}, {"BOOL": False}]}}},
    }
    dynamodb.put_item(TableName=table, Item=item)
    got = dynamodb.get_item(TableName=table, Key=key(item["UserId"]["S"]))["Item"]
    assert got["n"] == {"N": "-1500"}
    assert got["b"] == {"B": b"\x00\x01"}
    assert sorted(got["bs"]["BS"]) == [b"x", b"y"]
    assert got["m"] == item["m"]
    assert got["s"] == {"S": ""}


def test_projection_and_consumed_capacity(dynamodb: Any, table: str) -> None:
    user_id = user()
    dynamodb.put_item(
        TableName=table,
        Item={
            **key(user_id),
            "Stats": {"M": {"Wins": {"N": "1"}, "Losses": {"N": "2"}}},
            "Big": {"S": "x" * 5000},
        },
    )
    got = dynamodb.get_item(
        TableName=table,
        Key=key(user_id),
        ProjectionExpression="#s.Losses",
        ExpressionAttributeNames={"#s": "Stats"},
        ReturnConsumedCapacity="TOTAL",
    )
    assert got["Item"] == {"Stats": {"M": {"Losses": {"N": "2"}}}}
    assert got["ConsumedCapacity"] == {"TableName": table, "CapacityUnits": 1.0}
    strong = dynamodb.get_item(
        TableName=table, Key=key(user_id), ConsistentRead=True, ReturnConsumedCapacity="INDEXES"
    )
    assert strong["ConsumedCapacity"] == {
        "TableName": table,
        "CapacityUnits": 2.0,
        "Table": {"CapacityUnits": 2.0},
    }
    written = dynamodb.put_item(TableName=table, Item=key(user_id), ReturnConsumedCapacity="TOTAL")
    assert written["ConsumedCapacity"]["CapacityUnits"] == 5.0
    legacy = dynamodb.get_item(TableName=table, Key=key(user_id), AttributesToGet=["UserId"])
    assert legacy["Item"] == {"UserId": {"S": user_id}}


def test_conditional_writes(dynamodb: Any, table: str) -> None:
    user_id = user()
    item = {**key(user_id), "Wins": {"N": "1"}}
    dynamodb.put_item(
        TableName=table, Item=item, ConditionExpression="attribute_not_exists(UserId)"
    )
    assert error_of(
        dynamodb.put_item,
        TableName=table,
        Item={**item, "Wins": {"N": "99"}},
        ConditionExpression="attribute_not_exists(UserId)",
    ) == ("ConditionalCheckFailedException", "The conditional request failed")
    with pytest.raises(ClientError) as caught:
        dynamodb.delete_item(
            TableName=table,
            Key=key(user_id),
            ConditionExpression="Wins > :w",
            ExpressionAttributeValues={":w": {"N": "5"}},
            ReturnValuesOnConditionCheckFailure="ALL_OLD",
        )
    assert caught.value.response["Item"] == item
    assert dynamodb.get_item(TableName=table, Key=key(user_id), ConsistentRead=True)["Item"] == item
    assert (
        error_of(
            dynamodb.put_item,
            TableName=table,
            Item=item,
            Expected={"Wins": {"ComparisonOperator": "GT", "AttributeValueList": [{"N": "10"}]}},
        )[0]
        == "ConditionalCheckFailedException"
    )


def test_update_item(dynamodb: Any, table: str) -> None:
    user_id = user()
    created = dynamodb.update_item(
        TableName=table,
        Key=key(user_id),
        UpdateExpression=(
            "SET Wins = if_not_exists(Wins, :zero) + :one, "
            "Badges = list_append(if_not_exists(Badges, :empty), :b)"
        ),
        ExpressionAttributeValues={
            ":zero": {"N": "0"},
            ":one": {"N": "1"},
            ":empty": {"L": []},
            ":b": {"L": [{"S": "first"}]},
        },
        ReturnValues="ALL_NEW",
    )
    assert created["Attributes"] == {
        **key(user_id),
        "Wins": {"N": "1"},
        "Badges": {"L": [{"S": "first"}]},
    }
    changed = dynamodb.update_item(
        TableName=table,
        Key=key(user_id),
        UpdateExpression="ADD Wins :one REMOVE Badges[0]",
        ExpressionAttributeValues={":one": {"N": "1"}},
        ReturnValues="UPDATED_OLD",
    )
    assert changed["Attributes"] == {"Wins": {"N": "1"}, "Badges": {"L": [{"S": "first"}]}}
    assert error_of(
        dynamodb.update_item,
        TableName=table,
        Key=key(user_id),
        UpdateExpression="SET UserId = :u",
        ExpressionAttributeValues={":u": {"S": "someone-else"}},
    ) == (
        "ValidationException",
        "One or more parameter values were invalid: Cannot update attribute UserId. This "
        "attribute is part of the key",
    )
    legacy = dynamodb.update_item(
        TableName=table,
        Key=key(user_id),
        AttributeUpdates={"Losses": {"Action": "ADD", "Value": {"N": "2"}}},
        ReturnValues="UPDATED_NEW",
    )
    assert legacy["Attributes"] == {"Losses": {"N": "2"}}


def test_key_and_value_errors(dynamodb: Any, raw: Any, table: str) -> None:
    assert error_of(dynamodb.get_item, TableName=table, Key={"UserId": {"S": "x"}}) == (
        "ValidationException",
        "The provided key element does not match the schema",
    )
    assert error_of(
        dynamodb.put_item, TableName=table, Item={"UserId": {"N": "1"}, "GameTitle": {"S": "g"}}
    ) == (
        "ValidationException",
        "One or more parameter values were invalid: Type mismatch for key UserId expected: S "
        "actual: N",
    )
    assert error_of(dynamodb.put_item, TableName=table, Item={"UserId": {"S": "x"}}) == (
        "ValidationException",
        "One or more parameter values were invalid: Missing the key GameTitle in the item",
    )
    assert error_of(dynamodb.put_item, TableName=table, Item=key("")) == (
        "ValidationException",
        "One or more parameter values are not valid. The AttributeValue for a key attribute "
        "cannot contain an empty string value. Key: UserId",
    )
    assert error_of(raw.put_item, TableName=table, Item={**key("x"), "n": {"N": 5}}) == (
        "SerializationException",
        "NUMBER_VALUE cannot be converted to String",
    )
    assert error_of(dynamodb.put_item, TableName=table, Item={**key("x"), "n": {"N": "1e126"}}) == (
        "ValidationException",
        "Number overflow. Attempting to store a number with magnitude larger than supported range",
    )
    assert error_of(
        dynamodb.put_item, TableName=table, Item={**key("x"), "s": {"SS": ["a", "a"]}}
    ) == (
        "ValidationException",
        "One or more parameter values were invalid: Input collection [a, a] contains duplicates.",
    )
    too_big = {**key("x"), "Blob": {"S": "x" * (400 * 1024)}}
    assert error_of(dynamodb.put_item, TableName=table, Item=too_big) == (
        "ValidationException",
        "Item size has exceeded the maximum allowed size",
    )


def test_expression_errors(dynamodb: Any, table: str) -> None:
    code, message = error_of(
        dynamodb.put_item, TableName=table, Item=key("x"), ConditionExpression="Wins >"
    )
    assert code == "ValidationException"
    assert message.startswith("Invalid ConditionExpression: Syntax error;")
    assert error_of(
        dynamodb.get_item, TableName=table, Key=key("x"), ProjectionExpression="Name"
    ) == (
        "ValidationException",
        "Invalid ProjectionExpression: Attribute name is a reserved keyword; "
        "reserved keyword: Name",
    )
    assert error_of(
        dynamodb.update_item,
        TableName=table,
        Key=key("x"),
        UpdateExpression="SET a = :a",
        ExpressionAttributeValues={":a": {"S": "1"}, ":unused": {"S": "2"}},
    ) == (
        "ValidationException",
        "Value provided in ExpressionAttributeValues unused in expressions: keys: {:unused}",
    )
    assert error_of(dynamodb.put_item, TableName=table, Item=key("x"), ReturnValues="ALL_NEW") == (
        "ValidationException",
        "ReturnValues can only be ALL_OLD or NONE",
    )


def test_missing_table(dynamodb: Any) -> None:
    assert error_of(dynamodb.get_item, TableName="NoSuchTable", Key=key("x")) == (
        "ResourceNotFoundException",
        "Requested resource not found",
    )


def test_resource_layer(server: ServerProcess, table: str) -> None:
    resource = boto3.resource(
        "dynamodb",
        endpoint_url=server.endpoint,
        region_name=server.region,
        aws_access_key_id=server.access_key,
        aws_secret_access_key=server.secret_key,
    )
    scores = resource.Table(table)
    user_id = user()
    scores.put_item(
        Item={"UserId": user_id, "GameTitle": "Galaxy Invaders", "TopScore": Decimal("10.5")}
    )
    scores.update_item(
        Key={"UserId": user_id, "GameTitle": "Galaxy Invaders"},
        UpdateExpression="SET TopScore = TopScore + :d",
        ExpressionAttributeValues={":d": Decimal("0.5")},
    )
    item = scores.get_item(Key={"UserId": user_id, "GameTitle": "Galaxy Invaders"})["Item"]
    assert item["TopScore"] == Decimal("11")


def test_aws_cli_item_commands(server: ServerProcess, table: str) -> None:
    cli = os.path.join(os.path.dirname(sys.executable), "aws")
    user_id = user()

    def aws(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [cli, "dynamodb", *args, "--endpoint-url", server.endpoint, "--output", "json"],
            env=aws_cli_env(server),
            capture_output=True,
            text=True,
            timeout=60,
        )

    item = json.dumps({**key(user_id), "Wins": {"N": "7"}})
    put = aws("put-item", "--table-name", table, "--item", item)
    assert put.returncode == 0, put.stderr
    got = aws("get-item", "--table-name", table, "--key", json.dumps(key(user_id)))
    assert json.loads(got.stdout)["Item"]["Wins"] == {"N": "7"}
    failed = aws(
        "put-item",
        "--table-name", table,
        "--item", item,
        "--condition-expression", "attribute_not_exists(UserId)",
    )  # fmt: skip
    assert failed.returncode != 0
    assert "ConditionalCheckFailedException" in failed.stderr
