"""A GetItem or Query reads its table's document with the item or rows it expects, planned
against the table as its service last saw it (`TablesSeen.read_with_item`,
`read_with_range`): when the table has changed since, what was read with the old plan
is dropped and the request is served by the table as it is now. A PutItem, UpdateItem or
DeleteItem is checked against the table as last seen and its transaction re-reads it
(`OperationContext.against_table`): a changed table means the write is prepared again."""

from __future__ import annotations

import pytest
from tests.unit.dynamodb.conftest import Dynamo

from dynafed.core.authorization import AllowAll
from dynafed.dynamodb.context import PREPARED_AGAINST_ANOTHER_TABLE, TableChanged
from dynafed.errors import ValidationException
from dynafed.storage.port import DocumentChangedError


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


# Writes are checked and authorized against the table as this process last saw it
# (`OperationContext.against_table`); their transaction re-reads the table.

NUMERIC_KEY = {"Artist": {"N": "7"}, "SongTitle": {"N": "1"}}


def seen_with_string_keys(dynamo: Dynamo) -> None:
    dynamo.create_table("Music")
    item = {"Artist": {"S": "Acme"}, "SongTitle": {"S": "One"}}
    dynamo("PutItem", {"TableName": "Music", "Item": item})


def test_a_put_after_its_table_was_recreated_writes_to_the_new_table(dynamo: Dynamo) -> None:
    seen_with_string_keys(dynamo)
    dynamo("DeleteTable", {"TableName": "Music"})
    dynamo.create_table("Music", hash_key=("Artist", "N"), range_key=("SongTitle", "N"))
    item = {**NUMERIC_KEY, "Released": {"N": "2021"}}
    dynamo("PutItem", {"TableName": "Music", "Item": item})  # the old table would refuse it
    assert dynamo("GetItem", {"TableName": "Music", "Key": NUMERIC_KEY})["Item"] == item


def test_an_update_and_a_delete_after_their_table_was_recreated_use_the_new_table(
    dynamo: Dynamo,
) -> None:
    seen_with_string_keys(dynamo)
    recreate_with_numeric_keys(dynamo)
    update = {
        "TableName": "Music",
        "Key": NUMERIC_KEY,
        "UpdateExpression": "SET Released = :r",
        "ExpressionAttributeValues": {":r": {"N": "2022"}},
        "ReturnValues": "ALL_NEW",
    }
    assert dynamo("UpdateItem", update)["Attributes"]["Released"] == {"N": "2022"}
    recreate_with_numeric_keys(dynamo)
    deleted = dynamo(
        "DeleteItem", {"TableName": "Music", "Key": NUMERIC_KEY, "ReturnValues": "ALL_OLD"}
    )
    assert deleted["Attributes"]["Released"] == {"N": "2020"}


def test_a_write_to_a_table_deleted_since_it_was_seen_is_not_found(dynamo: Dynamo) -> None:
    seen_with_string_keys(dynamo)
    dynamo("DeleteTable", {"TableName": "Music"})
    item = {"Artist": {"S": "Acme"}, "SongTitle": {"S": "Two"}}
    assert dynamo.error("PutItem", {"TableName": "Music", "Item": item}) == (
        "ResourceNotFoundException",
        "Requested resource not found",
    )


def test_a_refused_write_against_an_unchanged_table_is_decided_once(dynamo: Dynamo) -> None:
    seen_with_string_keys(dynamo)
    dynamo.authorizer.requests.clear()
    wrong_type = {"Artist": {"N": "1"}, "SongTitle": {"S": "One"}}
    with pytest.raises(ValidationException):
        dynamo.service.handle(
            "PutItem", {"TableName": "Music", "Item": wrong_type}, dynamo.authorizer
        )
    assert [r.action for r in dynamo.authorizer.requests] == ["dynamodb:PutItem"]


BLIND_PUT: dict[str, object] = {}
CONDITIONAL_PUT = {
    "ConditionExpression": "attribute_not_exists(Artist)",
}


@pytest.mark.parametrize(
    ("extra", "raised"),
    [
        # Overwrites unread: expects the table's document as last seen instead of reading it.
        pytest.param(BLIND_PUT, PREPARED_AGAINST_ANOTHER_TABLE, id="blind"),
        pytest.param(CONDITIONAL_PUT, TableChanged, id="conditional"),
    ],
)
def test_a_write_prepared_before_its_table_was_replaced_is_prepared_again(
    dynamo: Dynamo, extra: dict[str, object], raised: type[Exception] | tuple[type[Exception], ...]
) -> None:
    seen_with_string_keys(dynamo)
    item = {"Artist": {"S": "Acme"}, "SongTitle": {"S": "Two"}}
    request = {"TableName": "Music", "Item": item, **extra}
    deferred = dynamo.service.prepare("PutItem", request, AllowAll())
    assert deferred is not None
    dynamo("DeleteTable", {"TableName": "Music"})
    dynamo.create_table("Music")
    with pytest.raises(raised):  # the edge prepares it again (dynamodb_endpoint)
        deferred.run(dynamo.storage)
    again = dynamo.service.prepare("PutItem", request, AllowAll(), tables_as_last_seen=False)
    assert again is not None
    again.run(dynamo.storage)
    key = {"Artist": {"S": "Acme"}, "SongTitle": {"S": "Two"}}
    assert dynamo("GetItem", {"TableName": "Music", "Key": key})["Item"] == item
    old_key = {"Artist": {"S": "Acme"}, "SongTitle": {"S": "One"}}
    assert "Item" not in dynamo("GetItem", {"TableName": "Music", "Key": old_key})


def test_a_blind_delete_prepared_before_its_table_was_replaced_is_prepared_again(
    dynamo: Dynamo,
) -> None:
    seen_with_string_keys(dynamo)
    key = {"Artist": {"S": "Acme"}, "SongTitle": {"S": "One"}}
    request = {"TableName": "Music", "Key": key}
    deferred = dynamo.service.prepare("DeleteItem", request, AllowAll())
    assert deferred is not None
    dynamo("DeleteTable", {"TableName": "Music"})
    dynamo.create_table("Music")
    dynamo("PutItem", {"TableName": "Music", "Item": key})
    with pytest.raises(DocumentChangedError):  # expected the old table's document
        deferred.run(dynamo.storage)
    assert dynamo("GetItem", {"TableName": "Music", "Key": key})["Item"] == key
    again = dynamo.service.prepare("DeleteItem", request, AllowAll(), tables_as_last_seen=False)
    assert again is not None
    again.run(dynamo.storage)
    assert "Item" not in dynamo("GetItem", {"TableName": "Music", "Key": key})
