"""PutItem, GetItem, UpdateItem and DeleteItem in process (API reference pages of the same
names; capacity per "Read/write capacity mode"; error texts as DynamoDB words them)."""

from __future__ import annotations

from typing import Any

import pytest
from tests.unit.dynamodb.conftest import ACCOUNT, REGION, Dynamo

from dynafed.core.authorization import AuthorizationRequest
from dynafed.errors import AccessDeniedException, ConditionalCheckFailedException

KEY = {"Artist": {"S": "Acme"}, "SongTitle": {"S": "Call Me Today"}}
ITEM = {**KEY, "Released": {"N": "2015"}, "Tags": {"SS": ["pop", "rock"]}}


@pytest.fixture
def music(dynamo: Dynamo) -> Dynamo:
    dynamo.create_table("Music")
    return dynamo


def get(dynamo: Dynamo, key: dict[str, Any] = KEY, **extra: Any) -> dict[str, Any]:
    return dynamo("GetItem", {"TableName": "Music", "Key": key, "ConsistentRead": True, **extra})


def put(dynamo: Dynamo, item: dict[str, Any] = ITEM, **extra: Any) -> dict[str, Any]:
    return dynamo("PutItem", {"TableName": "Music", "Item": item, **extra})


# --- put and get ---------------------------------------------------------------------------


def test_put_then_get(music: Dynamo) -> None:
    assert put(music) == {}
    assert get(music) == {"Item": ITEM}


def test_numbers_come_back_canonical(music: Dynamo) -> None:
    put(music, {**KEY, "a": {"N": "0012.500"}, "b": {"N": "-1E2"}, "c": {"NS": ["1.0", "2e0"]}})
    item = get(music)["Item"]
    assert (item["a"], item["b"], item["c"]) == ({"N": "12.5"}, {"N": "-100"}, {"NS": ["1", "2"]})


def test_get_missing_item_is_empty(music: Dynamo) -> None:
    assert get(music) == {}


def test_projection_expression_and_attributes_to_get(music: Dynamo) -> None:
    put(
        music,
        {**KEY, "Info": {"M": {"Label": {"S": "X"}, "Chart": {"N": "3"}}}, "Released": {"N": "1"}},
    )
    projected = get(
        music,
        ProjectionExpression="#i.Chart, #y",
        ExpressionAttributeNames={"#i": "Info", "#y": "Released"},
    )
    assert projected == {"Item": {"Info": {"M": {"Chart": {"N": "3"}}}, "Released": {"N": "1"}}}
    assert get(music, AttributesToGet=["Released"]) == {"Item": {"Released": {"N": "1"}}}


def test_projection_may_not_look_inside_a_key_attribute(music: Dynamo) -> None:
    body = {"TableName": "Music", "Key": KEY, "ProjectionExpression": "Artist.x"}
    assert music.error("GetItem", body) == (
        "ValidationException",
        "Key attributes must be scalars; list random access '[]' and map lookup '.' are not "
        "allowed: Key: Artist",
    )


def test_read_capacity(music: Dynamo) -> None:
    big = {**KEY, "Blob": {"S": "x" * 5000}}
    put(music, big)
    eventually = music(
        "GetItem", {"TableName": "Music", "Key": KEY, "ReturnConsumedCapacity": "TOTAL"}
    )
    assert eventually["ConsumedCapacity"] == {"TableName": "Music", "CapacityUnits": 1.0}
    strongly = get(music, ReturnConsumedCapacity="INDEXES")
    assert strongly["ConsumedCapacity"] == {
        "TableName": "Music",
        "CapacityUnits": 2.0,
        "Table": {"CapacityUnits": 2.0},
    }
    missing = music(
        "GetItem",
        {
            "TableName": "Music",
            "Key": {**KEY, "SongTitle": {"S": "x"}},
            "ReturnConsumedCapacity": "TOTAL",
        },
    )
    assert missing == {"ConsumedCapacity": {"TableName": "Music", "CapacityUnits": 0.5}}


