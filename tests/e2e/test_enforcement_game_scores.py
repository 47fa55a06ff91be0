"""The seed's scenario end to end: two users sign in at a real OpenID Provider, trade their ID
tokens for GameRole credentials, and call DynamoDB with boto3. The GameRole policy
(iam-fgac.md §5.6: LeadingKeys = the user's `sub`, six listed attributes, Select =
SPECIFIC_ATTRIBUTES if present) lets each read and write only their own items and listed
attributes; everything else is AccessDeniedException with AWS's message, and changes nothing.

AWS pages followed: "Using IAM policy conditions for fine-grained access control" (DynamoDB
Developer Guide) and "Troubleshoot access denied error messages" (IAM User Guide).
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.e2e.js.federation import Federation, federation
from tests.support.game_role import GAME_TABLE as TABLE
from tests.support.game_role import Player, create_game_scores_table, policy_document

pytestmark = pytest.mark.e2e

LISTED = "UserId, GameTitle, Wins, Losses, TopScore, TopScoreDateTime"


@pytest.fixture(scope="module")
def fed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Federation]:
    with federation(tmp_path_factory.mktemp("game-scores")) as running:
        create_game_scores_table(running.admin("dynamodb"))
        yield running


@pytest.fixture(scope="module")
def game_role(fed: Federation) -> str:
    return fed.create_role("GameRole", fed.game_role_statement())


def sign_in(fed: Federation, role: str, login: str, **exchange: Any) -> Player:
    """`login` signs in at the IdP and trades the ID token for `role`'s credentials."""
    return fed.player(fed.exchange(role, fed.idp.id_token(login), login, **exchange), login)


@pytest.fixture(scope="module")
def alice(fed: Federation, game_role: str) -> Player:
    return sign_in(fed, game_role, "alice")


@pytest.fixture(scope="module")
def bob(fed: Federation, game_role: str) -> Player:
    return sign_in(fed, game_role, "bob")


def not_authorized(
    player: Player, fed: Federation, action: str, resource: str | None = None
) -> str:
    return (
        f"User: {player.arn} is not authorized to perform: dynamodb:{action} on resource: "
        f"{resource or fed.table_arn(TABLE)} because no identity-based policy allows the "
        f"dynamodb:{action} action"
    )


# --- what each user may do ------------------------------------------------------------------


def test_each_user_writes_and_reads_their_own_items(
    fed: Federation, alice: Player, bob: Player
) -> None:
    for player, score in ((alice, "5842"), (bob, "1200")):
        player.dynamodb.put_item(
            TableName=TABLE,
            Item={**player.key(), "TopScore": {"N": score}, "Wins": {"N": "3"}},
        )
        got = player.dynamodb.get_item(
            TableName=TABLE, Key=player.key(), ProjectionExpression="UserId, TopScore"
        )
        assert got["Item"] == {"UserId": {"S": player.user_id}, "TopScore": {"N": score}}
    assert fed.admin_item("alice") is not None and fed.admin_item("bob") is not None


def test_update_and_delete_own_items(fed: Federation, alice: Player) -> None:
    alice.dynamodb.put_item(TableName=TABLE, Item={**alice.key(game="Tetris"), "Wins": {"N": "1"}})
    updated = alice.dynamodb.update_item(
        TableName=TABLE,
        Key=alice.key(game="Tetris"),
        UpdateExpression="SET Wins = Wins + :one, Losses = :zero",
        ExpressionAttributeValues={":one": {"N": "1"}, ":zero": {"N": "0"}},
        ReturnValues="UPDATED_NEW",
    )
    assert updated["Attributes"] == {"Wins": {"N": "2"}, "Losses": {"N": "0"}}
    alice.dynamodb.delete_item(TableName=TABLE, Key=alice.key(game="Tetris"))
    assert fed.admin_item("alice", "Tetris") is None


def test_query_own_partition_with_listed_attributes(alice: Player) -> None:
    answer = alice.dynamodb.query(
        TableName=TABLE,
        KeyConditionExpression="UserId = :me",
        ExpressionAttributeValues={":me": {"S": "alice"}},
        ProjectionExpression="GameTitle, TopScore",
    )
    assert answer["Count"] >= 1
    assert all(set(item) <= {"GameTitle", "TopScore"} for item in answer["Items"])


# --- what is denied, and changes nothing -----------------------------------------------------


def test_reading_another_users_item(fed: Federation, alice: Player) -> None:
    message = alice.denied(
        "get_item", TableName=TABLE, Key=alice.key("bob"), ProjectionExpression="TopScore"
    )
    assert message == not_authorized(alice, fed, "GetItem")
    assert alice.arn == f"arn:aws:sts::{fed.account}:assumed-role/GameRole/alice"


def test_writing_into_another_users_partition_changes_nothing(
    fed: Federation, alice: Player
) -> None:
    before = fed.admin_item("bob")
    alice.denied("put_item", TableName=TABLE, Item={**alice.key("bob"), "TopScore": {"N": "0"}})
    alice.denied(
        "update_item",
        TableName=TABLE,
        Key=alice.key("bob"),
        UpdateExpression="SET TopScore = :zero",
        ExpressionAttributeValues={":zero": {"N": "0"}},
    )
    alice.denied("delete_item", TableName=TABLE, Key=alice.key("bob"))
    assert fed.admin_item("bob") == before


