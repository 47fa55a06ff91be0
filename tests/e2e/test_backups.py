"""On-demand backups (issue 20, item 7), driven with boto3 as a user would.

Semantics followed: the API reference of CreateBackup, DescribeBackup, ListBackups,
DeleteBackup and RestoreTableFromBackup, and the Developer Guide's "Using IAM with DynamoDB
backup and restore" for the actions each needs.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

import pytest

from tests.support.dynamodb_tables import create_table, error_of, index, unique
from tests.support.iam_users import allow, create_user_with_key, error_code, policy, user_client
from tests.support.server_process import ServerProcess

pytestmark = pytest.mark.e2e


def scan_all(dynamodb: Any, table: str) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    request: dict[str, Any] = {"TableName": table}
    while True:
        page = dynamodb.scan(**request)
        items += page["Items"]
        if "LastEvaluatedKey" not in page:
            return sorted(items, key=lambda item: (item["pk"]["S"], item["sk"]["N"]))
        request["ExclusiveStartKey"] = page["LastEvaluatedKey"]


def scored_table(dynamodb: Any) -> str:
    table = create_table(
        dynamodb,
        "Scores",
        ("pk", "S"),
        ("sk", "N"),
        attributes={"team": "S", "points": "N"},
        GlobalSecondaryIndexes=[index("ByTeam", "team", "points")],
        LocalSecondaryIndexes=[index("ByPoints", "pk", "points", projection="KEYS_ONLY")],
    )
    for n in range(30):
        dynamodb.put_item(
            TableName=table,
            Item={
                "pk": {"S": f"player-{n % 4}"},
                "sk": {"N": str(n)},
                "team": {"S": "red" if n % 2 else "blue"},
                "points": {"N": str(n * 10)},
            },
        )
    return table


def test_a_backup_restores_the_table_as_it_was_when_taken(dynamodb: Any) -> None:
    table = scored_table(dynamodb)
    before = scan_all(dynamodb, table)
    created = dynamodb.create_backup(TableName=table, BackupName="nightly")["BackupDetails"]
    arn = created["BackupArn"]
    assert re.fullmatch(
        rf"arn:aws:dynamodb:us-east-1:123456789012:table/{table}/backup/\d{{14}}-[0-9a-f]{{8}}",
        arn,
    )
    assert created["BackupName"] == "nightly"
    assert created["BackupStatus"] == "CREATING"
    assert created["BackupType"] == "USER"

    # Changes after the backup are not in it.
    dynamodb.put_item(TableName=table, Item={"pk": {"S": "late"}, "sk": {"N": "1"}})
    dynamodb.delete_item(TableName=table, Key={"pk": {"S": "player-0"}, "sk": {"N": "0"}})

    described = dynamodb.describe_backup(BackupArn=arn)["BackupDescription"]
    assert described["BackupDetails"]["BackupStatus"] == "AVAILABLE"
    source = described["SourceTableDetails"]
    assert source["TableName"] == table
    assert source["ItemCount"] == 30
    assert source["KeySchema"] == [
        {"AttributeName": "pk", "KeyType": "HASH"},
        {"AttributeName": "sk", "KeyType": "RANGE"},
    ]
    features = described["SourceTableFeatureDetails"]
    assert [i["IndexName"] for i in features["GlobalSecondaryIndexes"]] == ["ByTeam"]
    assert [i["IndexName"] for i in features["LocalSecondaryIndexes"]] == ["ByPoints"]

    target = unique("Restored")
    restored = dynamodb.restore_table_from_backup(TargetTableName=target, BackupArn=arn)
    description = restored["TableDescription"]
    assert description["TableName"] == target
    assert description["TableStatus"] == "CREATING"
    assert description["RestoreSummary"]["SourceBackupArn"] == arn
    assert description["RestoreSummary"]["RestoreInProgress"] is True

    dynamodb.get_waiter("table_exists").wait(TableName=target)
    assert scan_all(dynamodb, target) == before
    by_team = dynamodb.query(
        TableName=target,
        IndexName="ByTeam",
        KeyConditionExpression="team = :t AND points >= :p",
        ExpressionAttributeValues={":t": {"S": "red"}, ":p": {"N": "200"}},
    )
    assert [item["sk"]["N"] for item in by_team["Items"]] == ["21", "23", "25", "27", "29"]
    by_points = dynamodb.query(
        TableName=target,
        IndexName="ByPoints",
        KeyConditionExpression="pk = :p",
        ExpressionAttributeValues={":p": {"S": "player-0"}},
    )
    assert by_points["Count"] == 8

    code, message = error_of(
        dynamodb.restore_table_from_backup, TargetTableName=target, BackupArn=arn
    )
    assert (code, message) == ("TableAlreadyExistsException", f"Table already exists: {target}")

    # A backup outlives its table, as on AWS.
    dynamodb.delete_table(TableName=table)
    again = unique("AfterDelete")
    dynamodb.restore_table_from_backup(TargetTableName=again, BackupArn=arn)
    assert scan_all(dynamodb, again) == before


def test_restore_overrides_billing_mode(dynamodb: Any) -> None:
    table = create_table(dynamodb, "Billed", ("pk", "S"))
    dynamodb.put_item(TableName=table, Item={"pk": {"S": "a"}})
    arn = dynamodb.create_backup(TableName=table, BackupName="bak")["BackupDetails"]["BackupArn"]
    target = unique("Provisioned")
    dynamodb.restore_table_from_backup(
        TargetTableName=target,
        BackupArn=arn,
        BillingModeOverride="PROVISIONED",
        ProvisionedThroughputOverride={"ReadCapacityUnits": 3, "WriteCapacityUnits": 4},
    )
    restored = dynamodb.describe_table(TableName=target)["Table"]
    assert restored["ProvisionedThroughput"]["ReadCapacityUnits"] == 3
    assert restored["BillingModeSummary"]["BillingMode"] == "PROVISIONED"
    assert dynamodb.get_item(TableName=target, Key={"pk": {"S": "a"}})["Item"]


def test_list_filters_and_pages_and_delete_removes(dynamodb: Any) -> None:
    table = create_table(dynamodb, "Listed", ("pk", "S"))
    arns = [
        dynamodb.create_backup(TableName=table, BackupName=f"bak{n}")["BackupDetails"]["BackupArn"]
        for n in range(3)
    ]
    table_arn = f"arn:aws:dynamodb:us-east-1:123456789012:table/{table}"
    first = dynamodb.list_backups(TableName=table_arn, Limit=2)
    assert [s["BackupArn"] for s in first["BackupSummaries"]] == arns[:2]
    assert first["LastEvaluatedBackupArn"] == arns[1]
    rest = dynamodb.list_backups(TableName=table, ExclusiveStartBackupArn=arns[1])
    assert [s["BackupArn"] for s in rest["BackupSummaries"]] == arns[2:]
    assert "LastEvaluatedBackupArn" not in rest
    summary = rest["BackupSummaries"][0]
    assert summary["TableName"] == table
    assert summary["BackupStatus"] == "AVAILABLE"
    assert dynamodb.list_backups(TableName=table, BackupType="SYSTEM")["BackupSummaries"] == []
    long_ago = datetime(2001, 1, 1, tzinfo=UTC)
    since = dynamodb.list_backups(TableName=table, TimeRangeLowerBound=long_ago)
    assert len(since["BackupSummaries"]) == 3
    until = dynamodb.list_backups(TableName=table, TimeRangeUpperBound=long_ago)
    assert until["BackupSummaries"] == []

    deleted = dynamodb.delete_backup(BackupArn=arns[0])["BackupDescription"]
    assert deleted["BackupDetails"]["BackupStatus"] == "DELETED"
    assert error_of(dynamodb.describe_backup, BackupArn=arns[0]) == (
        "BackupNotFoundException",
        f"Backup not found: {arns[0]}",
    )
    assert error_of(dynamodb.delete_backup, BackupArn=arns[0])[0] == "BackupNotFoundException"
    listed = dynamodb.list_backups(TableName=table)["BackupSummaries"]
    assert [s["BackupArn"] for s in listed] == arns[1:]


def test_a_missing_table_or_backup_is_named(dynamodb: Any) -> None:
    assert error_of(dynamodb.create_backup, TableName="NoSuchTable", BackupName="bak") == (
        "TableNotFoundException",
        "Table not found: NoSuchTable",
    )
    missing = "arn:aws:dynamodb:us-east-1:123456789012:table/T/backup/01576616366715-b4e58d3a"
    code, _ = error_of(
        dynamodb.restore_table_from_backup, TargetTableName="Anywhere", BackupArn=missing
    )
    assert code == "BackupNotFoundException"


def test_backup_actions_are_authorized_on_the_documented_resources(
    server: ServerProcess, dynamodb: Any, iam: Any
) -> None:
    allowed = create_table(dynamodb, "Mine", ("pk", "S"))
    other = create_table(dynamodb, "Theirs", ("pk", "S"))
    table_arn = f"arn:aws:dynamodb:us-east-1:123456789012:table/{allowed}"
    key = create_user_with_key(
        iam,
        unique("backup-operator"),
        policy(
            allow(["dynamodb:CreateBackup", "dynamodb:DescribeBackup"], table_arn),
            allow("dynamodb:DescribeBackup", f"{table_arn}/backup/*"),
            allow("dynamodb:RestoreTableFromBackup", f"{table_arn}/backup/*"),
            allow("dynamodb:ListBackups"),
        ),
    )
    operator = user_client(server, "dynamodb", key)
    arn = operator.create_backup(TableName=allowed, BackupName="bak")["BackupDetails"]["BackupArn"]
    assert operator.describe_backup(BackupArn=arn)["BackupDescription"]
    assert operator.list_backups(TableName=allowed)["BackupSummaries"]
    assert error_code(lambda: operator.create_backup(TableName=other, BackupName="bak")) == (
        "AccessDeniedException"
    )
    assert error_code(lambda: operator.delete_backup(BackupArn=arn)) == "AccessDeniedException"
    # Restoring also needs the item actions on the target table, which it lacks.
    assert error_code(
        lambda: operator.restore_table_from_backup(TargetTableName=unique("T"), BackupArn=arn)
    ) == ("AccessDeniedException")
