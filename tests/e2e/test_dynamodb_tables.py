"""DynamoDB control plane end to end: the real server, unmodified boto3 and the AWS CLI.

Each test uses its own table names (the server is shared by the session). Requests that
boto3 would refuse client-side go through a client with parameter validation off, so the
server's own answer is what is checked."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from tests.support.clients import aws_cli_env
from tests.support.server_process import ServerProcess

pytestmark = pytest.mark.e2e


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:12]}"


@pytest.fixture(scope="module")
def raw(server: ServerProcess) -> Any:
    """A client that sends what it is given, without botocore's parameter validation."""
    session = boto3.session.Session(
        aws_access_key_id=server.access_key,
        aws_secret_access_key=server.secret_key,
        region_name=server.region,
    )
    config = Config(parameter_validation=False, retries={"max_attempts": 1, "mode": "standard"})
    return session.client("dynamodb", endpoint_url=server.endpoint, config=config)


def error_of(call: Any, **kwargs: Any) -> tuple[str, str]:
    with pytest.raises(ClientError) as caught:
        call(**kwargs)
    error = caught.value.response["Error"]
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    return error["Code"], error["Message"]


def create(dynamodb: Any, name: str, **extra: Any) -> dict[str, Any]:
    table: dict[str, Any] = dynamodb.create_table(
        TableName=name,
        AttributeDefinitions=[
            {"AttributeName": "UserId", "AttributeType": "S"},
            {"AttributeName": "GameTitle", "AttributeType": "S"},
        ],
        KeySchema=[
            {"AttributeName": "UserId", "KeyType": "HASH"},
            {"AttributeName": "GameTitle", "KeyType": "RANGE"},
        ],
        **({"BillingMode": "PAY_PER_REQUEST"} | extra),
    )["TableDescription"]
    return table


