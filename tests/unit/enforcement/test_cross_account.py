"""IAM's cross-account rule: another account's resource needs its own resource-based policy,
which no resource of this one-account server can have."""

from __future__ import annotations

import pytest

from dynafed.enforcement.authorizer import in_another_account

ACCOUNT = "123456789012"


@pytest.mark.parametrize(
    ("resource", "foreign"),
    [
        (f"arn:aws:dynamodb:us-east-1:{ACCOUNT}:table/GameScores", False),
        ("arn:aws:dynamodb:us-east-1:210987654321:table/GameScores", True),
        ("arn:aws:dynamodb:eu-west-1:210987654321:table/T/stream/2026-01-01T00:00:00.000", True),
        ("arn:aws:iam::aws:policy/AmazonDynamoDBReadOnlyAccess", False),
        (f"arn:aws:iam::{ACCOUNT}:role/GameRole", False),
        ("arn:aws:iam::210987654321:role/TheirRole", True),
        ("arn:aws:s3:::bucket", False),
        ("*", False),
    ],
)
def test_which_resources_belong_to_another_account(resource: str, foreign: bool) -> None:
    assert in_another_account(resource, ACCOUNT) is foreign
