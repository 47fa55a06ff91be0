"""Secondary indexes end to end: the real server and unmodified boto3.

Behaviour follows the Developer Guide pages "Using Global Secondary Indexes", "Local
secondary indexes", "Projections", "Take advantage of sparse indexes", "Managing Global
Secondary Indexes" (adding and deleting with UpdateTable, backfill, IndexStatus) and "Item
collections"; the API reference pages Query, Scan, UpdateTable and DescribeTable."""

from __future__ import annotations

from typing import Any

import pytest
from boto3.dynamodb.conditions import Key

from tests.support.dynamodb_tables import (
    create_table,
    error_of,
    index,
    query_all,
    resource,
    wait_for_index,
)
from tests.support.server_process import ServerProcess

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def games(dynamodb: Any) -> str:
    """GameScores with a KEYS_ONLY, an INCLUDE and an ALL global index, and a local index."""
    name = create_table(
        dynamodb,
        "GameScores",
        ("UserId", "S"),
        ("GameTitle", "S"),
        attributes={"TopScore": "N", "Level": "N", "Region": "S", "Played": "S"},
        GlobalSecondaryIndexes=[
            index("ByTitle", "GameTitle", "TopScore", "KEYS_ONLY"),
            index("ByLevel", "Level", None, "INCLUDE", ["Wins"]),
            index("ByRegion", "Region", "TopScore", "ALL"),
        ],
        LocalSecondaryIndexes=[index("ByPlayed", "UserId", "Played", "INCLUDE", ["Wins"])],
    )
    rows = [
        ("u1", "Meteor", 500, 1, "eu", "2024-03", 4),
        ("u2", "Meteor", 900, 2, "us", "2024-01", 9),
        ("u3", "Meteor", 100, 1, "eu", "2024-02", 1),
        ("u1", "Galaxy", 700, 3, "us", "2024-01", 6),
        ("u1", "Alien", 300, 3, None, "2024-02", 2),
    ]
    for user, title, score, level, region, played, wins in rows:
        item = {
            "UserId": {"S": user},
            "GameTitle": {"S": title},
            "TopScore": {"N": str(score)},
            "Level": {"N": str(level)},
            "Played": {"S": played},
            "Wins": {"N": str(wins)},
            "Losses": {"N": "0"},
        }
        if region is not None:
            item["Region"] = {"S": region}
        dynamodb.put_item(TableName=name, Item=item)
    return name


def users(items: list[dict[str, Any]]) -> list[str]:
    return [item["UserId"]["S"] for item in items]


def test_query_global_index_in_index_sort_order(dynamodb: Any, games: str) -> None:
    page = dynamodb.query(
        TableName=games,
        IndexName="ByTitle",
        KeyConditionExpression="GameTitle = :t AND TopScore > :s",
        ExpressionAttributeValues={":t": {"S": "Meteor"}, ":s": {"N": "200"}},
        ScanIndexForward=False,
    )
    assert page["Items"] == [
        {"UserId": {"S": "u2"}, "GameTitle": {"S": "Meteor"}, "TopScore": {"N": "900"}},
        {"UserId": {"S": "u1"}, "GameTitle": {"S": "Meteor"}, "TopScore": {"N": "500"}},
    ]


def test_projections_keys_only_include_all(dynamodb: Any, games: str) -> None:
    include = dynamodb.query(
        TableName=games,
        IndexName="ByLevel",
        KeyConditionExpression="#l = :l",
        ExpressionAttributeNames={"#l": "Level"},
        ExpressionAttributeValues={":l": {"N": "3"}},
    )
    assert sorted(sorted(item) for item in include["Items"]) == [
        ["GameTitle", "Level", "UserId", "Wins"],
        ["GameTitle", "Level", "UserId", "Wins"],
    ]
    everything = dynamodb.query(
        TableName=games,
        IndexName="ByRegion",
        KeyConditionExpression="#r = :r",
        ExpressionAttributeNames={"#r": "Region"},
        ExpressionAttributeValues={":r": {"S": "us"}},
        Select="ALL_ATTRIBUTES",
    )
    assert users(everything["Items"]) == ["u1", "u2"]
    assert "Losses" in everything["Items"][0]


