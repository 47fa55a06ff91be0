"""DescribeTable, ListTables, DeleteTable, UpdateTable, TTL and tag operations (API reference
pages of the same names; messages as DynamoDB words them)."""

from __future__ import annotations

import pytest
from tests.unit.dynamodb.conftest import ACCOUNT, REGION, Dynamo

ARN = f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/Music"


def test_describe_table_reports_active(dynamo: Dynamo) -> None:
    created = dynamo.create_table("Music")
    described = dynamo("DescribeTable", {"TableName": "Music"})["Table"]
    assert described == {**created, "TableStatus": "ACTIVE"}


@pytest.mark.parametrize("operation", ["DescribeTable", "DeleteTable", "DescribeTimeToLive"])
def test_missing_table(dynamo: Dynamo, operation: str) -> None:
    assert dynamo.error(operation, {"TableName": "Nope"}) == (
        "ResourceNotFoundException",
        "Requested resource not found: Table: Nope not found",
    )


def test_list_tables_pages_in_name_order(dynamo: Dynamo) -> None:
    for name in ["ccc", "aaa", "bbb", "ddd"]:
        dynamo.create_table(name)
    first = dynamo("ListTables", {"Limit": 2})
    assert first == {"TableNames": ["aaa", "bbb"], "LastEvaluatedTableName": "bbb"}
    second = dynamo("ListTables", {"Limit": 2, "ExclusiveStartTableName": "bbb"})
    assert second == {"TableNames": ["ccc", "ddd"]}
    assert dynamo("ListTables", {}) == {"TableNames": ["aaa", "bbb", "ccc", "ddd"]}


def test_list_tables_limit_bounds(dynamo: Dynamo) -> None:
    assert dynamo.error("ListTables", {"Limit": 101}) == (
        "ValidationException",
        "1 validation error detected: Value '101' at 'limit' failed to satisfy constraint: "
        "Member must have value less than or equal to 100",
    )


def test_list_tables_is_authorized_on_star(dynamo: Dynamo) -> None:
    dynamo("ListTables", {})
    assert [(r.action, r.resource) for r in dynamo.authorizer.requests] == [
        ("dynamodb:ListTables", "*")
    ]


def test_delete_table_answers_deleting_and_forgets_the_table(dynamo: Dynamo) -> None:
    dynamo.create_table("Music")
    description = dynamo("DeleteTable", {"TableName": "Music"})["TableDescription"]
    assert description["TableStatus"] == "DELETING"
    assert dynamo("ListTables", {}) == {"TableNames": []}


def test_deletion_protection_blocks_delete(dynamo: Dynamo) -> None:
    dynamo.create_table("Music", DeletionProtectionEnabled=True)
    code, message = dynamo.error("DeleteTable", {"TableName": "Music"})
    assert code == "ValidationException"
    assert "protected against deletion" in message
    dynamo("UpdateTable", {"TableName": "Music", "DeletionProtectionEnabled": False})
    dynamo("DeleteTable", {"TableName": "Music"})


def test_update_table_needs_a_change(dynamo: Dynamo) -> None:
    dynamo.create_table("Music")
    assert dynamo.error("UpdateTable", {"TableName": "Music"}) == (
        "ValidationException",
        "At least one of ProvisionedThroughput, BillingMode, UpdateStreamEnabled, "
        "GlobalSecondaryIndexUpdates or SSESpecification or ReplicaUpdates is required",
    )


def test_switch_to_provisioned_then_change_throughput(dynamo: Dynamo) -> None:
    dynamo.create_table("Music")
    throughput = {"ReadCapacityUnits": 5, "WriteCapacityUnits": 5}
    dynamo(
        "UpdateTable",
        {"TableName": "Music", "BillingMode": "PROVISIONED", "ProvisionedThroughput": throughput},
    )
    table = dynamo("DescribeTable", {"TableName": "Music"})["Table"]
    assert table["BillingModeSummary"]["BillingMode"] == "PROVISIONED"
    assert table["ProvisionedThroughput"]["ReadCapacityUnits"] == 5

    dynamo.clock.advance(60)
    answer = dynamo(
        "UpdateTable",
        {
            "TableName": "Music",
            "ProvisionedThroughput": {"ReadCapacityUnits": 2, "WriteCapacityUnits": 9},
        },
    )["TableDescription"]
    # Like AWS: the answer still shows the old units while the change is "in flight".
    assert answer["TableStatus"] == "UPDATING"
    assert answer["ProvisionedThroughput"]["ReadCapacityUnits"] == 5
    described = dynamo("DescribeTable", {"TableName": "Music"})["Table"]["ProvisionedThroughput"]
    assert described["ReadCapacityUnits"] == 2
    assert described["WriteCapacityUnits"] == 9
    assert described["NumberOfDecreasesToday"] == 1
    assert described["LastDecreaseDateTime"] == dynamo.clock.now()
    assert described["LastIncreaseDateTime"] == dynamo.clock.now()


