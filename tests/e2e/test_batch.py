"""BatchGetItem and BatchWriteItem end to end: the real server and unmodified boto3 (client
and the resource layer's `batch_writer` / `batch_get_item`).

Behaviour follows the API reference pages BatchGetItem and BatchWriteItem; error texts are
DynamoDB's (the ones a test suite run against AWS records)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.support.dynamodb_tables import (
    create_table,
    error_of,
    index,
    raw_client,
    resource,
    unique,
)
from tests.support.server_process import ServerProcess

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def raw_dynamodb(server: ServerProcess) -> Any:
    return raw_client(server)


@pytest.fixture(scope="module")
def users(dynamodb: Any) -> str:
    return create_table(dynamodb, "Users", ("id", "S"))


@pytest.fixture(scope="module")
def orders(dynamodb: Any) -> str:
    return create_table(
        dynamodb,
        "Orders",
        ("customer", "S"),
        ("order", "N"),
        attributes={"status": "S"},
        GlobalSecondaryIndexes=[index("ByStatus", "status", "order")],
    )


def put_request(item: dict[str, Any]) -> dict[str, Any]:
    return {"PutRequest": {"Item": item}}


def test_write_then_read_across_tables(dynamodb: Any, users: str, orders: str) -> None:
    written = dynamodb.batch_write_item(
        RequestItems={
            users: [
                put_request({"id": {"S": f"u{n}"}, "name": {"S": f"User {n}"}}) for n in range(5)
            ],
            orders: [
                put_request(
                    {
                        "customer": {"S": "u1"},
                        "order": {"N": str(n)},
                        "status": {"S": "open" if n % 2 else "done"},
                    }
                )
                for n in range(4)
            ],
        },
        ReturnConsumedCapacity="TOTAL",
    )
    assert written["UnprocessedItems"] == {}
    assert sorted(written["ConsumedCapacity"], key=lambda entry: entry["TableName"]) == sorted(
        [
            {"TableName": users, "CapacityUnits": 5.0},
            # each order also writes its ByStatus entry
            {"TableName": orders, "CapacityUnits": 8.0},
        ],
        key=lambda entry: entry["TableName"],
    )
    read = dynamodb.batch_get_item(
        RequestItems={
            users: {
                "Keys": [{"id": {"S": "u1"}}, {"id": {"S": "u3"}}, {"id": {"S": "missing"}}],
                "ProjectionExpression": "#n",
                "ExpressionAttributeNames": {"#n": "name"},
            },
            orders: {
                "Keys": [{"customer": {"S": "u1"}, "order": {"N": str(n)}} for n in range(4)],
                "ConsistentRead": True,
            },
        },
        ReturnConsumedCapacity="TOTAL",
    )
    assert read["UnprocessedKeys"] == {}
    assert sorted(item["name"]["S"] for item in read["Responses"][users]) == ["User 1", "User 3"]
    assert len(read["Responses"][orders]) == 4
    capacity = {entry["TableName"]: entry["CapacityUnits"] for entry in read["ConsumedCapacity"]}
    assert capacity == {users: 1.5, orders: 4.0}  # every key is read, found or not
    opened = dynamodb.query(
        TableName=orders,
        IndexName="ByStatus",
        KeyConditionExpression="#s = :s",
        ExpressionAttributeNames={"#s": "status"},
        ExpressionAttributeValues={":s": {"S": "open"}},
    )
    assert [item["order"]["N"] for item in opened["Items"]] == ["1", "3"]


def test_deletes_and_puts_in_one_batch(dynamodb: Any, users: str) -> None:
    dynamodb.put_item(TableName=users, Item={"id": {"S": "gone"}})
    dynamodb.batch_write_item(
        RequestItems={
            users: [
                {"DeleteRequest": {"Key": {"id": {"S": "gone"}}}},
                put_request({"id": {"S": "new"}}),
            ]
        }
    )
    assert "Item" not in dynamodb.get_item(TableName=users, Key={"id": {"S": "gone"}})
    assert "Item" in dynamodb.get_item(TableName=users, Key={"id": {"S": "new"}})


def test_batch_get_legacy_attributes_to_get(dynamodb: Any, users: str) -> None:
    dynamodb.put_item(
        TableName=users, Item={"id": {"S": "legacy"}, "a": {"N": "1"}, "b": {"N": "2"}}
    )
    read = dynamodb.batch_get_item(
        RequestItems={users: {"Keys": [{"id": {"S": "legacy"}}], "AttributesToGet": ["b"]}}
    )
    assert read["Responses"][users] == [{"b": {"N": "2"}}]


def test_batch_get_errors(dynamodb: Any, raw_dynamodb: Any, users: str, orders: str) -> None:
    assert error_of(raw_dynamodb.batch_get_item, RequestItems={}) == (
        "ValidationException",
        "The requestItems parameter is required for BatchGetItem",
    )
    assert error_of(
        dynamodb.batch_get_item,
        RequestItems={users: {"Keys": [{"id": {"S": f"k{n}"}} for n in range(101)]}},
    ) == (
        "ValidationException",
        f"1 validation error detected: Value at 'RequestItems.{users}.member.Keys' failed to "
        "satisfy constraint: Member must have length less than or equal to 100",
    )
    assert error_of(
        dynamodb.batch_get_item,
        RequestItems={
            users: {"Keys": [{"id": {"S": f"k{n}"}} for n in range(60)]},
            orders: {"Keys": [{"customer": {"S": "c"}, "order": {"N": str(n)}} for n in range(41)]},
        },
    ) == ("ValidationException", "Too many items requested for the BatchGetItem call")
    assert error_of(
        dynamodb.batch_get_item,
        RequestItems={users: {"Keys": [{"id": {"S": "same"}}, {"id": {"S": "same"}}]}},
    ) == ("ValidationException", "Provided list of item keys contains duplicates")
    assert error_of(
        dynamodb.batch_get_item,
        RequestItems={unique("Missing"): {"Keys": [{"id": {"S": "x"}}]}},
    ) == ("ResourceNotFoundException", "Requested resource not found")
    assert error_of(
        dynamodb.batch_get_item,
        RequestItems={users: {"Keys": [{"id": {"N": "1"}}]}},
    ) == ("ValidationException", "The provided key element does not match the schema")
    code, message = error_of(
        dynamodb.batch_get_item,
        RequestItems={
            users: {"Keys": [{"id": {"S": "a"}}], "ProjectionExpression": "id"},
            orders: {
                "Keys": [{"customer": {"S": "a"}, "order": {"N": "1"}}],
                "AttributesToGet": ["order"],
            },
        },
    )
    assert (code, message) == (
        "ValidationException",
        "Can not use both expression and non-expression parameters in the same request: "
        "Non-expression parameters: {AttributesToGet} Expression parameters: "
        "{ProjectionExpression}",
    )


def test_batch_write_errors(dynamodb: Any, raw_dynamodb: Any, users: str, orders: str) -> None:
    assert error_of(raw_dynamodb.batch_write_item, RequestItems={}) == (
        "ValidationException",
        "The requestItems parameter is required for BatchWriteItem",
    )
    code, message = error_of(
        dynamodb.batch_write_item,
        RequestItems={users: [put_request({"id": {"S": f"k{n}"}}) for n in range(26)]},
    )
    assert code == "ValidationException"
    assert message.startswith(f"1 validation error detected: Value '{{{users}=[")
    assert message.endswith(
        "]}' at 'requestItems' failed to satisfy constraint: Map value must satisfy "
        "constraint: [Member must have length less than or equal to 25, Member must have "
        "length greater than or equal to 1]"
    )
    assert error_of(
        dynamodb.batch_write_item,
        RequestItems={
            users: [put_request({"id": {"S": f"k{n}"}}) for n in range(13)],
            orders: [
                put_request({"customer": {"S": "c"}, "order": {"N": str(n)}}) for n in range(13)
            ],
        },
    ) == ("ValidationException", "Too many items requested for the BatchWriteItem call")
    assert error_of(
        dynamodb.batch_write_item,
        RequestItems={
            users: [
                put_request({"id": {"S": "dup"}}),
                {"DeleteRequest": {"Key": {"id": {"S": "dup"}}}},
            ]
        },
    ) == ("ValidationException", "Provided list of item keys contains duplicates")
    assert error_of(
        dynamodb.batch_write_item, RequestItems={users: [put_request({"id": {"N": "5"}})]}
    ) == ("ValidationException", "The provided key element does not match the schema")
    assert error_of(
        dynamodb.batch_write_item, RequestItems={users: [put_request({"id": {"S": ""}})]}
    ) == (
        "ValidationException",
        "One or more parameter values are not valid. The AttributeValue for a key attribute "
        "cannot contain an empty string value. Key: id",
    )
    assert error_of(
        dynamodb.batch_write_item,
        RequestItems={
            orders: [
                put_request({"customer": {"S": "c"}, "order": {"N": "1"}, "status": {"N": "1"}})
            ]
        },
    ) == (
        "ValidationException",
        "One or more parameter values were invalid: Type mismatch for Index Key status "
        "Expected: S Actual: N IndexName: ByStatus",
    )
    assert error_of(raw_dynamodb.batch_write_item, RequestItems={users: [{}]}) == (
        "ValidationException",
        "Supplied AttributeValue has more than one datatypes set, must contain exactly one of "
        "the supported datatypes",
    )
    # Nothing of a refused batch is written, not even its valid requests.
    assert error_of(
        dynamodb.batch_write_item,
        RequestItems={
            users: [put_request({"id": {"S": "should-not-exist"}})],
            unique("Missing"): [put_request({"id": {"S": "x"}})],
        },
    ) == ("ResourceNotFoundException", "Requested resource not found")
    assert "Item" not in dynamodb.get_item(TableName=users, Key={"id": {"S": "should-not-exist"}})


def test_resource_batch_writer_and_batch_get(server: ServerProcess, users: str) -> None:
    layer = resource(server)
    table = layer.Table(users)
    with table.batch_writer() as batch:
        for number in range(60):  # the writer sends batches of 25
            batch.put_item(Item={"id": f"bw-{number}", "n": number})
        batch.delete_item(Key={"id": "bw-0"})
    got = layer.batch_get_item(
        RequestItems={users: {"Keys": [{"id": f"bw-{n}"} for n in range(5)]}}
    )
    assert sorted(item["id"] for item in got["Responses"][users]) == [
        "bw-1",
        "bw-2",
        "bw-3",
        "bw-4",
    ]
    assert table.get_item(Key={"id": "bw-59"})["Item"]["n"] == 59


def test_overwrites_and_deletes_in_one_batch_keep_the_table_counts(dynamodb: Any) -> None:
    """Writes to a table that keeps nothing beside its items go unread (one round trip for
    the batch on PostgreSQL): the item count and size must still follow what was replaced
    and what was there to delete."""
    table = create_table(dynamodb, "Counts", ("id", "S"))
    big = {"id": {"S": "a"}, "note": {"S": "x" * 100}}
    dynamodb.batch_write_item(
        RequestItems={table: [put_request(big), put_request({"id": {"S": "b"}})]}
    )
    small = {"id": {"S": "a"}, "note": {"S": "y"}}
    dynamodb.batch_write_item(
        RequestItems={
            table: [
                put_request(small),
                {"DeleteRequest": {"Key": {"id": {"S": "b"}}}},
                {"DeleteRequest": {"Key": {"id": {"S": "never"}}}},
                put_request({"id": {"S": "c"}}),
            ]
        }
    )
    assert dynamodb.get_item(TableName=table, Key={"id": {"S": "a"}})["Item"] == small
    assert "Item" not in dynamodb.get_item(TableName=table, Key={"id": {"S": "b"}})
    described = dynamodb.describe_table(TableName=table)["Table"]
    assert described["ItemCount"] == 2
    assert described["TableSizeBytes"] == (2 + 1 + 4 + 1) + (2 + 1)  # id a, note y; id c


def test_a_batch_asking_for_capacity_is_charged_for_the_items_it_replaced(dynamodb: Any) -> None:
    table = create_table(dynamodb, "Charged", ("id", "S"))
    dynamodb.put_item(TableName=table, Item={"id": {"S": "a"}, "blob": {"S": "x" * 1500}})
    answer = dynamodb.batch_write_item(
        RequestItems={table: [put_request({"id": {"S": "a"}})]},
        ReturnConsumedCapacity="TOTAL",
    )
    # A write costs one unit per started KB of the larger of the old and the new item.
    assert answer["ConsumedCapacity"] == [{"TableName": table, "CapacityUnits": 2.0}]