def test_sparse_index_leaves_out_items_without_the_key(dynamodb: Any, games: str) -> None:
    scanned = dynamodb.scan(TableName=games, IndexName="ByRegion")
    assert sorted(item["GameTitle"]["S"] for item in scanned["Items"]) == [
        "Galaxy",
        "Meteor",
        "Meteor",
        "Meteor",
    ]
    described = dynamodb.describe_table(TableName=games)["Table"]
    counts = {
        entry["IndexName"]: entry["ItemCount"] for entry in described["GlobalSecondaryIndexes"]
    }
    assert counts == {"ByTitle": 5, "ByLevel": 5, "ByRegion": 4}
    sizes = {
        entry["IndexName"]: entry["IndexSizeBytes"] for entry in described["GlobalSecondaryIndexes"]
    }
    assert 0 < sizes["ByTitle"] < sizes["ByRegion"]  # KEYS_ONLY entries are smaller than ALL
    assert described["LocalSecondaryIndexes"][0]["ItemCount"] == 5


def test_local_index_fetches_what_its_projection_lacks(dynamodb: Any, games: str) -> None:
    projected = dynamodb.query(
        TableName=games,
        IndexName="ByPlayed",
        KeyConditionExpression="UserId = :u AND Played < :p",
        ExpressionAttributeValues={":u": {"S": "u1"}, ":p": {"S": "2024-03"}},
    )
    assert [item["Played"]["S"] for item in projected["Items"]] == ["2024-01", "2024-02"]
    assert all("Losses" not in item for item in projected["Items"])
    fetched = dynamodb.query(
        TableName=games,
        IndexName="ByPlayed",
        KeyConditionExpression="UserId = :u",
        ExpressionAttributeValues={":u": {"S": "u1"}},
        Select="ALL_ATTRIBUTES",
        ConsistentRead=True,
        ReturnConsumedCapacity="INDEXES",
    )
    assert all(item["Losses"] == {"N": "0"} for item in fetched["Items"])
    capacity = fetched["ConsumedCapacity"]
    assert capacity["LocalSecondaryIndexes"] == {"ByPlayed": {"CapacityUnits": 1.0}}
    assert capacity["Table"]["CapacityUnits"] == 1.0  # the table items fetched


def test_index_read_errors(dynamodb: Any, games: str) -> None:
    meteor = {":t": {"S": "Meteor"}}
    assert error_of(
        dynamodb.query,
        TableName=games,
        IndexName="ByTitle",
        KeyConditionExpression="GameTitle = :t",
        ExpressionAttributeValues=meteor,
        ConsistentRead=True,
    ) == ("ValidationException", "Consistent reads are not supported on global secondary indexes")
    assert error_of(
        dynamodb.query,
        TableName=games,
        IndexName="ByTitle",
        KeyConditionExpression="GameTitle = :t",
        ExpressionAttributeValues=meteor,
        Select="ALL_ATTRIBUTES",
    ) == (
        "ValidationException",
        "One or more parameter values were invalid: Select type ALL_ATTRIBUTES is not supported "
        "for global secondary index ByTitle because its projection type is not ALL",
    )
    assert error_of(
        dynamodb.query,
        TableName=games,
        IndexName="Nope",
        KeyConditionExpression="GameTitle = :t",
        ExpressionAttributeValues=meteor,
    ) == ("ValidationException", "The table does not have the specified index: Nope")
    assert error_of(
        dynamodb.query,
        TableName=games,
        IndexName="ByTitle",
        KeyConditionExpression="UserId = :t",
        ExpressionAttributeValues={":t": {"S": "u1"}},
    ) == ("ValidationException", "Query condition missed key schema element: GameTitle")