def test_unchanged_throughput_is_refused(dynamo: Dynamo) -> None:
    throughput = {"ReadCapacityUnits": 3, "WriteCapacityUnits": 4}
    dynamo.create_table("Music", BillingMode="PROVISIONED", ProvisionedThroughput=throughput)
    code, message = dynamo.error(
        "UpdateTable", {"TableName": "Music", "ProvisionedThroughput": throughput}
    )
    assert code == "ValidationException"
    assert message.startswith(
        "The provisioned throughput for the table will not change. The requested value equals "
        "the current value. Current ReadCapacityUnits provisioned for the table: 3. "
        "Requested ReadCapacityUnits: 3."
    )


def test_throughput_on_on_demand_table_is_refused(dynamo: Dynamo) -> None:
    dynamo.create_table("Music")
    body = {
        "TableName": "Music",
        "ProvisionedThroughput": {"ReadCapacityUnits": 1, "WriteCapacityUnits": 1},
    }
    assert dynamo.error("UpdateTable", body)[1] == (
        "One or more parameter values were invalid: Neither ReadCapacityUnits nor "
        "WriteCapacityUnits can be specified when BillingMode is PAY_PER_REQUEST"
    )


def test_global_index_create_and_delete(dynamo: Dynamo) -> None:
    dynamo.create_table("Music")
    create = {
        "Create": {
            "IndexName": "ByGenre",
            "KeySchema": [{"AttributeName": "Genre", "KeyType": "HASH"}],
            "Projection": {"ProjectionType": "KEYS_ONLY"},
        }
    }
    dynamo(
        "UpdateTable",
        {
            "TableName": "Music",
            "AttributeDefinitions": [{"AttributeName": "Genre", "AttributeType": "S"}],
            "GlobalSecondaryIndexUpdates": [create],
        },
    )
    table = dynamo("DescribeTable", {"TableName": "Music"})["Table"]
    assert [index["IndexName"] for index in table["GlobalSecondaryIndexes"]] == ["ByGenre"]
    assert {"AttributeName": "Genre", "AttributeType": "S"} in table["AttributeDefinitions"]

    dynamo(
        "UpdateTable",
        {
            "TableName": "Music",
            "GlobalSecondaryIndexUpdates": [{"Delete": {"IndexName": "ByGenre"}}],
        },
    )
    table = dynamo("DescribeTable", {"TableName": "Music"})["Table"]
    assert "GlobalSecondaryIndexes" not in table
    assert {"AttributeName": "Genre", "AttributeType": "S"} not in table["AttributeDefinitions"]


def test_repeated_index_update_is_refused(dynamo: Dynamo) -> None:
    body = {
        "TableName": "Music",
        "GlobalSecondaryIndexUpdates": [
            {"Delete": {"IndexName": "abc"}},
            {"Delete": {"IndexName": "abc"}},
        ],
    }
    assert dynamo.error("UpdateTable", body)[1] == (
        "One or more parameter values were invalid: Only one global secondary index update per "
        "index is allowed simultaneously. Index: abc"
    )


def test_stream_enable_and_disable(dynamo: Dynamo) -> None:
    dynamo.create_table("Music")
    enable = {"StreamEnabled": True, "StreamViewType": "KEYS_ONLY"}
    dynamo("UpdateTable", {"TableName": "Music", "StreamSpecification": enable})
    table = dynamo("DescribeTable", {"TableName": "Music"})["Table"]
    assert table["StreamSpecification"] == enable
    _code, message = dynamo.error(
        "UpdateTable", {"TableName": "Music", "StreamSpecification": enable}
    )
    assert message.startswith(
        "One or more parameter values were invalid: Table already has an enabled stream"
    )
    dynamo("UpdateTable", {"TableName": "Music", "StreamSpecification": {"StreamEnabled": False}})
    assert "StreamSpecification" not in dynamo("DescribeTable", {"TableName": "Music"})["Table"]


def test_time_to_live_round_trip(dynamo: Dynamo) -> None:
    dynamo.create_table("Music")
    assert dynamo("DescribeTimeToLive", {"TableName": "Music"}) == {
        "TimeToLiveDescription": {"TimeToLiveStatus": "DISABLED"}
    }
    spec = {"AttributeName": "expires", "Enabled": True}
    assert dynamo("UpdateTimeToLive", {"TableName": "Music", "TimeToLiveSpecification": spec}) == {
        "TimeToLiveSpecification": spec
    }
    assert dynamo("DescribeTimeToLive", {"TableName": "Music"}) == {
        "TimeToLiveDescription": {"TimeToLiveStatus": "ENABLED", "AttributeName": "expires"}
    }
    assert dynamo.error(
        "UpdateTimeToLive", {"TableName": "Music", "TimeToLiveSpecification": spec}
    ) == (
        "ValidationException",
        "TimeToLive is already enabled",
    )
    off = {"AttributeName": "expires", "Enabled": False}
    assert dynamo("UpdateTimeToLive", {"TableName": "Music", "TimeToLiveSpecification": off}) == {
        "TimeToLiveSpecification": {"Enabled": False}
    }
    assert dynamo.error("UpdateTimeToLive", {"TableName": "Music", "TimeToLiveSpecification": off})[
        1
    ] == ("TimeToLive is already disabled")


