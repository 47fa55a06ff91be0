"""Bad input gets an AWS error, never a Python exception: random JSON thrown at every
operation, both as whole bodies and as one field of an otherwise valid request."""

from __future__ import annotations

import contextlib
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.unit.dynamodb.conftest import ACCOUNT, REGION, Dynamo

from dynafed.core.authorization import AllowAll
from dynafed.dynamodb.service import OPERATIONS
from dynafed.errors import AwsError

KEY = {"Artist": {"S": "a"}, "SongTitle": {"S": "b"}}
ARN = f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/Music"
VALID: dict[str, dict[str, Any]] = {
    "CreateTable": {
        "TableName": "Other",
        "AttributeDefinitions": [{"AttributeName": "k", "AttributeType": "S"}],
        "KeySchema": [{"AttributeName": "k", "KeyType": "HASH"}],
        "BillingMode": "PAY_PER_REQUEST",
    },
    "DescribeTable": {"TableName": "Music"},
    "ListTables": {"Limit": 5},
    "DeleteTable": {"TableName": "Music"},
    "UpdateTable": {"TableName": "Music", "BillingMode": "PAY_PER_REQUEST"},
    "UpdateTimeToLive": {
        "TableName": "Music",
        "TimeToLiveSpecification": {"AttributeName": "t", "Enabled": True},
    },
    "DescribeTimeToLive": {"TableName": "Music"},
    "TagResource": {"ResourceArn": ARN, "Tags": [{"Key": "k", "Value": "v"}]},
    "UntagResource": {"ResourceArn": ARN, "TagKeys": ["k"]},
    "ListTagsOfResource": {"ResourceArn": ARN},
    "PutItem": {
        "TableName": "Music",
        "Item": {**KEY, "n": {"N": "1"}},
        "ConditionExpression": "attribute_not_exists(#n) OR n < :v",
        "ExpressionAttributeNames": {"#n": "n"},
        "ExpressionAttributeValues": {":v": {"N": "5"}},
        "ReturnValues": "ALL_OLD",
    },
    "GetItem": {
        "TableName": "Music",
        "Key": KEY,
        "ProjectionExpression": "#n, m.x[1]",
        "ExpressionAttributeNames": {"#n": "n"},
        "ConsistentRead": True,
        "ReturnConsumedCapacity": "INDEXES",
    },
    "UpdateItem": {
        "TableName": "Music",
        "Key": KEY,
        "UpdateExpression": "SET n = if_not_exists(n, :v) + :v, l = list_append(:l, :l) REMOVE m",
        "ConditionExpression": "size(l) < :v",
        "ExpressionAttributeValues": {":v": {"N": "1"}, ":l": {"L": [{"S": "x"}]}},
        "ReturnValues": "UPDATED_NEW",
    },
    "DeleteItem": {
        "TableName": "Music",
        "Key": KEY,
        "Expected": {"n": {"ComparisonOperator": "GE", "AttributeValueList": [{"N": "0"}]}},
        "ReturnValues": "ALL_OLD",
    },
}

WORDS = [
    "Music", "Artist", "SongTitle", "S", "N", "B", "SS", "M", "L", "NULL", "HASH", "RANGE",
    "#n", ":v", "n = :v", "SET n = :v", "ALL_OLD", "TOTAL", "PAY_PER_REQUEST", "", "AAEC",
    "1e400", "-0", "a.b[99999999999]",
]  # fmt: skip

scalars = st.one_of(
    st.none(), st.booleans(), st.integers(-5, 5), st.floats(allow_nan=False), st.sampled_from(WORDS)
)
values: st.SearchStrategy[Any] = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=3),
        st.dictionaries(st.sampled_from(WORDS), children, max_size=3),
    ),
    max_leaves=12,
)


def fresh() -> Dynamo:
    dynamo = Dynamo()
    dynamo.create_table("Music")
    dynamo("PutItem", {"TableName": "Music", "Item": {**KEY, "l": {"L": []}, "n": {"N": "0"}}})
    return dynamo


def call(operation: str, body: dict[str, Any]) -> None:
    with contextlib.suppress(AwsError):
        fresh().service.handle(operation, body, AllowAll())


def test_every_example_is_valid() -> None:
    assert set(VALID) <= set(OPERATIONS)
    for operation, body in VALID.items():
        fresh().service.handle(operation, body, AllowAll())


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    operation=st.sampled_from(sorted(OPERATIONS)),
    body=st.dictionaries(st.sampled_from(sorted({f for b in VALID.values() for f in b})), values),
)
def test_random_bodies_get_aws_errors(operation: str, body: dict[str, Any]) -> None:
    call(operation, body)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(operation=st.sampled_from(sorted(VALID)), data=st.data())
def test_one_bad_field_gets_an_aws_error(operation: str, data: st.DataObject) -> None:
    body = dict(VALID[operation])
    field = data.draw(st.sampled_from(sorted(body)))
    body[field] = data.draw(values)
    call(operation, body)