def test_writes_keep_indexes_in_step(dynamodb: Any, games: str) -> None:
    key = {"UserId": {"S": "u9"}, "GameTitle": {"S": "Comet"}}

    def region_users(region: str) -> list[str]:
        page = dynamodb.query(
            TableName=games,
            IndexName="ByRegion",
            KeyConditionExpression="#r = :r",
            ExpressionAttributeNames={"#r": "Region"},
            ExpressionAttributeValues={":r": {"S": region}},
        )
        return users(page["Items"])

    dynamodb.put_item(
        TableName=games, Item={**key, "Region": {"S": "apac"}, "TopScore": {"N": "1"}}
    )
    assert region_users("apac") == ["u9"]
    dynamodb.update_item(
        TableName=games,
        Key=key,
        UpdateExpression="SET #r = :r",
        ExpressionAttributeNames={"#r": "Region"},
        ExpressionAttributeValues={":r": {"S": "latam"}},
    )
    assert region_users("apac") == []
    assert region_users("latam") == ["u9"]
    dynamodb.update_item(TableName=games, Key=key, UpdateExpression="REMOVE TopScore")
    assert region_users("latam") == []  # the index sort key is gone: no entry
    dynamodb.delete_item(TableName=games, Key=key)
    assert dynamodb.scan(TableName=games, IndexName="ByRegion", Select="COUNT")["Count"] == 4


def test_index_key_types_are_enforced_on_writes(dynamodb: Any, games: str) -> None:
    assert error_of(
        dynamodb.put_item,
        TableName=games,
        Item={"UserId": {"S": "x"}, "GameTitle": {"S": "y"}, "Level": {"S": "high"}},
    ) == (
        "ValidationException",
        "One or more parameter values were invalid: Type mismatch for Index Key Level "
        "Expected: N Actual: S IndexName: ByLevel",
    )


def test_index_pages_carry_table_and_index_keys(dynamodb: Any) -> None:
    table = create_table(
        dynamodb,
        "Ties",
        ("pk", "S"),
        attributes={"g": "S", "r": "N"},
        GlobalSecondaryIndexes=[index("ByG", "g", "r")],
    )
    for number in range(5):
        dynamodb.put_item(
            TableName=table,
            Item={"pk": {"S": f"item-{number}"}, "g": {"S": "same"}, "r": {"N": "1"}},
        )
    first = dynamodb.query(
        TableName=table,
        IndexName="ByG",
        KeyConditionExpression="g = :g",
        ExpressionAttributeValues={":g": {"S": "same"}},
        Limit=2,
    )
    assert sorted(first["LastEvaluatedKey"]) == ["g", "pk", "r"]
    items, pages = query_all(
        dynamodb,
        client_method=dynamodb.query,
        TableName=table,
        IndexName="ByG",
        KeyConditionExpression="g = :g",
        ExpressionAttributeValues={":g": {"S": "same"}},
        Limit=2,
    )
    assert sorted(item["pk"]["S"] for item in items) == [f"item-{n}" for n in range(5)]
    assert pages == 3
    scanned, _ = query_all(
        dynamodb, client_method=dynamodb.scan, TableName=table, IndexName="ByG", Limit=2
    )
    assert len({item["pk"]["S"] for item in scanned}) == 5 == len(scanned)


def test_add_global_index_backfills_then_activates(dynamodb: Any) -> None:
    table = create_table(dynamodb, "Backfill", ("pk", "S"))
    for number in range(30):
        item = {"pk": {"S": f"p{number}"}, "color": {"S": "red" if number % 3 else "blue"}}
        dynamodb.put_item(TableName=table, Item=item)
    dynamodb.put_item(TableName=table, Item={"pk": {"S": "wrong"}, "color": {"N": "7"}})
    answer = dynamodb.update_table(
        TableName=table,
        AttributeDefinitions=[{"AttributeName": "color", "AttributeType": "S"}],
        GlobalSecondaryIndexUpdates=[{"Create": index("ByColor", "color", None, "KEYS_ONLY")}],
    )
    created = answer["TableDescription"]["GlobalSecondaryIndexes"][0]
    assert (created["IndexName"], created["IndexStatus"]) == ("ByColor", "CREATING")
    wait_for_index(dynamodb, table, "ByColor")
    page = dynamodb.query(
        TableName=table,
        IndexName="ByColor",
        KeyConditionExpression="color = :c",
        ExpressionAttributeValues={":c": {"S": "blue"}},
    )
    assert {item["pk"]["S"] for item in page["Items"]} == {f"p{n}" for n in range(0, 30, 3)}
    assert page["Count"] == 10
    described = dynamodb.describe_table(TableName=table)["Table"]
    # The item whose `color` is a number violates the index key type: left out, not an error.
    assert described["GlobalSecondaryIndexes"][0]["ItemCount"] == 30
    assert "Backfilling" not in described["GlobalSecondaryIndexes"][0]