def test_unlisted_attributes_are_denied_on_write_and_read(fed: Federation, alice: Player) -> None:
    message = alice.denied(
        "put_item",
        TableName=TABLE,
        Item={**alice.key(game="Secret"), "Email": {"S": "alice@example.test"}},
    )
    assert message == not_authorized(alice, fed, "PutItem")
    assert fed.admin_item("alice", "Secret") is None
    alice.denied(
        "update_item",
        TableName=TABLE,
        Key=alice.key(),
        UpdateExpression="SET #e = :e",
        ExpressionAttributeNames={"#e": "Email"},
        ExpressionAttributeValues={":e": {"S": "x"}},
    )
    assert "Email" not in (fed.admin_item("alice") or {})
    alice.denied("get_item", TableName=TABLE, Key=alice.key(), ProjectionExpression="Email")


def test_reads_without_a_projection_are_select_all_attributes(
    fed: Federation, alice: Player
) -> None:
    assert alice.denied("get_item", TableName=TABLE, Key=alice.key()) == not_authorized(
        alice, fed, "GetItem"
    )
    alice.denied(
        "query",
        TableName=TABLE,
        KeyConditionExpression="UserId = :me",
        ExpressionAttributeValues={":me": {"S": "alice"}},
    )
    alice.denied(
        "query",
        TableName=TABLE,
        KeyConditionExpression="UserId = :me",
        ExpressionAttributeValues={":me": {"S": "alice"}},
        Select="ALL_ATTRIBUTES",
    )


def test_query_on_another_partition(fed: Federation, alice: Player) -> None:
    message = alice.denied(
        "query",
        TableName=TABLE,
        KeyConditionExpression="UserId = :them",
        ExpressionAttributeValues={":them": {"S": "bob"}},
        ProjectionExpression="TopScore",
    )
    assert message == not_authorized(alice, fed, "Query")


def test_scan_is_denied(fed: Federation, alice: Player) -> None:
    message = alice.denied("scan", TableName=TABLE, ProjectionExpression="TopScore")
    assert message == not_authorized(alice, fed, "Scan")


def test_table_administration_is_denied(fed: Federation, alice: Player) -> None:
    alice.denied("describe_table", TableName=TABLE)
    alice.denied("delete_table", TableName=TABLE)
    alice.denied(
        "update_table",
        TableName=TABLE,
        AttributeDefinitions=[{"AttributeName": "TopScore", "AttributeType": "N"}],
        GlobalSecondaryIndexUpdates=[
            {
                "Create": {
                    "IndexName": "ByScore",
                    "KeySchema": [{"AttributeName": "TopScore", "KeyType": "HASH"}],
                    "Projection": {"ProjectionType": "ALL"},
                }
            }
        ],
    )
    message = alice.denied(
        "create_table",
        TableName="Stolen",
        AttributeDefinitions=[{"AttributeName": "K", "AttributeType": "S"}],
        KeySchema=[{"AttributeName": "K", "KeyType": "HASH"}],
        BillingMode="PAY_PER_REQUEST",
    )
    assert message == not_authorized(alice, fed, "CreateTable", fed.table_arn("Stolen"))
    assert alice.denied("list_tables").startswith(
        f"User: {alice.arn} is not authorized to perform: dynamodb:ListTables on resource: *"
    )
    tables = fed.admin("dynamodb").list_tables()["TableNames"]
    assert TABLE in tables and "Stolen" not in tables
    described = fed.admin("dynamodb").describe_table(TableName=TABLE)["Table"]
    assert "GlobalSecondaryIndexes" not in described


# --- batches and transactions: one denied part denies the whole request ----------------------


def test_batches_in_own_partition(fed: Federation, alice: Player) -> None:
    puts = [
        {"PutRequest": {"Item": {**alice.key(game=f"Batch-{n}"), "Wins": {"N": str(n)}}}}
        for n in range(3)
    ]
    alice.dynamodb.batch_write_item(RequestItems={TABLE: puts})
    answer = alice.dynamodb.batch_get_item(
        RequestItems={
            TABLE: {
                "Keys": [alice.key(game=f"Batch-{n}") for n in range(3)],
                "ProjectionExpression": "GameTitle, Wins",
            }
        }
    )
    assert len(answer["Responses"][TABLE]) == 3


def test_a_batch_touching_another_partition_is_denied_whole(fed: Federation, alice: Player) -> None:
    puts = [
        {"PutRequest": {"Item": {**alice.key(game="Mixed"), "Wins": {"N": "1"}}}},
        {"PutRequest": {"Item": {**alice.key("bob", "Mixed"), "Wins": {"N": "1"}}}},
    ]
    message = alice.denied("batch_write_item", RequestItems={TABLE: puts})
    assert message == not_authorized(alice, fed, "BatchWriteItem")
    assert fed.admin_item("alice", "Mixed") is None and fed.admin_item("bob", "Mixed") is None
    alice.denied(
        "batch_get_item",
        RequestItems={
            TABLE: {"Keys": [alice.key(), alice.key("bob")], "ProjectionExpression": "Wins"}
        },
    )


