"""TransactWriteItems and TransactGetItems end to end: the real server and unmodified boto3.

Behaviour follows the API reference pages TransactWriteItems and TransactGetItems (all or
nothing, CancellationReasons in request order, ClientRequestToken idempotency) and the
Developer Guide page "Amazon DynamoDB Transactions: How it works" (capacity)."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from tests.support.dynamodb_tables import create_table, error_of, failure_of, index, unique
from tests.support.server_process import ServerProcess

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def accounts(dynamodb: Any) -> str:
    return create_table(
        dynamodb,
        "Accounts",
        ("id", "S"),
        attributes={"owner": "S"},
        GlobalSecondaryIndexes=[index("ByOwner", "owner")],
    )


@pytest.fixture(scope="module")
def ledger(dynamodb: Any) -> str:
    return create_table(dynamodb, "Ledger", ("account", "S"), ("seq", "N"))


def account(id_: str, balance: int, owner: str = "ann") -> dict[str, Any]:
    return {"id": {"S": id_}, "balance": {"N": str(balance)}, "owner": {"S": owner}}


def get(dynamodb: Any, table: str, key: dict[str, Any]) -> dict[str, Any] | None:
    item: dict[str, Any] | None = dynamodb.get_item(
        TableName=table, Key=key, ConsistentRead=True
    ).get("Item")
    return item


def transfer(accounts: str, ledger: str, source: str, target: str, amount: int) -> list[Any]:
    value = {":a": {"N": str(amount)}}
    return [
        {
            "Update": {
                "TableName": accounts,
                "Key": {"id": {"S": source}},
                "UpdateExpression": "SET balance = balance - :a",
                "ConditionExpression": "balance >= :a",
                "ExpressionAttributeValues": value,
                "ReturnValuesOnConditionCheckFailure": "ALL_OLD",
            }
        },
        {
            "Update": {
                "TableName": accounts,
                "Key": {"id": {"S": target}},
                "UpdateExpression": "SET balance = balance + :a",
                "ConditionExpression": "attribute_exists(id)",
                "ExpressionAttributeValues": value,
            }
        },
        {
            "Put": {
                "TableName": ledger,
                "Item": {"account": {"S": source}, "seq": {"N": str(amount)}},
                "ConditionExpression": "attribute_not_exists(account)",
            }
        },
    ]


def test_all_actions_apply_together(dynamodb: Any, accounts: str, ledger: str) -> None:
    a, b, c = unique("a"), unique("b"), unique("c")
    dynamodb.put_item(TableName=accounts, Item=account(a, 100))
    dynamodb.put_item(TableName=accounts, Item=account(b, 5))
    dynamodb.put_item(TableName=accounts, Item=account(c, 0, owner="bob"))
    answer = dynamodb.transact_write_items(
        TransactItems=[
            *transfer(accounts, ledger, a, b, 30),
            {
                "ConditionCheck": {
                    "TableName": accounts,
                    "Key": {"id": {"S": c}},
                    "ConditionExpression": "#o = :o",
                    "ExpressionAttributeNames": {"#o": "owner"},
                    "ExpressionAttributeValues": {":o": {"S": "bob"}},
                }
            },
        ],
        ReturnConsumedCapacity="TOTAL",
    )
    assert get(dynamodb, accounts, {"id": {"S": a}})["balance"] == {"N": "70"}  # type: ignore[index]
    assert get(dynamodb, accounts, {"id": {"S": b}})["balance"] == {"N": "35"}  # type: ignore[index]
    assert get(dynamodb, ledger, {"account": {"S": a}, "seq": {"N": "30"}}) is not None
    capacity = {entry["TableName"]: entry for entry in answer["ConsumedCapacity"]}
    # Two units per unit of the plain writes; each account update also rewrites its index
    # entry, and the condition check counts as a write of the item it reads.
    assert capacity[ledger] == {
        "TableName": ledger,
        "CapacityUnits": 2.0,
        "WriteCapacityUnits": 2.0,
    }
    assert capacity[accounts]["WriteCapacityUnits"] == 10.0


def test_a_failed_condition_cancels_everything(dynamodb: Any, accounts: str, ledger: str) -> None:
    a, b = unique("a"), unique("b")
    dynamodb.put_item(TableName=accounts, Item=account(a, 10))
    response = failure_of(
        dynamodb.transact_write_items,
        TransactItems=transfer(accounts, ledger, a, b, 50),  # too little money, no target
    )
    error = response["Error"]
    assert error["Code"] == "TransactionCanceledException"
    assert error["Message"] == (
        "Transaction cancelled, please refer cancellation reasons for specific reasons "
        "[ConditionalCheckFailed, ConditionalCheckFailed, None]"
    )
    assert response["CancellationReasons"] == [
        {
            "Code": "ConditionalCheckFailed",
            "Message": "The conditional request failed",
            "Item": account(a, 10),
        },
        {"Code": "ConditionalCheckFailed", "Message": "The conditional request failed"},
        {"Code": "None"},
    ]
    assert get(dynamodb, accounts, {"id": {"S": a}})["balance"] == {"N": "10"}  # type: ignore[index]
    assert get(dynamodb, accounts, {"id": {"S": b}}) is None  # no ghost item from the update
    assert get(dynamodb, ledger, {"account": {"S": a}, "seq": {"N": "50"}}) is None


def test_a_key_that_does_not_fit_cancels_with_a_validation_error(
    dynamodb: Any, accounts: str
) -> None:
    response = failure_of(
        dynamodb.transact_write_items,
        TransactItems=[
            {"Put": {"TableName": accounts, "Item": account(unique("ok"), 1)}},
            {"Delete": {"TableName": accounts, "Key": {"id": {"N": "1"}}}},
        ],
    )
    assert response["Error"]["Code"] == "TransactionCanceledException"
    assert response["CancellationReasons"] == [
        {"Code": "None"},
        {
            "Code": "ValidationError",
            "Message": "The provided key element does not match the schema",
        },
    ]


def test_client_request_token_makes_a_retry_harmless(
    dynamodb: Any, accounts: str, ledger: str
) -> None:
    a, b = unique("a"), unique("b")
    dynamodb.put_item(TableName=accounts, Item=account(a, 100))
    dynamodb.put_item(TableName=accounts, Item=account(b, 0))
    token = str(uuid.uuid4())
    items = transfer(accounts, ledger, a, b, 10)
    dynamodb.transact_write_items(TransactItems=items, ClientRequestToken=token)
    replay = dynamodb.transact_write_items(
        TransactItems=items, ClientRequestToken=token, ReturnConsumedCapacity="TOTAL"
    )
    # The second call succeeds without writing (the ledger put's condition would fail) and is
    # charged as the reads of a replay.
    assert all("ReadCapacityUnits" in entry for entry in replay["ConsumedCapacity"])
    assert get(dynamodb, accounts, {"id": {"S": a}})["balance"] == {"N": "90"}  # type: ignore[index]
    assert error_of(
        dynamodb.transact_write_items,
        TransactItems=transfer(accounts, ledger, a, b, 11),
        ClientRequestToken=token,
    ) == (
        "IdempotentParameterMismatchException",
        "The request uses the same client token as a previous, but non-identical request.",
    )


def test_write_request_errors(dynamodb: Any, accounts: str) -> None:
    same = {"id": {"S": unique("same")}}
    assert error_of(
        dynamodb.transact_write_items,
        TransactItems=[
            {"Put": {"TableName": accounts, "Item": {**same, "owner": {"S": "x"}}}},
            {"Delete": {"TableName": accounts, "Key": same}},
        ],
    ) == (
        "ValidationException",
        "Transaction request cannot include multiple operations on one item",
    )
    assert error_of(
        dynamodb.transact_write_items,
        TransactItems=[{"Delete": {"TableName": unique("Missing"), "Key": same}}],
    ) == ("ResourceNotFoundException", "Requested resource not found")
    code, message = error_of(
        dynamodb.transact_write_items,
        TransactItems=[
            {"Delete": {"TableName": accounts, "Key": {"id": {"S": f"k{n}"}}}} for n in range(101)
        ],
    )
    assert code == "ValidationException"
    assert message.endswith(
        "at 'transactItems' failed to satisfy constraint: Member must have length less than "
        "or equal to 100"
    )
    assert error_of(
        dynamodb.transact_write_items,
        TransactItems=[
            {
                "Update": {
                    "TableName": accounts,
                    "Key": same,
                    "UpdateExpression": "SET balance = :b",
                    "ExpressionAttributeValues": {":b": {"N": "1"}, ":unused": {"N": "2"}},
                }
            }
        ],
    ) == (
        "ValidationException",
        "Value provided in ExpressionAttributeValues unused in expressions: keys: {:unused}",
    )


def test_transact_get_items(dynamodb: Any, accounts: str, ledger: str) -> None:
    a = unique("a")
    dynamodb.put_item(TableName=accounts, Item=account(a, 42))
    answer = dynamodb.transact_get_items(
        TransactItems=[
            {"Get": {"TableName": accounts, "Key": {"id": {"S": a}}}},
            {"Get": {"TableName": accounts, "Key": {"id": {"S": unique("missing")}}}},
            {"Get": {"TableName": ledger, "Key": {"account": {"S": a}, "seq": {"N": "1"}}}},
        ],
        ReturnConsumedCapacity="TOTAL",
    )
    assert answer["Responses"] == [{"Item": account(a, 42)}, {}, {}]
    capacity = {entry["TableName"]: entry["CapacityUnits"] for entry in answer["ConsumedCapacity"]}
    assert capacity == {accounts: 4.0, ledger: 2.0}  # two units per item, found or not


def test_transact_get_projection_and_errors(dynamodb: Any, accounts: str) -> None:
    a = unique("a")
    dynamodb.put_item(TableName=accounts, Item=account(a, 7))
    projected = dynamodb.transact_get_items(
        TransactItems=[
            {
                "Get": {
                    "TableName": accounts,
                    "Key": {"id": {"S": a}},
                    "ProjectionExpression": "balance",
                }
            }
        ]
    )
    assert projected["Responses"] == [{"Item": {"balance": {"N": "7"}}}]
    nothing = dynamodb.transact_get_items(
        TransactItems=[
            {
                "Get": {
                    "TableName": accounts,
                    "Key": {"id": {"S": a}},
                    "ProjectionExpression": "not_there",
                }
            }
        ]
    )
    assert nothing["Responses"] == [{}]  # an item projected to nothing is answered as none
    assert error_of(
        dynamodb.transact_get_items,
        TransactItems=[
            {"Get": {"TableName": accounts, "Key": {"id": {"S": a}}}},
            {"Get": {"TableName": accounts, "Key": {"id": {"S": a}}}},
        ],
    ) == (
        "ValidationException",
        "Transaction request cannot include multiple operations on one item",
    )
    assert error_of(
        dynamodb.transact_get_items,
        TransactItems=[{"Get": {"TableName": unique("Missing"), "Key": {"id": {"S": a}}}}],
    ) == ("ResourceNotFoundException", "Requested resource not found")
    response = failure_of(
        dynamodb.transact_get_items,
        TransactItems=[
            {"Get": {"TableName": accounts, "Key": {"id": {"S": a}}}},
            {"Get": {"TableName": accounts, "Key": {"nope": {"S": a}}}},
        ],
    )
    assert response["Error"]["Message"] == (
        "Transaction cancelled, please refer cancellation reasons for specific reasons "
        "[None, ValidationError]"
    )


def test_transactions_maintain_indexes(server: ServerProcess, dynamodb: Any, accounts: str) -> None:
    owner = unique("owner")
    dynamodb.transact_write_items(
        TransactItems=[
            {"Put": {"TableName": accounts, "Item": account(f"{owner}-{n}", n, owner=owner)}}
            for n in range(3)
        ]
    )
    page = dynamodb.query(
        TableName=accounts,
        IndexName="ByOwner",
        KeyConditionExpression="#o = :o",
        ExpressionAttributeNames={"#o": "owner"},
        ExpressionAttributeValues={":o": {"S": owner}},
    )
    assert page["Count"] == 3


def test_items_that_together_pass_4_mb_are_refused_whole(dynamodb: Any, accounts: str) -> None:
    """AWS: the aggregate size of the items in a transaction cannot exceed 4 MB."""
    puts = [
        {
            "Put": {
                "TableName": accounts,
                "Item": {"id": {"S": f"big-{n}"}, "blob": {"S": "x" * 350_000}},
            }
        }
        for n in range(12)  # about 4.2 MB
    ]
    code, message = error_of(dynamodb.transact_write_items, TransactItems=puts)
    assert code == "ValidationException"
    assert "4 MB" in message
    assert get(dynamodb, accounts, {"id": {"S": "big-0"}}) is None  # nothing was written
    dynamodb.transact_write_items(TransactItems=puts[:11])  # about 3.85 MB: allowed
