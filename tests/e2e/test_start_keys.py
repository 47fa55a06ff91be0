"""A malformed `ExclusiveStartKey` is a 400 with the message the same value gets as a key
anywhere else (GetItem's `Key`), on tables and on indexes, for Query and Scan: never a 500."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

pytestmark = pytest.mark.e2e

TABLE = "StartKeys"


@pytest.fixture(scope="module")
def table(dynamodb: Any) -> str:
    dynamodb.create_table(
        TableName=TABLE,
        AttributeDefinitions=[
            {"AttributeName": "pk", "AttributeType": "S"},
            {"AttributeName": "sk", "AttributeType": "N"},
            {"AttributeName": "gpk", "AttributeType": "S"},
        ],
        KeySchema=[
            {"AttributeName": "pk", "KeyType": "HASH"},
            {"AttributeName": "sk", "KeyType": "RANGE"},
        ],
        GlobalSecondaryIndexes=[
            {
                "IndexName": "ByG",
                "KeySchema": [{"AttributeName": "gpk", "KeyType": "HASH"}],
                "Projection": {"ProjectionType": "ALL"},
            }
        ],
        BillingMode="PAY_PER_REQUEST",
    )
    return TABLE


BAD_NUMBERS = {
    "NaN": "The parameter cannot be converted to a numeric value: NaN",
    "abc": "The parameter cannot be converted to a numeric value: abc",
    "1e500": "Number overflow",
}


def _error(call: Any, **params: Any) -> tuple[int, str, str]:
    with pytest.raises(ClientError) as raised:
        call(**params)
    response = raised.value.response
    return (
        response["ResponseMetadata"]["HTTPStatusCode"],
        response["Error"]["Code"],
        response["Error"]["Message"],
    )


@pytest.mark.parametrize("number", sorted(BAD_NUMBERS))
@pytest.mark.parametrize("operation", ["scan", "query"])
def test_a_bad_number_in_the_start_key_is_a_validation_error(
    dynamodb: Any, table: str, operation: str, number: str
) -> None:
    params: dict[str, Any] = {
        "TableName": table,
        "ExclusiveStartKey": {"pk": {"S": "a"}, "sk": {"N": number}},
    }
    if operation == "query":
        params["KeyConditionExpression"] = "pk = :p"
        params["ExpressionAttributeValues"] = {":p": {"S": "a"}}
    status, code, message = _error(getattr(dynamodb, operation), **params)
    assert (status, code) == (400, "ValidationException")
    assert message.startswith(BAD_NUMBERS[number])
    assert _error(dynamodb.get_item, TableName=table, Key=params["ExclusiveStartKey"])[2] == message


def test_a_bad_number_in_an_index_start_key_is_a_validation_error(
    dynamodb: Any, table: str
) -> None:
    start = {"gpk": {"S": "g"}, "pk": {"S": "a"}, "sk": {"N": "NaN"}}
    status, code, _ = _error(
        dynamodb.scan, TableName=table, IndexName="ByG", ExclusiveStartKey=start
    )
    assert (status, code) == (400, "ValidationException")