def test_write_capacity_counts_the_larger_of_old_and_new(music: Dynamo) -> None:
    put(music, {**KEY, "Blob": {"S": "x" * 3000}})
    answer = put(music, ITEM, ReturnConsumedCapacity="TOTAL")
    assert answer["ConsumedCapacity"]["CapacityUnits"] == 3.0
    deleted = music(
        "DeleteItem", {"TableName": "Music", "Key": KEY, "ReturnConsumedCapacity": "TOTAL"}
    )
    assert deleted["ConsumedCapacity"]["CapacityUnits"] == 1.0


def test_index_writes_are_reported_with_indexes(dynamo: Dynamo) -> None:
    dynamo.create_table(
        "Music",
        AttributeDefinitions=[
            {"AttributeName": "Artist", "AttributeType": "S"},
            {"AttributeName": "SongTitle", "AttributeType": "S"},
            {"AttributeName": "Genre", "AttributeType": "S"},
        ],
        GlobalSecondaryIndexes=[
            {
                "IndexName": "ByGenre",
                "KeySchema": [{"AttributeName": "Genre", "KeyType": "HASH"}],
                "Projection": {"ProjectionType": "KEYS_ONLY"},
            }
        ],
    )
    answer = put(dynamo, {**KEY, "Genre": {"S": "Jazz"}}, ReturnConsumedCapacity="INDEXES")
    assert answer["ConsumedCapacity"] == {
        "TableName": "Music",
        "CapacityUnits": 2.0,
        "Table": {"CapacityUnits": 1.0},
        "GlobalSecondaryIndexes": {"ByGenre": {"CapacityUnits": 1.0}},
    }
    moved = put(dynamo, {**KEY, "Genre": {"S": "Rock"}}, ReturnConsumedCapacity="INDEXES")
    assert moved["ConsumedCapacity"]["GlobalSecondaryIndexes"] == {
        "ByGenre": {"CapacityUnits": 2.0}
    }
    assert dynamo.error(
        "PutItem", {"TableName": "Music", "Item": {**KEY, "Genre": {"N": "1"}}}
    ) == (
        "ValidationException",
        "One or more parameter values were invalid: Type mismatch for Index Key Genre "
        "Expected: S Actual: N IndexName: ByGenre",
    )


# --- keys ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "key",
    [
        {"Artist": {"S": "a"}},
        {"Artist": {"S": "a"}, "SongTitle": {"S": "b"}, "Extra": {"S": "c"}},
        {"Artist": {"N": "1"}, "SongTitle": {"S": "b"}},
        {"Artist": {"S": "a"}, "Other": {"S": "b"}},
    ],
)
def test_key_must_match_the_schema(music: Dynamo, key: dict[str, Any]) -> None:
    for operation in ("GetItem", "DeleteItem", "UpdateItem"):
        assert music.error(operation, {"TableName": "Music", "Key": key}) == (
            "ValidationException",
            "The provided key element does not match the schema",
        )


def test_item_key_errors(music: Dynamo) -> None:
    assert music.error("PutItem", {"TableName": "Music", "Item": {"Artist": {"S": "a"}}}) == (
        "ValidationException",
        "One or more parameter values were invalid: Missing the key SongTitle in the item",
    )
    wrong_type = {"Artist": {"N": "5"}, "SongTitle": {"S": "b"}}
    assert music.error("PutItem", {"TableName": "Music", "Item": wrong_type}) == (
        "ValidationException",
        "One or more parameter values were invalid: Type mismatch for key Artist expected: S "
        "actual: N",
    )
    empty = {"Artist": {"S": ""}, "SongTitle": {"S": "b"}}
    message = (
        "One or more parameter values are not valid. The AttributeValue for a key attribute "
        "cannot contain an empty string value. Key: Artist"
    )
    assert music.error("PutItem", {"TableName": "Music", "Item": empty}) == (
        "ValidationException",
        message,
    )
    assert music.error("GetItem", {"TableName": "Music", "Key": empty}) == (
        "ValidationException",
        message,
    )


def test_key_size_limits(music: Dynamo) -> None:
    too_long = {"Artist": {"S": "a" * 2049}, "SongTitle": {"S": "b"}}
    assert music.error("PutItem", {"TableName": "Music", "Item": too_long})[1] == (
        "One or more parameter values were invalid: Size of hashkey has exceeded the maximum "
        "size limit of2048 bytes"
    )
    sort_too_long = {"Artist": {"S": "a"}, "SongTitle": {"S": "b" * 1025}}
    assert music.error("GetItem", {"TableName": "Music", "Key": sort_too_long})[1] == (
        "One or more parameter values were invalid: Aggregated size of all range keys has "
        "exceeded the size limit of 1024 bytes"
    )