def test_table_lifecycle(dynamodb: Any, server: ServerProcess) -> None:
    name = unique("GameScores")
    created = create(dynamodb, name, Tags=[{"Key": "app", "Value": "game"}])
    assert created["TableStatus"] == "CREATING"
    assert (
        created["TableArn"] == f"arn:aws:dynamodb:{server.region}:{server.account_id}:table/{name}"
    )
    uuid.UUID(created["TableId"])

    dynamodb.get_waiter("table_exists").wait(TableName=name, WaiterConfig={"Delay": 1})
    table = dynamodb.describe_table(TableName=name)["Table"]
    assert table["TableStatus"] == "ACTIVE"
    assert table["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST"
    assert table["KeySchema"] == [
        {"AttributeName": "UserId", "KeyType": "HASH"},
        {"AttributeName": "GameTitle", "KeyType": "RANGE"},
    ]
    assert table["ItemCount"] == 0
    assert table["ProvisionedThroughput"]["ReadCapacityUnits"] == 0
    assert name in dynamodb.list_tables()["TableNames"]

    deleted = dynamodb.delete_table(TableName=name)["TableDescription"]
    assert deleted["TableStatus"] == "DELETING"
    dynamodb.get_waiter("table_not_exists").wait(TableName=name, WaiterConfig={"Delay": 1})
    assert error_of(dynamodb.describe_table, TableName=name) == (
        "ResourceNotFoundException",
        f"Requested resource not found: Table: {name} not found",
    )


def test_create_table_refuses_an_existing_name(dynamodb: Any) -> None:
    name = unique("Twice")
    create(dynamodb, name)
    assert error_of(create, dynamodb=dynamodb, name=name) == (
        "ResourceInUseException",
        f"Table already exists: {name}",
    )


def test_create_table_validation_messages(raw: Any) -> None:
    code, message = error_of(raw.create_table, TableName="abc;")
    assert code == "ValidationException"
    assert message.startswith("3 validation errors detected: ")
    assert (
        "Value 'abc;' at 'tableName' failed to satisfy constraint: Member must satisfy "
        "regular expression pattern: [a-zA-Z0-9_.-]+" in message
    )
    code, message = error_of(raw.create_table, TableName="ab")
    assert code == "ValidationException"
    assert message.startswith("3 validation errors detected: ")
    assert (
        "Value 'ab' at 'tableName' failed to satisfy constraint: Member must have length "
        "greater than or equal to 3" in message
    )
    assert error_of(
        raw.create_table,
        TableName=unique("NoThroughput"),
        AttributeDefinitions=[{"AttributeName": "a", "AttributeType": "S"}],
        KeySchema=[{"AttributeName": "a", "KeyType": "HASH"}],
    ) == (
        "ValidationException",
        "One or more parameter values were invalid: ReadCapacityUnits and WriteCapacityUnits "
        "must both be specified when BillingMode is PROVISIONED",
    )
    assert error_of(
        raw.create_table,
        TableName=unique("Unused"),
        AttributeDefinitions=[
            {"AttributeName": "a", "AttributeType": "S"},
            {"AttributeName": "b", "AttributeType": "S"},
        ],
        KeySchema=[{"AttributeName": "a", "KeyType": "HASH"}],
        BillingMode="PAY_PER_REQUEST",
    ) == (
        "ValidationException",
        "One or more parameter values were invalid: Number of attributes in KeySchema does not "
        "exactly match number of attributes defined in AttributeDefinitions",
    )


def test_wrong_json_type_is_a_serialization_error(raw: Any) -> None:
    # (botocore insists on a string TableName for endpoint resolution, so the wrong type goes
    # elsewhere.)
    assert error_of(raw.list_tables, Limit="5") == (
        "SerializationException",
        "STRING_VALUE cannot be converted to Integer",
    )


def test_indexes_are_stored_and_described(dynamodb: Any, server: ServerProcess) -> None:
    name = unique("Indexed")
    dynamodb.create_table(
        TableName=name,
        AttributeDefinitions=[
            {"AttributeName": "UserId", "AttributeType": "S"},
            {"AttributeName": "GameTitle", "AttributeType": "S"},
            {"AttributeName": "TopScore", "AttributeType": "N"},
        ],
        KeySchema=[
            {"AttributeName": "UserId", "KeyType": "HASH"},
            {"AttributeName": "GameTitle", "KeyType": "RANGE"},
        ],
        LocalSecondaryIndexes=[
            {
                "IndexName": "ByScore",
                "KeySchema": [
                    {"AttributeName": "UserId", "KeyType": "HASH"},
                    {"AttributeName": "TopScore", "KeyType": "RANGE"},
                ],
                "Projection": {"ProjectionType": "KEYS_ONLY"},
            }
        ],
        GlobalSecondaryIndexes=[
            {
                "IndexName": "GameTitleIndex",
                "KeySchema": [
                    {"AttributeName": "GameTitle", "KeyType": "HASH"},
                    {"AttributeName": "TopScore", "KeyType": "RANGE"},
                ],
                "Projection": {"ProjectionType": "INCLUDE", "NonKeyAttributes": ["Wins"]},
                "ProvisionedThroughput": {"ReadCapacityUnits": 2, "WriteCapacityUnits": 3},
            }
        ],
        ProvisionedThroughput={"ReadCapacityUnits": 5, "WriteCapacityUnits": 5},
    )
    table = dynamodb.describe_table(TableName=name)["Table"]
    (local,) = table["LocalSecondaryIndexes"]
    assert local["IndexArn"] == f"{table['TableArn']}/index/ByScore"
    (global_,) = table["GlobalSecondaryIndexes"]
    assert global_["IndexStatus"] == "ACTIVE"
    assert global_["Projection"] == {"ProjectionType": "INCLUDE", "NonKeyAttributes": ["Wins"]}
    assert global_["ProvisionedThroughput"]["WriteCapacityUnits"] == 3


def test_update_table_throughput_and_billing(dynamodb: Any) -> None:
    name = unique("Billing")
    create(dynamodb, name)
    dynamodb.update_table(
        TableName=name,
        BillingMode="PROVISIONED",
        ProvisionedThroughput={"ReadCapacityUnits": 4, "WriteCapacityUnits": 2},
    )
    table = dynamodb.describe_table(TableName=name)["Table"]
    assert table["BillingModeSummary"]["BillingMode"] == "PROVISIONED"
    assert table["ProvisionedThroughput"]["ReadCapacityUnits"] == 4
    code, message = error_of(
        dynamodb.update_table,
        TableName=name,
        ProvisionedThroughput={"ReadCapacityUnits": 4, "WriteCapacityUnits": 2},
    )
    assert code == "ValidationException"
    assert message.startswith("The provisioned throughput for the table will not change.")
    dynamodb.update_table(TableName=name, BillingMode="PAY_PER_REQUEST")
    table = dynamodb.describe_table(TableName=name)["Table"]
    assert table["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST"


def test_time_to_live(dynamodb: Any) -> None:
    name = unique("Ttl")
    create(dynamodb, name)
    assert dynamodb.describe_time_to_live(TableName=name)["TimeToLiveDescription"] == {
        "TimeToLiveStatus": "DISABLED"
    }
    spec = {"AttributeName": "expires", "Enabled": True}
    answer = dynamodb.update_time_to_live(TableName=name, TimeToLiveSpecification=spec)
    assert answer["TimeToLiveSpecification"] == spec
    assert dynamodb.describe_time_to_live(TableName=name)["TimeToLiveDescription"] == {
        "TimeToLiveStatus": "ENABLED",
        "AttributeName": "expires",
    }
    assert error_of(dynamodb.update_time_to_live, TableName=name, TimeToLiveSpecification=spec) == (
        "ValidationException",
        "TimeToLive is already enabled",
    )


def test_tags(dynamodb: Any) -> None:
    name = unique("Tagged")
    arn = create(dynamodb, name)["TableArn"]
    dynamodb.tag_resource(ResourceArn=arn, Tags=[{"Key": "env", "Value": "test"}])
    assert dynamodb.list_tags_of_resource(ResourceArn=arn)["Tags"] == [
        {"Key": "env", "Value": "test"}
    ]
    dynamodb.untag_resource(ResourceArn=arn, TagKeys=["env"])
    assert dynamodb.list_tags_of_resource(ResourceArn=arn)["Tags"] == []
    missing = arn.replace(name, unique("Missing"))
    assert error_of(dynamodb.list_tags_of_resource, ResourceArn=missing) == (
        "ResourceNotFoundException",
        f"Requested resource not found: ResourcArn: {missing} not found",
    )


def test_list_tables_paginates(dynamodb: Any) -> None:
    prefix = unique("page")
    names = [f"{prefix}-{n}" for n in range(3)]
    for name in names:
        create(dynamodb, name)
    first = dynamodb.list_tables(ExclusiveStartTableName=f"{prefix}-", Limit=2)
    assert first["TableNames"] == names[:2]
    assert first["LastEvaluatedTableName"] == names[1]
    listed = [
        table
        for page in dynamodb.get_paginator("list_tables").paginate(PaginationConfig={"PageSize": 2})
        for table in page["TableNames"]
    ]
    assert all(name in listed for name in names)
    assert listed == sorted(listed)


def aws(server: ServerProcess, *args: str) -> subprocess.CompletedProcess[str]:
    cli = os.path.join(os.path.dirname(sys.executable), "aws")
    return subprocess.run(
        [cli, "dynamodb", *args, "--endpoint-url", server.endpoint, "--output", "json"],
        env=aws_cli_env(server),
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_aws_cli_table_commands(server: ServerProcess) -> None:
    name = unique("Cli")
    created = aws(
        server,
        "create-table",
        "--table-name", name,
        "--attribute-definitions", "AttributeName=Id,AttributeType=S",
        "--key-schema", "AttributeName=Id,KeyType=HASH",
        "--billing-mode", "PAY_PER_REQUEST",
    )  # fmt: skip
    assert created.returncode == 0, created.stderr
    assert json.loads(created.stdout)["TableDescription"]["TableName"] == name
    described = aws(server, "describe-table", "--table-name", name)
    assert json.loads(described.stdout)["Table"]["TableStatus"] == "ACTIVE"
    listed = aws(server, "list-tables")
    assert name in json.loads(listed.stdout)["TableNames"]
    missing = aws(server, "describe-table", "--table-name", unique("Nope"))
    assert missing.returncode != 0
    assert "ResourceNotFoundException" in missing.stderr
