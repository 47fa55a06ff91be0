"""Point-in-time recovery (issue 20, item 7), with boto3 as a user would.

Semantics followed: the API reference of UpdateContinuousBackups, DescribeContinuousBackups
and RestoreTableToPointInTime. boto3 sends `RestoreDateTime` in whole seconds, so the test
marks the moments between writes by waiting for the wall clock to pass a second boundary
(the server and the test share the clock): a write acknowledged before the boundary is in a
restore to it, a write sent after it is not.
"""

from __future__ import annotations

import math
import time
from datetime import UTC, datetime
from typing import Any

import pytest

from tests.support.dynamodb_tables import create_table, error_of, index, unique

pytestmark = pytest.mark.e2e


def next_second() -> datetime:
    """A whole second that has just passed: every write acknowledged before the call was
    made before it, every write sent after the call returns is made after it."""
    boundary = math.floor(time.time()) + 1
    while time.time() <= boundary + 0.002:  # at most a second, in small steps
        time.sleep(0.005)
    return datetime.fromtimestamp(boundary, tz=UTC)


def items(dynamodb: Any, table: str) -> dict[str, str]:
    scanned = dynamodb.scan(TableName=table)["Items"]
    return {item["pk"]["S"]: item["v"]["S"] for item in scanned}


def put(dynamodb: Any, table: str, key: str, value: str) -> None:
    item = {"pk": {"S": key}, "v": {"S": value}, "g": {"S": "all"}}
    dynamodb.put_item(TableName=table, Item=item)


def test_restore_to_a_point_in_time_gives_the_table_as_it_was(dynamodb: Any) -> None:
    table = create_table(
        dynamodb,
        "Recovered",
        ("pk", "S"),
        attributes={"g": "S"},
        GlobalSecondaryIndexes=[index("ByG", "g")],
    )
    put(dynamodb, table, "a", "1")
    put(dynamodb, table, "b", "1")
    assert dynamodb.describe_continuous_backups(TableName=table)[
        "ContinuousBackupsDescription"
    ] == {
        "ContinuousBackupsStatus": "ENABLED",
        "PointInTimeRecoveryDescription": {"PointInTimeRecoveryStatus": "DISABLED"},
    }
    enabled = dynamodb.update_continuous_backups(
        TableName=table,
        PointInTimeRecoverySpecification={
            "PointInTimeRecoveryEnabled": True,
            "RecoveryPeriodInDays": 7,
        },
    )["ContinuousBackupsDescription"]["PointInTimeRecoveryDescription"]
    assert enabled["PointInTimeRecoveryStatus"] == "ENABLED"
    assert enabled["RecoveryPeriodInDays"] == 7
    assert enabled["EarliestRestorableDateTime"] <= enabled["LatestRestorableDateTime"]

    put(dynamodb, table, "a", "2")
    dynamodb.delete_item(TableName=table, Key={"pk": {"S": "b"}})
    put(dynamodb, table, "c", "1")
    first = next_second()
    put(dynamodb, table, "a", "3")
    put(dynamodb, table, "d", "1")
    dynamodb.update_item(
        TableName=table,
        Key={"pk": {"S": "c"}},
        UpdateExpression="SET v = :v",
        ExpressionAttributeValues={":v": {"S": "2"}},
    )
    assert items(dynamodb, table) == {"a": "3", "c": "2", "d": "1"}

    target = unique("AsItWas")
    restored = dynamodb.restore_table_to_point_in_time(
        SourceTableName=table, TargetTableName=target, RestoreDateTime=first
    )["TableDescription"]
    assert restored["TableStatus"] == "CREATING"
    assert restored["RestoreSummary"]["SourceTableArn"].endswith(f":table/{table}")
    assert restored["RestoreSummary"]["RestoreDateTime"] == first
    assert items(dynamodb, target) == {"a": "2", "c": "1"}
    by_g = dynamodb.query(
        TableName=target,
        IndexName="ByG",
        KeyConditionExpression="g = :g",
        ExpressionAttributeValues={":g": {"S": "all"}},
    )
    assert by_g["Count"] == 2
    # A restore does not bring back point-in-time recovery itself, as on AWS.
    assert dynamodb.describe_continuous_backups(TableName=target)["ContinuousBackupsDescription"][
        "PointInTimeRecoveryDescription"
    ] == {"PointInTimeRecoveryStatus": "DISABLED"}

    latest = unique("Latest")
    dynamodb.restore_table_to_point_in_time(
        SourceTableName=table, TargetTableName=latest, UseLatestRestorableTime=True
    )
    assert items(dynamodb, latest) == {"a": "3", "c": "2", "d": "1"}


def test_restore_errors_are_awss(dynamodb: Any) -> None:
    table = create_table(dynamodb, "NoRecovery", ("pk", "S"))
    code, message = error_of(
        dynamodb.restore_table_to_point_in_time,
        SourceTableName=table,
        TargetTableName=unique("T"),
        UseLatestRestorableTime=True,
    )
    assert (code, message) == (
        "PointInTimeRecoveryUnavailableException",
        f"Point in time recovery is not enabled for table '{table}'",
    )
    assert error_of(
        dynamodb.restore_table_to_point_in_time,
        SourceTableName="NoSuchTable",
        TargetTableName=unique("T"),
        UseLatestRestorableTime=True,
    ) == ("SourceTableNotFoundException", "Source table not found: NoSuchTable")
    assert error_of(
        dynamodb.update_continuous_backups,
        TableName="NoSuchTable",
        PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": True},
    ) == ("TableNotFoundException", "Table not found: NoSuchTable")

    dynamodb.update_continuous_backups(
        TableName=table, PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": True}
    )
    code, _ = error_of(
        dynamodb.restore_table_to_point_in_time,
        SourceTableName=table,
        TargetTableName=unique("T"),
        RestoreDateTime=datetime(2020, 1, 1, tzinfo=UTC),
    )
    assert code == "InvalidRestoreTimeException"
    described = dynamodb.describe_continuous_backups(TableName=table)
    recovery = described["ContinuousBackupsDescription"]["PointInTimeRecoveryDescription"]
    assert recovery["RecoveryPeriodInDays"] == 35

    dynamodb.update_continuous_backups(
        TableName=table, PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": False}
    )
    code, _ = error_of(
        dynamodb.restore_table_to_point_in_time,
        SourceTableName=table,
        TargetTableName=unique("T"),
        UseLatestRestorableTime=True,
    )
    assert code == "PointInTimeRecoveryUnavailableException"