def test_empty_strings_are_fine_outside_keys(music: Dynamo) -> None:
    put(music, {**KEY, "Note": {"S": ""}, "Raw": {"B": ""}})
    assert get(music)["Item"]["Note"] == {"S": ""}


# --- request validation --------------------------------------------------------------------


def test_value_validation_messages(music: Dynamo) -> None:
    body = {"TableName": "Music", "Item": {**KEY, "Bad": {"SS": []}}}
    assert music.error("PutItem", body) == (
        "ValidationException",
        "One or more parameter values were invalid: An string set  may not be empty",
    )
    body = {"TableName": "Music", "Item": {**KEY, "Bad": {"S": 5}}}
    assert music.error("PutItem", body) == (
        "SerializationException",
        "NUMBER_VALUE cannot be converted to String",
    )


def test_item_size_limit_is_checked_before_the_table(dynamo: Dynamo) -> None:
    body = {"TableName": "NoSuchTable", "Item": {**KEY, "Blob": {"S": "x" * (400 * 1024)}}}
    assert dynamo.error("PutItem", body) == (
        "ValidationException",
        "Item size has exceeded the maximum allowed size",
    )


def test_put_and_delete_return_values_are_limited(music: Dynamo) -> None:
    for operation, member in (("PutItem", "Item"), ("DeleteItem", "Key")):
        body = {
            "TableName": "Music",
            member: ITEM if member == "Item" else KEY,
            "ReturnValues": "ALL_NEW",
        }
        assert music.error(operation, body) == (
            "ValidationException",
            "ReturnValues can only be ALL_OLD or NONE",
        )


def test_expression_parameter_rules(music: Dynamo) -> None:
    mixed = {
        "TableName": "Music",
        "Item": ITEM,
        "Expected": {"Released": {"Exists": False}},
        "ConditionExpression": "attribute_exists(Released)",
    }
    assert music.error("PutItem", mixed)[1] == (
        "Can not use both expression and non-expression parameters in the same request: "
        "Non-expression parameters: {Expected} Expression parameters: {ConditionExpression}"
    )
    unused = {
        "TableName": "Music",
        "Key": KEY,
        "ProjectionExpression": "Released",
        "ExpressionAttributeNames": {"#n": "Name"},
    }
    assert music.error("GetItem", unused)[1] == (
        "Value provided in ExpressionAttributeNames unused in expressions: keys: {#n}"
    )
    syntax = {"TableName": "Music", "Item": ITEM, "ConditionExpression": "Released ="}
    code, message = music.error("PutItem", syntax)
    assert code == "ValidationException"
    assert message.startswith("Invalid ConditionExpression: Syntax error;")


def test_missing_table(dynamo: Dynamo) -> None:
    for operation, member in (
        ("GetItem", "Key"),
        ("PutItem", "Item"),
        ("UpdateItem", "Key"),
        ("DeleteItem", "Key"),
    ):
        assert dynamo.error(
            operation, {"TableName": "Nope", member: ITEM if member == "Item" else KEY}
        ) == (
            "ResourceNotFoundException",
            "Requested resource not found",
        )


# --- conditions ----------------------------------------------------------------------------


def test_condition_failure_writes_nothing(music: Dynamo) -> None:
    put(music)
    body = {
        "TableName": "Music",
        "Item": {**KEY, "Released": {"N": "1999"}},
        "ConditionExpression": "attribute_not_exists(Artist)",
    }
    assert music.error("PutItem", body) == (
        "ConditionalCheckFailedException",
        "The conditional request failed",
    )
    assert get(music) == {"Item": ITEM}


def test_condition_failure_returns_the_item_when_asked(music: Dynamo) -> None:
    put(music)
    body = {
        "TableName": "Music",
        "Key": KEY,
        "ConditionExpression": "#y > :y",
        "ExpressionAttributeNames": {"#y": "Released"},
        "ExpressionAttributeValues": {":y": {"N": "3000"}},
        "ReturnValuesOnConditionCheckFailure": "ALL_OLD",
    }
    with pytest.raises(ConditionalCheckFailedException) as failure:
        music("DeleteItem", body)
    assert failure.value.extra_fields() == {"Item": ITEM}


