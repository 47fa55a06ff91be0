"""ReturnValues, ReturnValuesOnConditionCheckFailure, ReturnConsumedCapacity and
ConsistentRead end to end, through the real server with boto3.

ReturnValues follows the API reference pages PutItem, UpdateItem and DeleteItem. Capacity
follows the Developer Guide: "DynamoDB item sizes and formats" (how big an item is), "Read/write
capacity mode" (a read costs one unit per 4 KB, half that when eventually consistent; a write
one unit per 1 KB of the larger of the old and new item) and "Provisioned throughput
considerations for Global Secondary Indexes" (an index write per entry put or removed, two
when the index key changes)."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.support.dynamodb_tables import create_table, error_of, index, raw_client
from tests.support.server_process import ServerProcess

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def table(dynamodb: Any) -> str:
    return create_table(dynamodb, "ReturnValues", ("pk", "S"))


@pytest.fixture(scope="module")
def indexed(dynamodb: Any) -> str:
    """A table with a local index projecting everything and a keys-only global index."""
    return create_table(
        dynamodb,
        "Capacity",
        ("pk", "S"),
        ("sk", "S"),
        attributes={"rank": "N", "grp": "S"},
        LocalSecondaryIndexes=[index("ByRank", "pk", "rank")],
        GlobalSecondaryIndexes=[index("ByGroup", "grp", projection="KEYS_ONLY")],
    )


def new_key() -> dict[str, Any]:
    return {"pk": {"S": f"k-{uuid.uuid4().hex[:8]}"}}


def value_size(value: dict[str, Any]) -> int:
    """Bytes of a value by "DynamoDB item sizes and formats" (the types these tests use)."""
    kind, member = next(iter(value.items()))
    if kind == "S":
        return len(member.encode("utf-8"))
    if kind == "B":
        return len(member)
    if kind == "N":  # whole numbers without trailing zeros: one byte per two digits, plus one
        assert member.isdigit() and not member.endswith("0")
        return (len(member) + 1) // 2 + 1
    if kind in ("BOOL", "NULL"):
        return 1
    if kind == "SS":
        return sum(len(element.encode("utf-8")) for element in member)
    if kind == "L":  # 3 bytes of overhead, plus one per element
        return 3 + sum(1 + value_size(element) for element in member)
    if kind == "M":
        return 3 + sum(
            1 + len(name.encode("utf-8")) + value_size(element) for name, element in member.items()
        )
    raise AssertionError(f"no size rule here for {kind}")


def item_size(item: dict[str, Any]) -> int:
    return sum(len(name.encode("utf-8")) + value_size(value) for name, value in item.items())


def item_of_size(item_key: dict[str, Any], size: int, **extra: Any) -> dict[str, Any]:
    """An item of exactly `size` bytes: the key, `extra`, and a string `pad` filling the
    rest (with a multi-byte character, a list and a map in the mix)."""
    base = {**item_key, "note": {"S": "é"}, "parts": {"L": [{"BOOL": True}]}, **extra}
    base["meta"] = {"M": {"by": {"NULL": True}}}
    padding = size - item_size(base) - len("pad")
    assert padding >= 0
    item = {**base, "pad": {"S": "x" * padding}}
    assert item_size(item) == size
    return item


def units(response: dict[str, Any]) -> float:
    consumed: float = response["ConsumedCapacity"]["CapacityUnits"]
    return consumed


# --- ReturnValues -------------------------------------------------------------------------


def test_put_item_return_values(dynamodb: Any, table: str) -> None:
    item_key = new_key()
    first = {**item_key, "v": {"S": "first"}}
    assert "Attributes" not in dynamodb.put_item(TableName=table, Item=first, ReturnValues="NONE")
    second = {**item_key, "v": {"S": "second"}}
    assert (
        dynamodb.put_item(TableName=table, Item=second, ReturnValues="ALL_OLD")["Attributes"]
        == first
    )
    # ALL_OLD of a put that creates the item returns nothing.
    assert "Attributes" not in dynamodb.put_item(
        TableName=table, Item={**new_key(), "v": {"S": "x"}}, ReturnValues="ALL_OLD"
    )


def test_delete_item_return_values(dynamodb: Any, table: str) -> None:
    item_key = new_key()
    item = {**item_key, "v": {"N": "1"}}
    dynamodb.put_item(TableName=table, Item=item)
    assert (
        dynamodb.delete_item(TableName=table, Key=item_key, ReturnValues="ALL_OLD")["Attributes"]
        == item
    )
    assert "Attributes" not in dynamodb.delete_item(
        TableName=table, Key=item_key, ReturnValues="ALL_OLD"
    )


OLD = {
    "kept": {"S": "same"},
    "n": {"N": "1"},
    "doc": {"M": {"a": {"N": "1"}, "b": {"N": "2"}}},
    "seq": {"L": [{"N": "1"}, {"N": "2"}, {"N": "3"}]},
    "gone": {"S": "bye"},
}
UPDATE = "SET n = n + :one, doc.a = :nine, seq[1] = :nine, added = :nine REMOVE gone"
VALUES = {":one": {"N": "1"}, ":nine": {"N": "9"}}


@pytest.mark.parametrize(
    ("return_values", "expected"),
    [
        ("NONE", None),
        ("ALL_OLD", OLD),
        (
            "ALL_NEW",
            {
                "kept": {"S": "same"},
                "n": {"N": "2"},
                "doc": {"M": {"a": {"N": "9"}, "b": {"N": "2"}}},
                "seq": {"L": [{"N": "1"}, {"N": "9"}, {"N": "3"}]},
                "added": {"N": "9"},
            },
        ),
        # UPDATED_*: only the updated paths, nested ones inside their parents; an attribute
        # that did not exist has no old value, a removed one no new value.
        (
            "UPDATED_OLD",
            {
                "n": {"N": "1"},
                "doc": {"M": {"a": {"N": "1"}}},
                "seq": {"L": [{"N": "2"}]},
                "gone": {"S": "bye"},
            },
        ),
        (
            "UPDATED_NEW",
            {
                "n": {"N": "2"},
                "doc": {"M": {"a": {"N": "9"}}},
                "seq": {"L": [{"N": "9"}]},
                "added": {"N": "9"},
            },
        ),
    ],
)
def test_update_item_return_values(
    dynamodb: Any, table: str, return_values: str, expected: dict[str, Any] | None
) -> None:
    item_key = new_key()
    dynamodb.put_item(TableName=table, Item={**item_key, **OLD})
    answer = dynamodb.update_item(
        TableName=table,
        Key=item_key,
        UpdateExpression=UPDATE,
        ExpressionAttributeValues=VALUES,
        ReturnValues=return_values,
    )
    if expected is None:
        assert "Attributes" not in answer
        return
    # ALL_OLD and ALL_NEW include the key; UPDATED_* never do (keys cannot be updated).
    whole = return_values.startswith("ALL_")
    assert answer["Attributes"] == ({**item_key, **expected} if whole else expected)


def test_update_creating_an_item(dynamodb: Any, table: str) -> None:
    request = {
        "TableName": table,
        "UpdateExpression": "SET v = :v",
        "ExpressionAttributeValues": {":v": {"S": "new"}},
    }
    assert "Attributes" not in dynamodb.update_item(
        Key=new_key(), ReturnValues="ALL_OLD", **request
    )
    assert "Attributes" not in dynamodb.update_item(
        Key=new_key(), ReturnValues="UPDATED_OLD", **request
    )
    item_key = new_key()
    assert dynamodb.update_item(Key=item_key, ReturnValues="ALL_NEW", **request)["Attributes"] == {
        **item_key,
        "v": {"S": "new"},
    }
    # Without an UpdateExpression, UpdateItem creates the item with only its key.
    bare = new_key()
    assert (
        dynamodb.update_item(TableName=table, Key=bare, ReturnValues="ALL_NEW")["Attributes"]
        == bare
    )


def test_invalid_return_values(server: ServerProcess, dynamodb: Any, table: str) -> None:
    raw = raw_client(server)
    item_key = new_key()
    for value in ("ALL_NEW", "UPDATED_OLD", "UPDATED_NEW"):
        assert error_of(dynamodb.put_item, TableName=table, Item=item_key, ReturnValues=value) == (
            "ValidationException",
            "ReturnValues can only be ALL_OLD or NONE",
        )
        assert error_of(
            dynamodb.delete_item, TableName=table, Key=item_key, ReturnValues=value
        ) == ("ValidationException", "ReturnValues can only be ALL_OLD or NONE")
    enum = (
        "1 validation error detected: Value 'EVERYTHING' at 'returnValues' failed to satisfy "
        "constraint: Member must satisfy enum value set: [ALL_NEW, UPDATED_OLD, ALL_OLD, NONE, "
        "UPDATED_NEW]"
    )
    assert error_of(raw.update_item, TableName=table, Key=item_key, ReturnValues="EVERYTHING") == (
        "ValidationException",
        enum,
    )
    assert error_of(raw.put_item, TableName=table, Item=item_key, ReturnValues="EVERYTHING") == (
        "ValidationException",
        enum,
    )
    assert error_of(
        raw.delete_item,
        TableName=table,
        Key=item_key,
        ReturnValuesOnConditionCheckFailure="ALL_NEW",
    ) == (
        "ValidationException",
        "1 validation error detected: Value 'ALL_NEW' at 'returnValuesOnConditionCheckFailure' "
        "failed to satisfy constraint: Member must satisfy enum value set: [ALL_OLD, NONE]",
    )
    assert error_of(raw.get_item, TableName=table, Key=item_key, ReturnConsumedCapacity="ALL") == (
        "ValidationException",
        "1 validation error detected: Value 'ALL' at 'returnConsumedCapacity' failed to satisfy "
        "constraint: Member must satisfy enum value set: [INDEXES, TOTAL, NONE]",
    )
    assert "Item" not in dynamodb.get_item(TableName=table, Key=item_key, ConsistentRead=True)


# --- ReturnValuesOnConditionCheckFailure --------------------------------------------------


def failed_check(call: Any, **request: Any) -> dict[str, Any]:
    with pytest.raises(ClientError) as caught:
        call(**request)
    response: dict[str, Any] = caught.value.response
    assert response["Error"] == {
        "Code": "ConditionalCheckFailedException",
        "Message": "The conditional request failed",
    }
    return response


@pytest.mark.parametrize("operation", ["put_item", "update_item", "delete_item"])
def test_condition_failure_returns_the_item_when_asked(
    dynamodb: Any, table: str, operation: str
) -> None:
    item_key = new_key()
    item = {**item_key, "v": {"N": "5"}, "tags": {"SS": ["a"]}}
    dynamodb.put_item(TableName=table, Item=item)
    request: dict[str, Any] = {
        "TableName": table,
        "ConditionExpression": "v > :limit",
        "ExpressionAttributeValues": {":limit": {"N": "10"}},
    }
    if operation == "put_item":
        request["Item"] = {**item_key, "v": {"N": "0"}}
    else:
        request["Key"] = item_key
    if operation == "update_item":
        request["UpdateExpression"] = "SET v = :limit"
    call = getattr(dynamodb, operation)
    assert (
        failed_check(call, ReturnValuesOnConditionCheckFailure="ALL_OLD", **request)["Item"] == item
    )
    assert "Item" not in failed_check(call, ReturnValuesOnConditionCheckFailure="NONE", **request)
    assert "Item" not in failed_check(call, **request)
    assert dynamodb.get_item(TableName=table, Key=item_key, ConsistentRead=True)["Item"] == item


def test_condition_failure_on_a_missing_item_has_no_item(dynamodb: Any, table: str) -> None:
    response = failed_check(
        dynamodb.update_item,
        TableName=table,
        Key=new_key(),
        UpdateExpression="SET v = :v",
        ConditionExpression="attribute_exists(v)",
        ExpressionAttributeValues={":v": {"N": "1"}},
        ReturnValuesOnConditionCheckFailure="ALL_OLD",
    )
    assert "Item" not in response


# --- ReturnConsumedCapacity and ConsistentRead --------------------------------------------


@pytest.mark.parametrize(
    ("size", "write_units"), [(200, 1.0), (1024, 1.0), (1025, 2.0), (3000, 3.0)]
)
def test_write_units_per_kilobyte(dynamodb: Any, table: str, size: int, write_units: float) -> None:
    item = item_of_size(new_key(), size)
    answer = dynamodb.put_item(TableName=table, Item=item, ReturnConsumedCapacity="TOTAL")
    assert answer["ConsumedCapacity"] == {"TableName": table, "CapacityUnits": write_units}


@pytest.mark.parametrize(
    ("size", "eventual", "strong"),
    [(100, 0.5, 1.0), (4096, 0.5, 1.0), (4097, 1.0, 2.0), (12289, 2.0, 4.0)],
)
def test_read_units_per_four_kilobytes(
    dynamodb: Any, table: str, size: int, eventual: float, strong: float
) -> None:
    item_key = new_key()
    item = item_of_size(item_key, size)
    dynamodb.put_item(TableName=table, Item=item)
    weak = dynamodb.get_item(TableName=table, Key=item_key, ReturnConsumedCapacity="TOTAL")
    assert weak["Item"] == item
    assert units(weak) == eventual
    consistent = dynamodb.get_item(
        TableName=table, Key=item_key, ConsistentRead=True, ReturnConsumedCapacity="TOTAL"
    )
    assert units(consistent) == strong


def test_reading_a_missing_item_costs_the_minimum(dynamodb: Any, table: str) -> None:
    request = {"TableName": table, "Key": new_key(), "ReturnConsumedCapacity": "TOTAL"}
    assert units(dynamodb.get_item(**request)) == 0.5
    assert units(dynamodb.get_item(ConsistentRead=True, **request)) == 1.0
    assert units(dynamodb.delete_item(**request)) == 1.0


def test_writes_cost_the_larger_of_old_and_new(dynamodb: Any, table: str) -> None:
    item_key = new_key()
    dynamodb.put_item(TableName=table, Item=item_of_size(item_key, 2500))
    small = {**item_key, "v": {"S": "small"}}
    # Replacing a 2.5 KB item by a tiny one still costs 3 units; the next write costs one.
    assert (
        units(dynamodb.put_item(TableName=table, Item=small, ReturnConsumedCapacity="TOTAL")) == 3
    )
    assert (
        units(dynamodb.put_item(TableName=table, Item=small, ReturnConsumedCapacity="TOTAL")) == 1
    )
    grow = dynamodb.update_item(
        TableName=table,
        Key=item_key,
        UpdateExpression="SET #p = :pad",
        ExpressionAttributeNames={"#p": "pad"},
        ExpressionAttributeValues={":pad": {"S": "y" * 4000}},
        ReturnConsumedCapacity="TOTAL",
    )
    assert units(grow) == 4.0  # the item after the update: 4,021 bytes
    deleted = dynamodb.delete_item(TableName=table, Key=item_key, ReturnConsumedCapacity="TOTAL")
    assert units(deleted) == 4.0


def test_no_consumed_capacity_unless_asked(dynamodb: Any, table: str) -> None:
    item_key = new_key()
    assert "ConsumedCapacity" not in dynamodb.put_item(TableName=table, Item=item_key)
    assert "ConsumedCapacity" not in dynamodb.get_item(
        TableName=table, Key=item_key, ReturnConsumedCapacity="NONE"
    )


def test_indexes_mode_splits_table_and_index_units(dynamodb: Any, indexed: str) -> None:
    item_key = {"pk": {"S": f"p-{uuid.uuid4().hex[:8]}"}, "sk": {"S": "s"}}
    item = item_of_size(item_key, 1500, rank={"N": "1"}, grp={"S": "red"})
    put = dynamodb.put_item(TableName=indexed, Item=item, ReturnConsumedCapacity="INDEXES")
    # The local index holds the whole 1.5 KB item (2 units); the keys-only global entry is
    # small (1 unit).
    assert put["ConsumedCapacity"] == {
        "TableName": indexed,
        "CapacityUnits": 5.0,
        "Table": {"CapacityUnits": 2.0},
        "LocalSecondaryIndexes": {"ByRank": {"CapacityUnits": 2.0}},
        "GlobalSecondaryIndexes": {"ByGroup": {"CapacityUnits": 1.0}},
    }
    moved = dynamodb.update_item(
        TableName=indexed,
        Key=item_key,
        UpdateExpression="SET grp = :blue",
        ExpressionAttributeValues={":blue": {"S": "blue"}},
        ReturnConsumedCapacity="INDEXES",
    )
    # A changed global index key removes one entry and puts another: two writes.
    assert moved["ConsumedCapacity"]["GlobalSecondaryIndexes"] == {
        "ByGroup": {"CapacityUnits": 2.0}
    }
    assert moved["ConsumedCapacity"]["CapacityUnits"] == 6.0
    dropped = dynamodb.update_item(
        TableName=indexed,
        Key=item_key,
        UpdateExpression="REMOVE grp, #r",
        ExpressionAttributeNames={"#r": "rank"},
        ReturnConsumedCapacity="INDEXES",
    )
    # Both index entries are deleted: one write each, sized by the entry removed.
    assert dropped["ConsumedCapacity"] == {
        "TableName": indexed,
        "CapacityUnits": 5.0,
        "Table": {"CapacityUnits": 2.0},
        "LocalSecondaryIndexes": {"ByRank": {"CapacityUnits": 2.0}},
        "GlobalSecondaryIndexes": {"ByGroup": {"CapacityUnits": 1.0}},
    }
    untouched = dynamodb.update_item(
        TableName=indexed,
        Key=item_key,
        UpdateExpression="SET note = :n",
        ExpressionAttributeValues={":n": {"S": "not indexed now"}},
        ReturnConsumedCapacity="INDEXES",
    )
    # No index holds the item any more: only the table is written.
    assert untouched["ConsumedCapacity"] == {
        "TableName": indexed,
        "CapacityUnits": 2.0,
        "Table": {"CapacityUnits": 2.0},
    }
    total = dynamodb.get_item(
        TableName=indexed, Key=item_key, ConsistentRead=True, ReturnConsumedCapacity="INDEXES"
    )
    assert total["ConsumedCapacity"] == {
        "TableName": indexed,
        "CapacityUnits": 1.0,
        "Table": {"CapacityUnits": 1.0},
    }


def test_consistent_read_sees_the_latest_write(dynamodb: Any, table: str) -> None:
    item_key = new_key()
    for version in range(3):
        dynamodb.put_item(TableName=table, Item={**item_key, "v": {"N": str(version)}})
        got = dynamodb.get_item(TableName=table, Key=item_key, ConsistentRead=True)
        assert got["Item"]["v"] == {"N": str(version)}
    eventual = dynamodb.get_item(TableName=table, Key=item_key, ConsistentRead=False)
    assert eventual["Item"]["v"] == {"N": "2"}
