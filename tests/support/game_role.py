"""The seed's GameScores scenario as the tests build it: the table, and GameRole's permission
statement (iam-fgac.md §5.6, the DynamoDB Developer Guide's "Using IAM policy conditions
for fine-grained access control" example) keyed on whichever provider's user variable a
test signs in with; and a player holding GameRole credentials."""

from __future__ import annotations

import json
from typing import Any

import pytest
from botocore.exceptions import ClientError

GAME_TABLE = "GameScores"
GAME = "Meteor Blasters"
GAME_ATTRIBUTES = ["UserId", "GameTitle", "Wins", "Losses", "TopScore", "TopScoreDateTime"]


def policy_document(*statements: dict[str, Any]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def game_role_statement(table_arn: str, user_variable: str) -> dict[str, Any]:
    """GameRole's permissions with `dynamodb:LeadingKeys` bound to `${<user_variable>}`:
    the user's own partition, the six listed attributes, SPECIFIC_ATTRIBUTES reads."""
    return {
        "Sid": "AllowAccessToOnlyItemsMatchingUserID",
        "Effect": "Allow",
        "Action": [
            "dynamodb:GetItem",
            "dynamodb:BatchGetItem",
            "dynamodb:Query",
            "dynamodb:PutItem",
            "dynamodb:UpdateItem",
            "dynamodb:DeleteItem",
            "dynamodb:BatchWriteItem",
        ],
        "Resource": [table_arn],
        "Condition": {
            "ForAllValues:StringEquals": {
                "dynamodb:LeadingKeys": [f"${{{user_variable}}}"],
                "dynamodb:Attributes": GAME_ATTRIBUTES,
            },
            "StringEqualsIfExists": {"dynamodb:Select": "SPECIFIC_ATTRIBUTES"},
        },
    }


def create_game_scores_table(dynamodb: Any) -> None:
    """GameScores (UserId, GameTitle), on demand, through an admin DynamoDB client."""
    dynamodb.create_table(
        TableName=GAME_TABLE,
        AttributeDefinitions=[
            {"AttributeName": "UserId", "AttributeType": "S"},
            {"AttributeName": "GameTitle", "AttributeType": "S"},
        ],
        KeySchema=[
            {"AttributeName": "UserId", "KeyType": "HASH"},
            {"AttributeName": "GameTitle", "KeyType": "RANGE"},
        ],
        BillingMode="PAY_PER_REQUEST",
    )


class Player:
    """One signed-in user calling DynamoDB with the credentials STS gave them."""

    def __init__(self, user_id: str, answer: dict[str, Any], dynamodb: Any) -> None:
        self.user_id = user_id
        self.arn: str = answer["AssumedRoleUser"]["Arn"]
        self.dynamodb = dynamodb

    def key(self, user: str | None = None, game: str = GAME) -> dict[str, Any]:
        return {"UserId": {"S": user or self.user_id}, "GameTitle": {"S": game}}

    def denied(self, operation: str, **params: Any) -> str:
        """Call DynamoDB expecting AccessDeniedException (HTTP 400); its message."""
        with pytest.raises(ClientError) as raised:
            getattr(self.dynamodb, operation)(**params)
        error = raised.value.response
        assert error["Error"]["Code"] == "AccessDeniedException"
        assert error["ResponseMetadata"]["HTTPStatusCode"] == 400
        message: str = error["Error"]["Message"]
        return message
