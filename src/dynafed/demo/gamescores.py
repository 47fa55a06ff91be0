"""What the demo consists of: names, the two players, the role's policies. Pure data.

The permission policy is the reference GameRole policy of the DynamoDB fine-grained access
control guide (iam-fgac.md §5.6), keyed on the identity pool's identity id
(`${cognito-identity.amazonaws.com:sub}`), as the guide recommends for Cognito. The trust
policy is the one the Cognito guide gives for identity-pool roles: the
`cognito-identity.amazonaws.com` principal, this pool as audience, authenticated users only.
"""

from __future__ import annotations

import json
from typing import Any

TABLE = "GameScores"
ROLE = "GameRole"
POLICY_NAME = "GameScoresOwnItemsOnly"
USER_POOL_NAME = "GameScores players"
CLIENT_ID = "gamescoresweb"
IDENTITY_POOL_NAME = "GameScores"
ATTRIBUTES = ["UserId", "GameTitle", "Wins", "Losses", "TopScore", "TopScoreDateTime"]
PLAYERS = (("player1", "player1-password"), ("player2", "player2-password"))
"""Demo accounts; the passwords are printed at start-up and documented (docs/identity.md)."""
SEEDED_SCORES = {
    "player2": [("Meteor Blasters", 1200, 7, 2), ("Galaxy Invaders", 3400, 12, 5)],
    "player1": [("Galaxy Invaders", 900, 3, 4)],
}


def user_pool_id(region: str) -> str:
    return f"{region}_GameScores"


def table_arn(region: str, account: str) -> str:
    return f"arn:aws:dynamodb:{region}:{account}:table/{TABLE}"


def trust_policy(identity_pool_id: str) -> str:
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"Federated": "cognito-identity.amazonaws.com"},
                    "Action": "sts:AssumeRoleWithWebIdentity",
                    "Condition": {
                        "StringEquals": {"cognito-identity.amazonaws.com:aud": identity_pool_id},
                        "ForAnyValue:StringLike": {
                            "cognito-identity.amazonaws.com:amr": "authenticated"
                        },
                    },
                }
            ],
        }
    )


def permission_policy(region: str, account: str) -> str:
    statement: dict[str, Any] = {
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
        "Resource": [table_arn(region, account)],
        "Condition": {
            "ForAllValues:StringEquals": {
                "dynamodb:LeadingKeys": ["${cognito-identity.amazonaws.com:sub}"],
                "dynamodb:Attributes": ATTRIBUTES,
            },
            # The FGAC guide's pairing: reads name their attributes, and writes never
            # return whole items (ReturnValues ALL_OLD/ALL_NEW, or the item of a failed
            # condition), so no answer carries an attribute the list does not name.
            "StringEqualsIfExists": {
                "dynamodb:Select": "SPECIFIC_ATTRIBUTES",
                "dynamodb:ReturnValues": ["NONE", "UPDATED_OLD", "UPDATED_NEW"],
            },
        },
    }
    return json.dumps({"Version": "2012-10-17", "Statement": [statement]})


def create_table_request() -> dict[str, Any]:
    return {
        "TableName": TABLE,
        "KeySchema": [
            {"AttributeName": "UserId", "KeyType": "HASH"},
            {"AttributeName": "GameTitle", "KeyType": "RANGE"},
        ],
        "AttributeDefinitions": [
            {"AttributeName": "UserId", "AttributeType": "S"},
            {"AttributeName": "GameTitle", "AttributeType": "S"},
        ],
        "BillingMode": "PAY_PER_REQUEST",
    }


def score_item(identity_id: str, game: str, top: int, wins: int, losses: int) -> dict[str, Any]:
    return {
        "UserId": {"S": identity_id},
        "GameTitle": {"S": game},
        "TopScore": {"N": str(top)},
        "Wins": {"N": str(wins)},
        "Losses": {"N": str(losses)},
        "TopScoreDateTime": {"S": "2026-01-01T12:00:00Z"},
    }