def test_time_to_live_validation(dynamo: Dynamo) -> None:
    _code, message = dynamo.error(
        "UpdateTimeToLive", {"TableName": "Music", "TimeToLiveSpecification": {}}
    )
    assert message.startswith("2 validation errors detected: ")
    assert dynamo.error(
        "UpdateTimeToLive",
        {"TableName": "Music", "TimeToLiveSpecification": {"AttributeName": "", "Enabled": True}},
    ) == ("ValidationException", "TimeToLiveSpecification.AttributeName must be non empty")
    assert dynamo.error(
        "UpdateTimeToLive",
        {"TableName": "Nope", "TimeToLiveSpecification": {"AttributeName": "x", "Enabled": True}},
    ) == ("ResourceNotFoundException", "Requested resource not found: Table: Nope not found")


def test_tags_round_trip(dynamo: Dynamo) -> None:
    dynamo.create_table("Music", Tags=[{"Key": "team", "Value": "a"}])
    dynamo(
        "TagResource",
        {
            "ResourceArn": ARN,
            "Tags": [{"Key": "env", "Value": "dev"}, {"Key": "team", "Value": "b"}],
        },
    )
    assert dynamo("ListTagsOfResource", {"ResourceArn": ARN}) == {
        "Tags": [{"Key": "team", "Value": "b"}, {"Key": "env", "Value": "dev"}]
    }
    dynamo("UntagResource", {"ResourceArn": ARN, "TagKeys": ["team", "absent"]})
    assert dynamo("ListTagsOfResource", {"ResourceArn": ARN}) == {
        "Tags": [{"Key": "env", "Value": "dev"}]
    }
    actions = [(r.action, r.resource) for r in dynamo.authorizer.requests[1:]]
    assert actions == [
        ("dynamodb:TagResource", ARN),
        ("dynamodb:ListTagsOfResource", ARN),
        ("dynamodb:UntagResource", ARN),
        ("dynamodb:ListTagsOfResource", ARN),
    ]


@pytest.mark.parametrize(
    ("operation", "body", "error"),
    [
        ("TagResource", {}, ("ValidationException", "Invalid TableArn")),
        (
            "TagResource",
            {"ResourceArn": "a:b:c:d:e:f/g"},
            (
                "ValidationException",
                "1 validation error detected: Value null at 'tags' failed to satisfy constraint: "
                "Member must not be null",
            ),
        ),
        (
            "TagResource",
            {"ResourceArn": "a:b:c:d:e:f/g", "Tags": []},
            (
                "ValidationException",
                "Invalid TableArn: Invalid ResourceArn provided as input a:b:c:d:e:f/g",
            ),
        ),
        (
            "TagResource",
            {"ResourceArn": ARN, "Tags": []},
            ("ValidationException", "Atleast one Tag needs to be provided as Input."),
        ),
        (
            "TagResource",
            {"ResourceArn": ARN, "Tags": [{"Key": "a", "Value": "b"}]},
            (
                "ResourceNotFoundException",
                f"Requested resource not found: ResourcArn: {ARN} not found",
            ),
        ),
        (
            "UntagResource",
            {"ResourceArn": ARN, "TagKeys": []},
            ("ValidationException", "Atleast one Tag Key needs to be provided as Input."),
        ),
        (
            "UntagResource",
            {"ResourceArn": ARN, "TagKeys": ["a"]},
            ("ResourceNotFoundException", "Requested resource not found"),
        ),
        (
            "ListTagsOfResource",
            {"ResourceArn": f"{ARN}/index/ByGenre"},
            (
                "ValidationException",
                f"Invalid TableArn: Invalid ResourceArn provided as input {ARN}/index/ByGenre",
            ),
        ),
        (
            "ListTagsOfResource",
            {"ResourceArn": ARN},
            (
                "ResourceNotFoundException",
                f"Requested resource not found: ResourcArn: {ARN} not found",
            ),
        ),
    ],
)
def test_tag_errors(
    dynamo: Dynamo, operation: str, body: dict[str, object], error: tuple[str, str]
) -> None:
    assert dynamo.error(operation, body) == error


def test_unknown_operation(dynamo: Dynamo) -> None:
    assert dynamo.error("DoSomething", {})[0] == "UnknownOperationException"
