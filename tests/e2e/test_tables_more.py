"""The control plane beyond the basics, end to end: indexes and streams as CreateTable stores
and DescribeTable describes them, tags, billing and throughput rules, table and index name
rules, ListTables paging, UpdateTable, Time to Live and tagging errors, through boto3 and the
AWS CLI.

Behaviour follows the API reference pages CreateTable, DescribeTable, ListTables, UpdateTable,
UpdateTimeToLive, DescribeTimeToLive, TagResource, UntagResource and ListTagsOfResource, and
the Developer Guide's "Supported data types and naming rules" (names of 3 to 255 characters
from a-z, A-Z, 0-9, `_`, `-` and `.`)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import uuid
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.support.clients import aws_cli_env
from tests.support.dynamodb_tables import error_of, raw_client, unique
from tests.support.server_process import ServerProcess

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def raw(server: ServerProcess) -> Any:
    """A client without botocore's parameter validation, to reach the server's own."""
    return raw_client(server)


INVALID = "One or more parameter values were invalid: "
PK = {"AttributeName": "pk", "AttributeType": "S"}
HASH = {"AttributeName": "pk", "KeyType": "HASH"}


def table_request(name: str | None = None, **extra: Any) -> dict[str, Any]:
    """A valid hash-key, on-demand CreateTable request; `extra` overrides members."""
    return {
        "TableName": name or unique("More"),
        "AttributeDefinitions": [PK],
        "KeySchema": [HASH],
        "BillingMode": "PAY_PER_REQUEST",
        **extra,
    }


def schema(hash_key: str, range_key: str | None = None) -> list[dict[str, str]]:
    keys = [{"AttributeName": hash_key, "KeyType": "HASH"}]
    if range_key is not None:
        keys.append({"AttributeName": range_key, "KeyType": "RANGE"})
    return keys


# --- indexes, streams, tags ---------------------------------------------------------------


def test_indexes_are_stored_and_described(dynamodb: Any, server: ServerProcess) -> None:
    name = unique("Indexed")
    definitions = [
        PK,
        {"AttributeName": "sk", "AttributeType": "S"},
        {"AttributeName": "rank", "AttributeType": "N"},
        {"AttributeName": "grp", "AttributeType": "B"},
    ]
    local = [
        {
            "IndexName": "ByRank",
            "KeySchema": schema("pk", "rank"),
            "Projection": {"ProjectionType": "INCLUDE", "NonKeyAttributes": ["title", "score"]},
        },
        {"IndexName": "ByRankKeys", "KeySchema": schema("pk", "rank"), "Projection": {
            "ProjectionType": "KEYS_ONLY"}},
    ]  # fmt: skip
    global_ = [
        {
            "IndexName": "ByGroup",
            "KeySchema": schema("grp", "rank"),
            "Projection": {"ProjectionType": "ALL"},
            "ProvisionedThroughput": {"ReadCapacityUnits": 7, "WriteCapacityUnits": 8},
        }
    ]
    created = dynamodb.create_table(
        TableName=name,
        AttributeDefinitions=definitions,
        KeySchema=schema("pk", "sk"),
        LocalSecondaryIndexes=local,
        GlobalSecondaryIndexes=global_,
        ProvisionedThroughput={"ReadCapacityUnits": 3, "WriteCapacityUnits": 4},
    )["TableDescription"]
    assert created["TableStatus"] == "CREATING"
    dynamodb.get_waiter("table_exists").wait(TableName=name, WaiterConfig={"Delay": 1})
    table = dynamodb.describe_table(TableName=name)["Table"]
    arn = f"arn:aws:dynamodb:{server.region}:{server.account_id}:table/{name}"
    assert table["TableArn"] == arn
    assert sorted(table["AttributeDefinitions"], key=lambda d: d["AttributeName"]) == sorted(
        definitions, key=lambda d: d["AttributeName"]
    )
    assert table["KeySchema"] == schema("pk", "sk")
    assert table["ProvisionedThroughput"]["ReadCapacityUnits"] == 3
    assert table["ProvisionedThroughput"]["WriteCapacityUnits"] == 4
    described_local = {index["IndexName"]: index for index in table["LocalSecondaryIndexes"]}
    assert described_local.keys() == {"ByRank", "ByRankKeys"}
    for given in local:
        described = described_local[given["IndexName"]]
        assert described["KeySchema"] == given["KeySchema"]
        assert described["Projection"] == given["Projection"]
        assert described["IndexArn"] == f"{arn}/index/{given['IndexName']}"
        assert (described["IndexSizeBytes"], described["ItemCount"]) == (0, 0)
    (described_global,) = table["GlobalSecondaryIndexes"]
    assert described_global["IndexName"] == "ByGroup"
    assert described_global["IndexArn"] == f"{arn}/index/ByGroup"
    assert described_global["IndexStatus"] == "ACTIVE"
    assert described_global["KeySchema"] == schema("grp", "rank")
    assert described_global["Projection"] == {"ProjectionType": "ALL"}
    throughput = described_global["ProvisionedThroughput"]
    assert (throughput["ReadCapacityUnits"], throughput["WriteCapacityUnits"]) == (7, 8)


def test_on_demand_global_indexes_describe_zero_throughput(dynamodb: Any) -> None:
    name = unique("OnDemandIndex")
    dynamodb.create_table(
        **table_request(
            name,
            AttributeDefinitions=[PK, {"AttributeName": "g", "AttributeType": "S"}],
            GlobalSecondaryIndexes=[
                {"IndexName": "ByG", "KeySchema": schema("g"), "Projection": {
                    "ProjectionType": "KEYS_ONLY"}}
            ],
        )
    )  # fmt: skip
    table = dynamodb.describe_table(TableName=name)["Table"]
    assert table["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST"
    (index,) = table["GlobalSecondaryIndexes"]
    throughput = index["ProvisionedThroughput"]
    assert (throughput["ReadCapacityUnits"], throughput["WriteCapacityUnits"]) == (0, 0)


def test_stream_specification(dynamodb: Any) -> None:
    name = unique("Streamed")
    spec = {"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"}
    dynamodb.create_table(**table_request(name, StreamSpecification=spec))
    table = dynamodb.describe_table(TableName=name)["Table"]
    assert table["StreamSpecification"] == spec
    label = table["LatestStreamLabel"]
    assert table["LatestStreamArn"] == f"{table['TableArn']}/stream/{label}"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}", label)
    quiet = unique("NoStream")
    dynamodb.create_table(**table_request(quiet, StreamSpecification={"StreamEnabled": False}))
    assert "LatestStreamArn" not in dynamodb.describe_table(TableName=quiet)["Table"]


def test_stream_specification_errors(raw: Any) -> None:
    assert error_of(
        raw.create_table, **table_request(StreamSpecification={"StreamEnabled": True})
    ) == (
        "ValidationException",
        INVALID + "You must specify a StreamViewType when enabling a stream",
    )
    assert error_of(
        raw.create_table,
        **table_request(
            StreamSpecification={"StreamEnabled": False, "StreamViewType": "KEYS_ONLY"}
        ),
    ) == (
        "ValidationException",
        INVALID + "StreamViewType cannot be specified when StreamEnabled is false",
    )


def test_tags_given_at_creation(dynamodb: Any) -> None:
    tags = [{"Key": "team", "Value": "games"}, {"Key": "env", "Value": ""}]
    arn = dynamodb.create_table(**table_request(Tags=tags))["TableDescription"]["TableArn"]
    listed = dynamodb.list_tags_of_resource(ResourceArn=arn)["Tags"]
    assert sorted(listed, key=lambda tag: tag["Key"]) == sorted(tags, key=lambda tag: tag["Key"])


# --- billing, throughput and name rules ---------------------------------------------------


def test_provisioned_is_the_default_billing_mode(dynamodb: Any) -> None:
    request = table_request(ProvisionedThroughput={"ReadCapacityUnits": 2, "WriteCapacityUnits": 3})
    del request["BillingMode"]
    created = dynamodb.create_table(**request)["TableDescription"]
    throughput = created["ProvisionedThroughput"]
    assert (throughput["ReadCapacityUnits"], throughput["WriteCapacityUnits"]) == (2, 3)
    assert created.get("BillingModeSummary", {"BillingMode": "PROVISIONED"}) == {
        "BillingMode": "PROVISIONED"
    }


def global_index(throughput: bool) -> dict[str, Any]:
    index: dict[str, Any] = {
        "IndexName": "ByG",
        "KeySchema": schema("g"),
        "Projection": {"ProjectionType": "ALL"},
    }
    if throughput:
        index["ProvisionedThroughput"] = {"ReadCapacityUnits": 1, "WriteCapacityUnits": 1}
    return index


WITH_G = [PK, {"AttributeName": "g", "AttributeType": "S"}]
ONE_EACH = {"ReadCapacityUnits": 1, "WriteCapacityUnits": 1}

# (CreateTable members over the valid on-demand request, exact message)
BILLING_ERRORS: list[tuple[dict[str, Any], str]] = [
    ({"ProvisionedThroughput": ONE_EACH}, INVALID + "Neither ReadCapacityUnits nor "
     "WriteCapacityUnits can be specified when BillingMode is PAY_PER_REQUEST"),
    ({"BillingMode": "PROVISIONED"}, INVALID + "ReadCapacityUnits and WriteCapacityUnits must "
     "both be specified when BillingMode is PROVISIONED"),
    ({"BillingMode": "PROVISIONED", "ProvisionedThroughput": {"ReadCapacityUnits": 0,
      "WriteCapacityUnits": 1}}, "1 validation error detected: Value '0' at "
     "'provisionedThroughput.readCapacityUnits' failed to satisfy constraint: Member must have "
     "value greater than or equal to 1"),
    ({"BillingMode": "FREE"}, "1 validation error detected: Value 'FREE' at 'billingMode' "
     "failed to satisfy constraint: Member must satisfy enum value set: [PROVISIONED, "
     "PAY_PER_REQUEST]"),
    ({"AttributeDefinitions": WITH_G, "GlobalSecondaryIndexes": [global_index(True)]}, INVALID
     + "ProvisionedThroughput should not be specified for index: ByG when BillingMode is "
     "PAY_PER_REQUEST"),
    ({"AttributeDefinitions": WITH_G, "GlobalSecondaryIndexes": [global_index(False)],
      "BillingMode": "PROVISIONED", "ProvisionedThroughput": ONE_EACH}, INVALID
     + "ProvisionedThroughput must be specified for index: ByG"),
]  # fmt: skip


@pytest.mark.parametrize(("members", "message"), BILLING_ERRORS)
def test_billing_and_throughput_rules(raw: Any, members: dict[str, Any], message: str) -> None:
    request = table_request(**members)
    assert error_of(raw.create_table, **request) == ("ValidationException", message)
    assert error_of(raw.describe_table, TableName=request["TableName"])[0] == (
        "ResourceNotFoundException"
    )


def test_table_name_lengths(dynamodb: Any, raw: Any) -> None:
    shortest = uuid.uuid4().hex[:3]
    longest = (unique("Long") + ".").ljust(255, "x")
    for name in (shortest, longest, f"a.b-c_{uuid.uuid4().hex[:6]}"):
        assert dynamodb.create_table(**table_request(name))["TableDescription"]["TableName"] == name
        assert dynamodb.describe_table(TableName=name)["Table"]["TableStatus"] == "ACTIVE"
    for name, constraint in (
        ("ab", "Member must have length greater than or equal to 3"),
        (longest + "x", "Member must have length less than or equal to 255"),
    ):
        assert error_of(raw.create_table, **table_request(name)) == (
            "ValidationException",
            f"1 validation error detected: Value '{name}' at 'tableName' failed to satisfy "
            f"constraint: {constraint}",
        )
    assert error_of(raw.create_table, **table_request("bad name!")) == (
        "ValidationException",
        "1 validation error detected: Value 'bad name!' at 'tableName' failed to satisfy "
        "constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+",
    )


def test_index_name_rules(raw: Any) -> None:

    def with_indexes(*names: str) -> dict[str, Any]:
        indexes = [{**global_index(False), "IndexName": name} for name in names]
        return table_request(AttributeDefinitions=WITH_G, GlobalSecondaryIndexes=indexes)

    assert error_of(raw.create_table, **with_indexes("g1")) == (
        "ValidationException",
        "1 validation error detected: Value 'g1' at 'globalSecondaryIndexes.1.member.indexName' "
        "failed to satisfy constraint: Member must have length greater than or equal to 3",
    )
    assert error_of(raw.create_table, **with_indexes("ByG", "ByG")) == (
        "ValidationException",
        INVALID + "Duplicate index name: ByG",
    )


def test_schema_rules(raw: Any) -> None:
    cases = [
        (
            {"KeySchema": schema("zz")},
            INVALID + "Some index key attributes are not defined in AttributeDefinitions. "
            "Keys: [zz], AttributeDefinitions: [pk]",
        ),
        (
            {"AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "BOOL"}]},
            "1 validation error detected: Value 'BOOL' at "
            "'attributeDefinitions.1.member.attributeType' failed to satisfy constraint: Member "
            "must satisfy enum value set: [B, N, S]",
        ),
        (
            {
                "AttributeDefinitions": [PK, {"AttributeName": "sk", "AttributeType": "S"}],
                "KeySchema": [HASH, {"AttributeName": "sk", "KeyType": "HASH"}],
            },
            "Invalid KeySchema: The second KeySchemaElement is not a RANGE key type",
        ),
        (
            {
                "AttributeDefinitions": [PK, {"AttributeName": "sk", "AttributeType": "S"}],
                "LocalSecondaryIndexes": [
                    {
                        "IndexName": "Local",
                        "KeySchema": schema("pk", "sk"),
                        "Projection": {"ProjectionType": "ALL"},
                    }
                ],
            },
            INVALID + "Table KeySchema does not have a range key, which is required when "
            "specifying a LocalSecondaryIndex",
        ),
        (
            {
                "AttributeDefinitions": WITH_G,
                "GlobalSecondaryIndexes": [
                    {**global_index(False), "Projection": {"ProjectionType": "INCLUDE"}}
                ],
            },
            INVALID + "ProjectionType is INCLUDE, but NonKeyAttributes is not specified",
        ),
    ]
    for members, message in cases:
        assert error_of(raw.create_table, **table_request(**members)) == (
            "ValidationException",
            message,
        )


def test_resource_in_use_whatever_the_schema(dynamodb: Any) -> None:
    name = unique("Taken")
    dynamodb.create_table(**table_request(name))
    other = table_request(
        name,
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "N"}],
        KeySchema=schema("id"),
    )
    assert error_of(dynamodb.create_table, **other) == (
        "ResourceInUseException",
        f"Table already exists: {name}",
    )
    assert dynamodb.describe_table(TableName=name)["Table"]["KeySchema"] == [HASH]


# --- ListTables ---------------------------------------------------------------------------


def test_list_tables_pages_in_name_order(dynamodb: Any) -> None:
    prefix = unique("Paged")
    names = [f"{prefix}-{n}" for n in range(5)]
    for name in reversed(names):
        dynamodb.create_table(**table_request(name))
    seen: list[str] = []
    start = f"{prefix}-"  # sorts just before the first of them
    pages = 0
    while len(seen) < len(names):
        page = dynamodb.list_tables(ExclusiveStartTableName=start, Limit=2)
        pages += 1
        assert len(page["TableNames"]) <= 2
        seen.extend(page["TableNames"])
        if "LastEvaluatedTableName" not in page:
            break  # the end of all tables
        start = page["LastEvaluatedTableName"]
        assert start == page["TableNames"][-1]
    assert seen[: len(names)] == names
    assert pages == 3
    past_everything = dynamodb.list_tables(ExclusiveStartTableName="z" * 255)
    assert past_everything["TableNames"] == []
    assert "LastEvaluatedTableName" not in past_everything


def test_list_tables_limit_bounds(raw: Any) -> None:
    for limit, bound in ((0, "greater than or equal to 1"), (101, "less than or equal to 100")):
        assert error_of(raw.list_tables, Limit=limit) == (
            "ValidationException",
            f"1 validation error detected: Value '{limit}' at 'limit' failed to satisfy "
            f"constraint: Member must have value {bound}",
        )


# --- UpdateTable --------------------------------------------------------------------------


def test_update_table_throughput_and_billing(dynamodb: Any) -> None:
    name = unique("Updated")
    dynamodb.create_table(
        **table_request(
            name,
            BillingMode="PROVISIONED",
            ProvisionedThroughput={"ReadCapacityUnits": 2, "WriteCapacityUnits": 3},
        )
    )
    answer = dynamodb.update_table(
        TableName=name, ProvisionedThroughput={"ReadCapacityUnits": 5, "WriteCapacityUnits": 3}
    )["TableDescription"]
    assert answer["TableStatus"] == "UPDATING"
    assert "LastIncreaseDateTime" in answer["ProvisionedThroughput"]
    described = dynamodb.describe_table(TableName=name)["Table"]
    assert described["ProvisionedThroughput"]["ReadCapacityUnits"] == 5
    assert error_of(
        dynamodb.update_table,
        TableName=name,
        ProvisionedThroughput={"ReadCapacityUnits": 5, "WriteCapacityUnits": 3},
    ) == (
        "ValidationException",
        "The provisioned throughput for the table will not change. The requested value equals "
        "the current value. Current ReadCapacityUnits provisioned for the table: 5. Requested "
        "ReadCapacityUnits: 5. Current WriteCapacityUnits provisioned for the table: 3. "
        "Requested WriteCapacityUnits: 3. Refer to the Amazon DynamoDB Developer Guide for "
        "current limits and how to request higher limits.",
    )
    dynamodb.update_table(TableName=name, BillingMode="PAY_PER_REQUEST")
    described = dynamodb.describe_table(TableName=name)["Table"]
    assert described["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST"
    assert "LastUpdateToPayPerRequestDateTime" in described["BillingModeSummary"]
    assert error_of(dynamodb.update_table, TableName=name, ProvisionedThroughput=ONE_EACH) == (
        "ValidationException",
        INVALID + "Neither ReadCapacityUnits nor WriteCapacityUnits can be specified when "
        "BillingMode is PAY_PER_REQUEST",
    )


def test_update_table_errors(dynamodb: Any, raw: Any) -> None:
    name = unique("UpdateErrors")
    dynamodb.create_table(**table_request(name))
    assert error_of(dynamodb.update_table, TableName=name) == (
        "ValidationException",
        "At least one of ProvisionedThroughput, BillingMode, UpdateStreamEnabled, "
        "GlobalSecondaryIndexUpdates or SSESpecification or ReplicaUpdates is required",
    )
    assert error_of(
        raw.update_table,
        TableName=name,
        BillingMode="PROVISIONED",
        ProvisionedThroughput={"ReadCapacityUnits": 0, "WriteCapacityUnits": 1},
    ) == (
        "ValidationException",
        "1 validation error detected: Value '0' at 'provisionedThroughput.readCapacityUnits' "
        "failed to satisfy constraint: Member must have value greater than or equal to 1",
    )
    missing = unique("Missing")
    assert error_of(dynamodb.update_table, TableName=missing, BillingMode="PAY_PER_REQUEST") == (
        "ResourceNotFoundException",
        f"Requested resource not found: Table: {missing} not found",
    )


# --- Time to Live -------------------------------------------------------------------------


def test_time_to_live_round_trip(dynamodb: Any) -> None:
    name = unique("Ttl")
    dynamodb.create_table(**table_request(name))

    def status() -> dict[str, Any]:
        described: dict[str, Any] = dynamodb.describe_time_to_live(TableName=name)[
            "TimeToLiveDescription"
        ]
        return described

    def switch(enabled: bool) -> Any:
        return dynamodb.update_time_to_live(
            TableName=name,
            TimeToLiveSpecification={"AttributeName": "expires", "Enabled": enabled},
        )

    assert status() == {"TimeToLiveStatus": "DISABLED"}
    assert error_of(switch, enabled=False) == (
        "ValidationException",
        "TimeToLive is already disabled",
    )
    assert switch(True)["TimeToLiveSpecification"] == {"AttributeName": "expires", "Enabled": True}
    assert status() == {"TimeToLiveStatus": "ENABLED", "AttributeName": "expires"}
    assert error_of(switch, enabled=True) == (
        "ValidationException",
        "TimeToLive is already enabled",
    )
    assert switch(False)["TimeToLiveSpecification"] == {"Enabled": False}
    assert status() == {"TimeToLiveStatus": "DISABLED"}
    missing = unique("Missing")
    for call in (dynamodb.describe_time_to_live, dynamodb.delete_table):
        assert error_of(call, TableName=missing) == (
            "ResourceNotFoundException",
            f"Requested resource not found: Table: {missing} not found",
        )


# --- tags ---------------------------------------------------------------------------------


def test_tag_untag_list(dynamodb: Any, raw: Any) -> None:
    arn = dynamodb.create_table(**table_request())["TableDescription"]["TableArn"]
    dynamodb.tag_resource(
        ResourceArn=arn, Tags=[{"Key": "a", "Value": "1"}, {"Key": "b", "Value": "2"}]
    )
    dynamodb.tag_resource(ResourceArn=arn, Tags=[{"Key": "a", "Value": "3"}])  # replaces
    listed = dynamodb.list_tags_of_resource(ResourceArn=arn)["Tags"]
    assert sorted(listed, key=lambda tag: tag["Key"]) == [
        {"Key": "a", "Value": "3"},
        {"Key": "b", "Value": "2"},
    ]
    dynamodb.untag_resource(ResourceArn=arn, TagKeys=["a", "never-there"])
    assert dynamodb.list_tags_of_resource(ResourceArn=arn)["Tags"] == [{"Key": "b", "Value": "2"}]
    assert error_of(raw.tag_resource, ResourceArn=arn, Tags=[]) == (
        "ValidationException",
        "Atleast one Tag needs to be provided as Input.",
    )
    assert error_of(raw.tag_resource, ResourceArn=arn, Tags=[{"Key": "k" * 129, "Value": "v"}]) == (
        "ValidationException",
        f"1 validation error detected: Value '{'k' * 129}' at 'tags.1.member.key' failed to "
        "satisfy constraint: Member must have length less than or equal to 128",
    )
    assert error_of(
        raw.tag_resource, ResourceArn="not-an-arn", Tags=[{"Key": "k", "Value": "v"}]
    ) == (
        "ValidationException",
        "Invalid TableArn: Invalid ResourceArn provided as input not-an-arn",
    )
    missing = arn + "-gone"
    assert error_of(
        dynamodb.tag_resource, ResourceArn=missing, Tags=[{"Key": "k", "Value": "v"}]
    ) == (
        "ResourceNotFoundException",
        f"Requested resource not found: ResourcArn: {missing} not found",
    )


# --- the AWS CLI --------------------------------------------------------------------------


def aws(server: ServerProcess, *args: str) -> subprocess.CompletedProcess[str]:
    cli = os.path.join(os.path.dirname(sys.executable), "aws")
    return subprocess.run(
        [cli, "dynamodb", *args, "--endpoint-url", server.endpoint, "--output", "json"],
        env=aws_cli_env(server),
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_aws_cli_indexes_ttl_and_tags(server: ServerProcess, dynamodb: Any) -> None:
    name = unique("CliMore")
    created = aws(
        server,
        "create-table",
        "--table-name", name,
        "--attribute-definitions", "AttributeName=pk,AttributeType=S",
        "AttributeName=g,AttributeType=N",
        "--key-schema", "AttributeName=pk,KeyType=HASH",
        "--billing-mode", "PAY_PER_REQUEST",
        "--global-secondary-indexes", json.dumps([{
            "IndexName": "ByG", "KeySchema": schema("g"), "Projection": {"ProjectionType": "ALL"}
        }]),
        "--tags", "Key=owner,Value=cli",
    )  # fmt: skip
    assert created.returncode == 0, created.stderr
    arn = json.loads(created.stdout)["TableDescription"]["TableArn"]
    described = dynamodb.describe_table(TableName=name)["Table"]
    assert [index["IndexName"] for index in described["GlobalSecondaryIndexes"]] == ["ByG"]
    assert dynamodb.list_tags_of_resource(ResourceArn=arn)["Tags"] == [
        {"Key": "owner", "Value": "cli"}
    ]
    ttl = aws(
        server,
        "update-time-to-live",
        "--table-name", name,
        "--time-to-live-specification", "Enabled=true,AttributeName=expires",
    )  # fmt: skip
    assert ttl.returncode == 0, ttl.stderr
    assert json.loads(ttl.stdout) == {
        "TimeToLiveSpecification": {"Enabled": True, "AttributeName": "expires"}
    }
    assert dynamodb.describe_time_to_live(TableName=name)["TimeToLiveDescription"] == {
        "TimeToLiveStatus": "ENABLED",
        "AttributeName": "expires",
    }
    again = aws(
        server,
        "create-table",
        "--table-name", name,
        "--attribute-definitions", "AttributeName=pk,AttributeType=S",
        "--key-schema", "AttributeName=pk,KeyType=HASH",
        "--billing-mode", "PAY_PER_REQUEST",
    )  # fmt: skip
    assert again.returncode != 0
    assert (
        "An error occurred (ResourceInUseException) when calling the CreateTable operation: "
        f"Table already exists: {name}" in again.stderr
    )


# --- settings AWS stores and describes; features not served --------------------------------


def test_encryption_on_demand_limits_and_warm_throughput_are_stored_and_described(
    dynamodb: Any, server: ServerProcess
) -> None:
    client = dynamodb
    name = unique("Settings")
    gsi = {
        "IndexName": "byOther",
        "KeySchema": [{"AttributeName": "other", "KeyType": "HASH"}],
        "Projection": {"ProjectionType": "KEYS_ONLY"},
        "OnDemandThroughput": {"MaxReadRequestUnits": 50, "MaxWriteRequestUnits": 20},
        "WarmThroughput": {"ReadUnitsPerSecond": 13000, "WriteUnitsPerSecond": 5000},
    }
    client.create_table(
        **table_request(
            name,
            AttributeDefinitions=[PK, {"AttributeName": "other", "AttributeType": "S"}],
            GlobalSecondaryIndexes=[gsi],
            SSESpecification={"Enabled": True, "SSEType": "KMS", "KMSMasterKeyId": "alias/games"},
            OnDemandThroughput={"MaxReadRequestUnits": 100, "MaxWriteRequestUnits": 40},
            WarmThroughput={"ReadUnitsPerSecond": 14000, "WriteUnitsPerSecond": 6000},
        )
    )
    table = client.describe_table(TableName=name)["Table"]
    assert table["SSEDescription"] == {
        "Status": "ENABLED",
        "SSEType": "KMS",
        "KMSMasterKeyArn": f"arn:aws:kms:{server.region}:{server.account_id}:alias/games",
    }
    assert table["OnDemandThroughput"] == {"MaxReadRequestUnits": 100, "MaxWriteRequestUnits": 40}
    assert table["WarmThroughput"] == {
        "ReadUnitsPerSecond": 14000,
        "WriteUnitsPerSecond": 6000,
        "Status": "ACTIVE",
    }
    index = table["GlobalSecondaryIndexes"][0]
    assert index["OnDemandThroughput"] == {"MaxReadRequestUnits": 50, "MaxWriteRequestUnits": 20}
    assert index["WarmThroughput"]["ReadUnitsPerSecond"] == 13000

    client.update_table(
        TableName=name,
        SSESpecification={"Enabled": False},
        WarmThroughput={"ReadUnitsPerSecond": 15000, "WriteUnitsPerSecond": 7000},
        GlobalSecondaryIndexUpdates=[
            {"Update": {"IndexName": "byOther", "OnDemandThroughput": {"MaxReadRequestUnits": 9}}}
        ],
    )
    table = client.describe_table(TableName=name)["Table"]
    assert "SSEDescription" not in table  # back to the AWS owned key
    assert table["WarmThroughput"]["WriteUnitsPerSecond"] == 7000
    assert table["GlobalSecondaryIndexes"][0]["OnDemandThroughput"] == {"MaxReadRequestUnits": 9}


def test_the_aws_managed_key_is_one_per_account_and_region(
    dynamodb: Any, server: ServerProcess
) -> None:
    client = dynamodb
    arns = set()
    for _ in range(2):
        name = unique("Managed")
        client.create_table(**table_request(name, SSESpecification={"Enabled": True}))
        arns.add(
            client.describe_table(TableName=name)["Table"]["SSEDescription"]["KMSMasterKeyArn"]
        )
    (arn,) = arns
    assert arn.startswith(f"arn:aws:kms:{server.region}:{server.account_id}:key/")


def test_an_index_update_needs_some_throughput_setting(raw: Any) -> None:
    name = unique("IndexUpdate")
    raw.create_table(
        **table_request(
            name,
            AttributeDefinitions=[PK, {"AttributeName": "other", "AttributeType": "S"}],
            GlobalSecondaryIndexes=[
                {
                    "IndexName": "byOther",
                    "KeySchema": [{"AttributeName": "other", "KeyType": "HASH"}],
                    "Projection": {"ProjectionType": "ALL"},
                }
            ],
        )
    )
    code, message = error_of(
        lambda: raw.update_table(
            TableName=name, GlobalSecondaryIndexUpdates=[{"Update": {"IndexName": "byOther"}}]
        )
    )
    assert code == "ValidationException"
    assert "must be specified for index: byOther" in message


@pytest.mark.parametrize(
    ("operation", "member", "value"),
    [
        ("create_table", "ResourcePolicy", '{"Version": "2012-10-17", "Statement": []}'),
        (
            "create_table",
            "GlobalTableSourceArn",
            "arn:aws:dynamodb:us-west-2:123456789012:table/Source",
        ),
        ("update_table", "ReplicaUpdates", [{"Create": {"RegionName": "us-west-2"}}]),
        ("update_table", "MultiRegionConsistency", "STRONG"),
    ],
)
def test_features_not_served_are_refused_not_ignored(
    dynamodb: Any, operation: str, member: str, value: Any
) -> None:
    client = dynamodb
    name = unique("NotServed")
    if operation == "update_table":
        client.create_table(**table_request(name))
        request: dict[str, Any] = {"TableName": name}
    else:
        request = table_request(name)
    code, message = error_of(lambda: getattr(client, operation)(**request, **{member: value}))
    assert code == "ValidationException"
    assert message.startswith(f"{member} is not supported by this server: ")
    if operation == "create_table":
        tables = client.list_tables()["TableNames"]
        assert name not in tables  # nothing half-created


@pytest.mark.parametrize(
    "call",
    [
        lambda client, arn: client.list_tags_of_resource(ResourceArn=arn),
        lambda client, arn: client.tag_resource(ResourceArn=arn, Tags=[{"Key": "k", "Value": "v"}]),
        lambda client, arn: client.get_item(TableName=arn, Key={"pk": {"S": "a"}}),
        lambda client, arn: client.describe_table(TableName=arn),
        lambda client, arn: client.batch_get_item(
            RequestItems={arn: {"Keys": [{"pk": {"S": "a"}}]}}
        ),
    ],
    ids=["ListTagsOfResource", "TagResource", "GetItem", "DescribeTable", "BatchGetItem"],
)
def test_another_accounts_table_is_access_denied_even_to_the_admin(
    dynamodb: Any, server: ServerProcess, call: Any
) -> None:
    """IAM's cross-account rule: only a resource-based policy of the other account could
    allow it, and this server holds none (AWS answers the same)."""
    other = "210987654321"
    arn = f"arn:aws:dynamodb:{server.region}:{other}:table/Theirs"
    with pytest.raises(ClientError) as denied:
        call(dynamodb, arn)
    error = denied.value.response["Error"]
    assert error["Code"] == "AccessDeniedException"
    assert error["Message"].startswith(f"User: arn:aws:iam::{server.account_id}:root is not ")
    assert error["Message"].endswith(
        f"on resource: {arn} because no resource-based policy allows the "
        f"{error['Message'].split('perform: ')[1].split(' ')[0]} action"
    )


def test_a_table_may_be_named_by_its_arn(dynamodb: Any, server: ServerProcess) -> None:
    """DynamoDB accepts a table's ARN wherever a request names a table (API reference,
    `TableName`: "You can also provide the Amazon Resource Name (ARN) of the table")."""
    name = unique("ByArn")
    dynamodb.create_table(**table_request(name))
    arn = f"arn:aws:dynamodb:{server.region}:{server.account_id}:table/{name}"
    item = {"pk": {"S": "a"}, "n": {"N": "1"}}
    dynamodb.put_item(TableName=arn, Item=item)
    assert dynamodb.get_item(TableName=name, Key={"pk": {"S": "a"}})["Item"] == item
    assert dynamodb.get_item(TableName=arn, Key={"pk": {"S": "a"}})["Item"] == item
    assert dynamodb.describe_table(TableName=arn)["Table"]["TableName"] == name
    got = dynamodb.batch_get_item(RequestItems={arn: {"Keys": [{"pk": {"S": "a"}}]}})
    assert got["Responses"] == {arn: [item]}
    other_region = arn.replace(server.region, "eu-west-3")
    with pytest.raises(ClientError) as missing:
        dynamodb.get_item(TableName=other_region, Key={"pk": {"S": "a"}})
    assert missing.value.response["Error"]["Code"] == "ResourceNotFoundException"


def test_describe_endpoints_names_this_server(dynamodb: Any, server: ServerProcess) -> None:
    """A client using endpoint discovery keeps talking to the server it was pointed at."""
    (endpoint,) = dynamodb.describe_endpoints()["Endpoints"]
    assert endpoint == {
        "Address": server.endpoint.removeprefix("http://"),
        "CachePeriodInMinutes": 1440,
    }