def test_legacy_expected(music: Dynamo) -> None:
    put(music)
    assert put(music, ITEM, Expected={"Released": {"Value": {"N": "2015"}}}) == {}
    body = {
        "TableName": "Music",
        "Item": ITEM,
        "Expected": {
            "Released": {"ComparisonOperator": "GT", "AttributeValueList": [{"N": "2020"}]}
        },
    }
    assert music.error("PutItem", body)[0] == "ConditionalCheckFailedException"
    bad = {"TableName": "Music", "Item": ITEM, "Expected": {"Released": {}}}
    assert music.error("PutItem", bad)[1] == (
        "One or more parameter values were invalid: Value must be provided when Exists is null "
        "for Attribute: Released"
    )


def test_put_returns_the_old_item(music: Dynamo) -> None:
    assert put(music, ReturnValues="ALL_OLD") == {}
    replaced = put(music, KEY, ReturnValues="ALL_OLD")
    assert replaced == {"Attributes": ITEM}
    assert get(music) == {"Item": KEY}


# --- updates -------------------------------------------------------------------------------


def update(
    dynamo: Dynamo, expression: str, values: dict[str, Any] | None = None, **extra: Any
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "TableName": "Music",
        "Key": KEY,
        "UpdateExpression": expression,
        **extra,
    }
    if values:
        body["ExpressionAttributeValues"] = values
    return dynamo("UpdateItem", body)


def test_update_creates_a_missing_item(music: Dynamo) -> None:
    answer = update(music, "SET Plays = :one", {":one": {"N": "1"}}, ReturnValues="ALL_NEW")
    assert answer == {"Attributes": {**KEY, "Plays": {"N": "1"}}}


def test_update_actions_and_return_values(music: Dynamo) -> None:
    put(music)
    answer = update(
        music,
        "SET Released = Released + :one, Chart = :r REMOVE Absent ADD Genres :t DELETE Tags :gone",
        {":one": {"N": "1"}, ":r": {"S": "A"}, ":t": {"SS": ["jazz"]}, ":gone": {"SS": ["pop"]}},
        ReturnValues="UPDATED_NEW",
    )
    attributes = answer["Attributes"]
    assert attributes == {
        "Released": {"N": "2016"},
        "Chart": {"S": "A"},
        "Genres": {"SS": ["jazz"]},
        "Tags": {"SS": ["rock"]},
    }
    old = update(music, "REMOVE Chart", ReturnValues="UPDATED_OLD")
    assert old == {"Attributes": {"Chart": {"S": "A"}}}
    everything_old = update(music, "SET Released = :y", {":y": {"N": "1"}}, ReturnValues="ALL_OLD")
    assert everything_old["Attributes"]["Released"] == {"N": "2016"}
    assert get(music)["Item"]["Released"] == {"N": "1"}


def test_update_may_not_touch_key_attributes(music: Dynamo) -> None:
    body = {
        "TableName": "Music",
        "Key": KEY,
        "UpdateExpression": "SET SongTitle = :t",
        "ExpressionAttributeValues": {":t": {"S": "x"}},
    }
    assert music.error("UpdateItem", body) == (
        "ValidationException",
        "One or more parameter values were invalid: Cannot update attribute SongTitle. This "
        "attribute is part of the key",
    )
    legacy = {
        "TableName": "Music",
        "Key": KEY,
        "AttributeUpdates": {"Artist": {"Value": {"S": "x"}}},
    }
    assert music.error("UpdateItem", legacy)[1].endswith(
        "Cannot update attribute Artist. This attribute is part of the key"
    )


def test_update_with_failed_condition_creates_nothing(music: Dynamo) -> None:
    body = {
        "TableName": "Music",
        "Key": KEY,
        "UpdateExpression": "SET Plays = :one",
        "ConditionExpression": "attribute_exists(Artist)",
        "ExpressionAttributeValues": {":one": {"N": "1"}},
    }
    assert music.error("UpdateItem", body)[0] == "ConditionalCheckFailedException"
    assert get(music) == {}