def test_global_index_changes_one_at_a_time_and_deletion(dynamodb: Any) -> None:
    table = create_table(
        dynamodb,
        "Online",
        ("pk", "S"),
        attributes={"a": "S"},
        GlobalSecondaryIndexes=[index("ByA", "a")],
    )
    dynamodb.put_item(TableName=table, Item={"pk": {"S": "1"}, "a": {"S": "x"}})
    assert error_of(
        dynamodb.update_table,
        TableName=table,
        AttributeDefinitions=[
            {"AttributeName": "b", "AttributeType": "S"},
            {"AttributeName": "c", "AttributeType": "S"},
        ],
        GlobalSecondaryIndexUpdates=[
            {"Create": index("ByB", "b")},
            {"Create": index("ByC", "c")},
        ],
    ) == (
        "LimitExceededException",
        "Subscriber limit exceeded: Only 1 online index can be created or deleted "
        "simultaneously per table",
    )
    dynamodb.update_table(
        TableName=table, GlobalSecondaryIndexUpdates=[{"Delete": {"IndexName": "ByA"}}]
    )
    described = dynamodb.describe_table(TableName=table)["Table"]
    assert "GlobalSecondaryIndexes" not in described
    assert error_of(
        dynamodb.query,
        TableName=table,
        IndexName="ByA",
        KeyConditionExpression="a = :a",
        ExpressionAttributeValues={":a": {"S": "x"}},
    ) == ("ValidationException", "The table does not have the specified index: ByA")
    # The same name again starts from the table's items, not from the old entries.
    dynamodb.update_table(
        TableName=table,
        AttributeDefinitions=[{"AttributeName": "a", "AttributeType": "S"}],
        GlobalSecondaryIndexUpdates=[{"Create": index("ByA", "a")}],
    )
    wait_for_index(dynamodb, table, "ByA")
    assert dynamodb.scan(TableName=table, IndexName="ByA", Select="COUNT")["Count"] == 1


def test_item_collection_metrics_on_tables_with_local_indexes(dynamodb: Any, games: str) -> None:
    answer = dynamodb.put_item(
        TableName=games,
        Item={"UserId": {"S": "u1"}, "GameTitle": {"S": "Nova"}, "Played": {"S": "2025"}},
        ReturnItemCollectionMetrics="SIZE",
    )
    assert answer["ItemCollectionMetrics"] == {
        "ItemCollectionKey": {"UserId": {"S": "u1"}},
        "SizeEstimateRangeGB": [0.0, 1.0],
    }
    plain = create_table(dynamodb, "NoLsi", ("pk", "S"))
    answer = dynamodb.put_item(
        TableName=plain, Item={"pk": {"S": "1"}}, ReturnItemCollectionMetrics="SIZE"
    )
    assert "ItemCollectionMetrics" not in answer


def test_resource_layer_queries_an_index(server: ServerProcess, games: str) -> None:
    table = resource(server).Table(games)
    result = table.query(
        IndexName="ByRegion",
        KeyConditionExpression=Key("Region").eq("eu") & Key("TopScore").between(100, 500),
        ProjectionExpression="UserId, TopScore",
    )
    assert [(item["UserId"], int(item["TopScore"])) for item in result["Items"]] == [
        ("u3", 100),
        ("u1", 500),
    ]
