"""A GetItem or Query reads its table's document with the item or rows it expects, planned
against the table as this process last saw it (`context.read_table_and_item`,
`read_table_and_range`): when the table has changed since, what was read with the old plan
is dropped and the request is served by the table as it is now."""

from __future__ import annotations

from tests.unit.dynamodb.conftest import Dynamo


def recreate_with_numeric_keys(dynamo: Dynamo) -> None:
    dynamo("DeleteTable", {"TableName": "Music"})
    dynamo.create_table("Music", hash_key=("Artist", "N"), range_key=("SongTitle", "N"))
    item = {"Artist": {"N": "7"}, "SongTitle": {"N": "1"}, "Released": {"N": "2020"}}
    dynamo("PutItem", {"TableName": "Music", "Item": item})


def test_a_query_after_its_table_was_recreated_reads_the_new_table(dynamo: Dynamo) -> None:
    dynamo.create_table("Music")
    item = {"Artist": {"S": "Acme"}, "SongTitle": {"S": "One"}}
    dynamo("PutItem", {"TableName": "Music", "Item": item})
    by_string = {
        "TableName": "Music",
        "KeyConditionExpression": "Artist = :a",
        "ExpressionAttributeValues": {":a": {"S": "Acme"}},
    }
    assert dynamo("Query", by_string)["Count"] == 1
    recreate_with_numeric_keys(dynamo)
    code, message = dynamo.error("Query", by_string)
    assert code == "ValidationException"
    assert "type does not match" in message  # the new table's key is a number
    by_number = {**by_string, "ExpressionAttributeValues": {":a": {"N": "7"}}}
    assert dynamo("Query", by_number)["Items"] == [
        {"Artist": {"N": "7"}, "SongTitle": {"N": "1"}, "Released": {"N": "2020"}}
    ]


def test_a_get_after_its_table_was_recreated_reads_the_new_table(dynamo: Dynamo) -> None:
    dynamo.create_table("Music")
    key = {"Artist": {"N": "7"}, "SongTitle": {"N": "1"}}
    assert dynamo.error("GetItem", {"TableName": "Music", "Key": key})[0] == "ValidationException"
    recreate_with_numeric_keys(dynamo)
    assert dynamo("GetItem", {"TableName": "Music", "Key": key})["Item"]["Released"] == {
        "N": "2020"
    }


def test_a_query_of_a_deleted_table_is_not_found(dynamo: Dynamo) -> None:
    dynamo.create_table("Music")
    query = {
        "TableName": "Music",
        "KeyConditionExpression": "Artist = :a",
        "ExpressionAttributeValues": {":a": {"S": "Acme"}},
    }
    assert dynamo("Query", query)["Count"] == 0
    dynamo("DeleteTable", {"TableName": "Music"})
    assert dynamo.error("Query", query) == (
        "ResourceNotFoundException",
        "Requested resource not found",
    )