def test_update_errors_from_the_item(music: Dynamo) -> None:
    put(music)
    body = {
        "TableName": "Music",
        "Key": KEY,
        "UpdateExpression": "SET Released = Nothing + :one",
        "ExpressionAttributeValues": {":one": {"N": "1"}},
    }
    assert music.error("UpdateItem", body) == (
        "ValidationException",
        "The provided expression refers to an attribute that does not exist in the item",
    )


def test_update_size_limit(music: Dynamo) -> None:
    put(music, {**KEY, "A": {"S": "x" * 300_000}})
    body = {
        "TableName": "Music",
        "Key": KEY,
        "UpdateExpression": "SET B = :b",
        "ExpressionAttributeValues": {":b": {"S": "y" * 200_000}},
    }
    assert music.error("UpdateItem", body) == (
        "ValidationException",
        "Item size to update has exceeded the maximum allowed size",
    )


def test_legacy_attribute_updates(music: Dynamo) -> None:
    body = {
        "TableName": "Music",
        "Key": KEY,
        "AttributeUpdates": {
            "Plays": {"Action": "ADD", "Value": {"N": "2"}},
            "Label": {"Value": {"S": "Indie"}},
        },
        "ReturnValues": "ALL_NEW",
    }
    assert music("UpdateItem", body) == {
        "Attributes": {**KEY, "Plays": {"N": "2"}, "Label": {"S": "Indie"}}
    }
    delete_only = {
        "TableName": "Music",
        "Key": {**KEY, "SongTitle": {"S": "Other"}},
        "AttributeUpdates": {"Label": {"Action": "DELETE"}},
    }
    music("UpdateItem", delete_only)
    assert get(music, {**KEY, "SongTitle": {"S": "Other"}}) == {}


# --- deletes and table lifecycle -----------------------------------------------------------


def test_delete_returns_the_old_item(music: Dynamo) -> None:
    put(music)
    assert music("DeleteItem", {"TableName": "Music", "Key": KEY, "ReturnValues": "ALL_OLD"}) == {
        "Attributes": ITEM
    }
    assert music("DeleteItem", {"TableName": "Music", "Key": KEY, "ReturnValues": "ALL_OLD"}) == {}
    assert get(music) == {}


def test_table_stats_and_recreated_table_starts_empty(music: Dynamo) -> None:
    put(music)
    table = music("DescribeTable", {"TableName": "Music"})["Table"]
    assert table["ItemCount"] == 1
    assert table["TableSizeBytes"] > 0
    music("DeleteTable", {"TableName": "Music"})
    music.create_table("Music")
    assert get(music) == {}
    assert music("DescribeTable", {"TableName": "Music"})["Table"]["ItemCount"] == 0


def test_item_operations_are_authorized_with_their_condition_keys(music: Dynamo) -> None:
    music.authorizer.requests.clear()
    put(music, ReturnConsumedCapacity="TOTAL")
    get(music, ProjectionExpression="Released")
    (put_request, get_request) = music.authorizer.requests
    arn = f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/Music"
    assert (put_request.action, put_request.resource) == ("dynamodb:PutItem", arn)
    assert put_request.condition_keys == {
        "dynamodb:LeadingKeys": ["Acme"],
        "dynamodb:Attributes": ["Artist", "Released", "SongTitle", "Tags"],
        "dynamodb:ReturnValues": ["NONE"],
        "dynamodb:ReturnConsumedCapacity": ["TOTAL"],
    }
    assert get_request.condition_keys == {
        "dynamodb:LeadingKeys": ["Acme"],
        "dynamodb:Attributes": ["Artist", "Released", "SongTitle"],
        "dynamodb:Select": ["SPECIFIC_ATTRIBUTES"],
    }


def test_denied_write_changes_nothing(music: Dynamo) -> None:
    class DenyWrites:
        def authorize(self, requests: list[AuthorizationRequest]) -> None:
            if any(r.action != "dynamodb:GetItem" for r in requests):
                raise AccessDeniedException("denied")

    with pytest.raises(AccessDeniedException):
        music.service.handle("PutItem", {"TableName": "Music", "Item": ITEM}, DenyWrites())
    assert music.service.handle("GetItem", {"TableName": "Music", "Key": KEY}, DenyWrites()) == {}
