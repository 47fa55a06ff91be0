"""Fine-grained authorization context of Query, Scan, batches and transactions, as the
operations build it (iam-fgac.md §5.2 and §5.4, restating AWS's "Actions, resources, and
condition keys for Amazon DynamoDB" and "Using IAM policy conditions for fine-grained access
control")."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pytest
from tests.unit.dynamodb.conftest import ACCOUNT, REGION, Dynamo

from dynafed.core.authorization import AuthorizationRequest
from dynafed.errors import AccessDeniedException

ARN = f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/GameScores"
OTHER_ARN = f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/Other"


@pytest.fixture
def games(dynamo: Dynamo) -> Dynamo:
    dynamo(
        "CreateTable",
        {
            "TableName": "GameScores",
            "AttributeDefinitions": [
                {"AttributeName": "UserId", "AttributeType": "S"},
                {"AttributeName": "GameTitle", "AttributeType": "S"},
                {"AttributeName": "TopScore", "AttributeType": "N"},
            ],
            "KeySchema": [
                {"AttributeName": "UserId", "KeyType": "HASH"},
                {"AttributeName": "GameTitle", "KeyType": "RANGE"},
            ],
            "GlobalSecondaryIndexes": [
                {
                    "IndexName": "TopScoreIndex",
                    "KeySchema": [
                        {"AttributeName": "GameTitle", "KeyType": "HASH"},
                        {"AttributeName": "TopScore", "KeyType": "RANGE"},
                    ],
                    "Projection": {"ProjectionType": "KEYS_ONLY"},
                }
            ],
            "BillingMode": "PAY_PER_REQUEST",
        },
    )
    dynamo.create_table("Other", hash_key=("Id", "N"), range_key=None)
    dynamo.authorizer.requests.clear()
    return dynamo


def last(dynamo: Dynamo, count: int = 1) -> list[AuthorizationRequest]:
    return dynamo.authorizer.requests[-count:]


def test_query_leading_keys_attributes_and_default_select(games: Dynamo) -> None:
    games(
        "Query",
        {
            "TableName": "GameScores",
            "KeyConditionExpression": "UserId = :u AND begins_with(GameTitle, :g)",
            "FilterExpression": "Wins > :w",
            "ProjectionExpression": "TopScore",
            "ExpressionAttributeValues": {":u": {"S": "U1"}, ":g": {"S": "M"}, ":w": {"N": "1"}},
        },
    )
    assert last(games) == [
        AuthorizationRequest(
            "dynamodb:Query",
            ARN,
            {
                "dynamodb:LeadingKeys": ["U1"],
                "dynamodb:Attributes": ["GameTitle", "TopScore", "UserId", "Wins"],
                "dynamodb:Select": ["SPECIFIC_ATTRIBUTES"],
            },
        )
    ]


def test_index_query_authorizes_the_index_arn_and_its_partition_value(games: Dynamo) -> None:
    games(
        "Query",
        {
            "TableName": "GameScores",
            "IndexName": "TopScoreIndex",
            "KeyConditions": {
                "GameTitle": {"ComparisonOperator": "EQ", "AttributeValueList": [{"S": "Meteor"}]}
            },
            "ReturnConsumedCapacity": "TOTAL",
        },
    )
    assert last(games) == [
        AuthorizationRequest(
            "dynamodb:Query",
            f"{ARN}/index/TopScoreIndex",
            {
                "dynamodb:LeadingKeys": ["Meteor"],
                "dynamodb:Attributes": ["GameTitle"],
                "dynamodb:Select": ["ALL_PROJECTED_ATTRIBUTES"],
                "dynamodb:ReturnConsumedCapacity": ["TOTAL"],
            },
        )
    ]


def test_scan_carries_no_leading_keys(games: Dynamo) -> None:
    games("Scan", {"TableName": "GameScores", "Select": "COUNT"})
    assert last(games) == [
        AuthorizationRequest("dynamodb:Scan", ARN, {"dynamodb:Select": ["COUNT"]})
    ]


def test_batches_authorize_once_per_table(games: Dynamo) -> None:
    games(
        "BatchWriteItem",
        {
            "RequestItems": {
                "GameScores": [
                    {
                        "PutRequest": {
                            "Item": {"UserId": {"S": "A"}, "GameTitle": {"S": "x"}, "W": {"N": "1"}}
                        }
                    },
                    {"DeleteRequest": {"Key": {"UserId": {"S": "B"}, "GameTitle": {"S": "y"}}}},
                ],
                "Other": [{"PutRequest": {"Item": {"Id": {"N": "01.50"}}}}],
            }
        },
    )
    assert last(games, 2) == [
        AuthorizationRequest(
            "dynamodb:BatchWriteItem",
            ARN,
            {
                "dynamodb:LeadingKeys": ["A", "B"],
                "dynamodb:Attributes": ["GameTitle", "UserId", "W"],
            },
        ),
        AuthorizationRequest(
            "dynamodb:BatchWriteItem",
            OTHER_ARN,
            {"dynamodb:LeadingKeys": ["1.5"], "dynamodb:Attributes": ["Id"]},
        ),
    ]
    games(
        "BatchGetItem",
        {
            "RequestItems": {
                "GameScores": {
                    "Keys": [{"UserId": {"S": "A"}, "GameTitle": {"S": "x"}}],
                    "ProjectionExpression": "W",
                }
            }
        },
    )
    assert last(games) == [
        AuthorizationRequest(
            "dynamodb:BatchGetItem",
            ARN,
            {
                "dynamodb:LeadingKeys": ["A"],
                "dynamodb:Attributes": ["GameTitle", "UserId", "W"],
                "dynamodb:Select": ["SPECIFIC_ATTRIBUTES"],
            },
        )
    ]


def test_transactions_authorize_each_action_with_its_enclosing_operation(
    games: Dynamo,
) -> None:
    key: dict[str, Any] = {"UserId": {"S": "A"}, "GameTitle": {"S": "x"}}
    games(
        "TransactWriteItems",
        {
            "TransactItems": [
                {
                    "ConditionCheck": {
                        "TableName": "Other",
                        "Key": {"Id": {"N": "7"}},
                        "ConditionExpression": "attribute_not_exists(Id)",
                    }
                },
                {
                    "Update": {
                        "TableName": "GameScores",
                        "Key": key,
                        "UpdateExpression": "SET Wins = :w",
                        "ExpressionAttributeValues": {":w": {"N": "1"}},
                    }
                },
            ]
        },
    )
    assert last(games, 2) == [
        AuthorizationRequest(
            "dynamodb:ConditionCheckItem",
            OTHER_ARN,
            {
                "dynamodb:LeadingKeys": ["7"],
                "dynamodb:Attributes": ["Id"],
                "dynamodb:EnclosingOperation": ["TransactWriteItems"],
            },
        ),
        AuthorizationRequest(
            "dynamodb:UpdateItem",
            ARN,
            {
                "dynamodb:LeadingKeys": ["A"],
                "dynamodb:Attributes": ["GameTitle", "UserId", "Wins"],
                "dynamodb:ReturnValues": ["NONE"],
                "dynamodb:EnclosingOperation": ["TransactWriteItems"],
            },
        ),
    ]
    games("TransactGetItems", {"TransactItems": [{"Get": {"TableName": "GameScores", "Key": key}}]})
    assert last(games) == [
        AuthorizationRequest(
            "dynamodb:GetItem",
            ARN,
            {
                "dynamodb:LeadingKeys": ["A"],
                "dynamodb:Attributes": ["GameTitle", "UserId"],
                "dynamodb:Select": ["ALL_ATTRIBUTES"],
                "dynamodb:EnclosingOperation": ["TransactGetItems"],
            },
        )
    ]


class DenyAll:
    def authorize(self, requests: Sequence[AuthorizationRequest]) -> None:
        raise AccessDeniedException(f"denied {requests[0].action}")


@pytest.mark.parametrize(
    ("operation", "body"),
    [
        (
            "Query",
            {
                "TableName": "Nowhere",
                "KeyConditionExpression": "k = :k",
                "ExpressionAttributeValues": {":k": {"S": "v"}},
            },
        ),
        ("Scan", {"TableName": "Nowhere"}),
        ("BatchGetItem", {"RequestItems": {"Nowhere": {"Keys": [{"k": {"S": "v"}}]}}}),
        (
            "BatchWriteItem",
            {"RequestItems": {"Nowhere": [{"DeleteRequest": {"Key": {"k": {"S": "v"}}}}]}},
        ),
        (
            "TransactGetItems",
            {"TransactItems": [{"Get": {"TableName": "Nowhere", "Key": {"k": {"S": "v"}}}}]},
        ),
        (
            "TransactWriteItems",
            {"TransactItems": [{"Delete": {"TableName": "Nowhere", "Key": {"k": {"S": "v"}}}}]},
        ),
    ],
)
def test_a_denied_caller_learns_nothing_about_missing_tables(
    dynamo: Dynamo, operation: str, body: dict[str, Any]
) -> None:
    with pytest.raises(AccessDeniedException):
        dynamo.service.handle(operation, body, DenyAll())