def test_transactions_are_authorized_per_element(fed: Federation, alice: Player) -> None:
    own = {"Put": {"TableName": TABLE, "Item": {**alice.key(game="Txn"), "Wins": {"N": "1"}}}}
    alice.dynamodb.transact_write_items(TransactItems=[own])
    got = alice.dynamodb.transact_get_items(
        TransactItems=[
            {
                "Get": {
                    "TableName": TABLE,
                    "Key": alice.key(game="Txn"),
                    "ProjectionExpression": "Wins",
                }
            }
        ]
    )
    assert got["Responses"][0]["Item"] == {"Wins": {"N": "1"}}
    theirs = {"Put": {"TableName": TABLE, "Item": {**alice.key("bob", "Txn"), "Wins": {"N": "9"}}}}
    second = {"Put": {"TableName": TABLE, "Item": {**alice.key(game="Txn2"), "Wins": {"N": "2"}}}}
    message = alice.denied("transact_write_items", TransactItems=[second, theirs])
    # Transactions name the item action (iam-fgac.md §5.4).
    assert message == not_authorized(alice, fed, "PutItem")
    assert fed.admin_item("alice", "Txn2") is None and fed.admin_item("bob", "Txn") is None


# --- session policies: they narrow, they never widen -----------------------------------------


def test_a_session_policy_cannot_widen_the_role(fed: Federation, game_role: str) -> None:
    everything = policy_document({"Effect": "Allow", "Action": "*", "Resource": "*"})
    mallory = sign_in(fed, game_role, "mallory", Policy=everything)
    mallory.denied("scan", TableName=TABLE, ProjectionExpression="TopScore")
    mallory.denied("get_item", TableName=TABLE, Key=mallory.key("bob"), ProjectionExpression="Wins")
    mallory.denied("put_item", TableName=TABLE, Item={**mallory.key("bob"), "Wins": {"N": "99"}})
    mallory.denied("delete_table", TableName=TABLE)
    assert fed.admin_item("bob") is not None
    assert (fed.admin_item("bob") or {}).get("Wins") == {"N": "3"}


def test_a_session_policy_narrows_the_role(fed: Federation, game_role: str) -> None:
    reads_only = policy_document(
        {"Effect": "Allow", "Action": "dynamodb:GetItem", "Resource": fed.table_arn(TABLE)}
    )
    reader = sign_in(fed, game_role, "reader", Policy=reads_only)
    assert (
        reader.dynamodb.get_item(TableName=TABLE, Key=reader.key(), ProjectionExpression="TopScore")
        is not None
    )
    message = reader.denied("put_item", TableName=TABLE, Item=reader.key())
    assert message.endswith("because no session policy allows the dynamodb:PutItem action")
    assert fed.admin_item("reader") is None


# --- the role's policy is live -----------------------------------------------------------------


def test_decisions_are_audited(fed: Federation, alice: Player) -> None:
    events = [e for e in fed.audit_events() if e["event"] == "authorization"]
    mine = [e for e in events if e["principal"] == alice.arn]
    allowed = [e for e in mine if e["decision"] == "Allow"]
    denied = [e for e in mine if e["decision"] == "Deny" and e["action"] == "dynamodb:GetItem"]
    assert allowed and allowed[0]["statement"]["sid"] == "AllowAccessToOnlyItemsMatchingUserID"
    assert any(
        failure["key"] == "dynamodb:LeadingKeys"
        for event in denied
        for failure in event.get("failed_conditions", [])
    )


def test_a_deleted_role_stops_its_sessions(fed: Federation) -> None:
    role = fed.create_role("ShortLived", fed.game_role_statement())
    player = sign_in(fed, role, "zoe")
    player.dynamodb.put_item(TableName=TABLE, Item=player.key())
    iam = fed.admin("iam")
    iam.delete_role_policy(RoleName="ShortLived", PolicyName="ShortLivedPolicy")
    iam.delete_role(RoleName="ShortLived")
    deadline = time.monotonic() + 10  # role data is cached for 5 s (docs/sts.md)
    while True:
        try:
            player.dynamodb.put_item(TableName=TABLE, Item={**player.key(), "Wins": {"N": "1"}})
        except ClientError as error:
            assert error.response["Error"]["Code"] == "AccessDeniedException"
            break
        assert time.monotonic() < deadline, "the deleted role still authorizes requests"
        time.sleep(0.5)
    item = fed.admin_item("zoe")
    assert item is not None
    before = json.dumps(item, sort_keys=True)
    player.denied("put_item", TableName=TABLE, Item={**player.key(), "Wins": {"N": "2"}})
    assert json.dumps(fed.admin_item("zoe"), sort_keys=True) == before
