"""PartiQL end to end, enforced like everything else: GameScores players holding a GameRole
whose statement grants the four PartiQL actions under the same conditions as the seed's
GameRole (own partition, listed attributes, SPECIFIC_ATTRIBUTES reads), plus AWS's own
companion statement denying `dynamodb:FullTableScan` ("IAM security policies with PartiQL
for DynamoDB", example "Allow select statements and deny full table scan statements").

boto3 (`execute_statement`, `batch_execute_statement`, `execute_transaction`) and the AWS CLI
(`aws dynamodb execute-statement`) run against a real server with a real OpenID Provider.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.e2e.js.federation import Federation, federation
from tests.support.clients import aws_cli_env
from tests.support.game_role import GAME_TABLE as TABLE
from tests.support.game_role import Player, create_game_scores_table

pytestmark = pytest.mark.e2e

PARTIQL_ACTIONS = [
    "dynamodb:PartiQLSelect",
    "dynamodb:PartiQLInsert",
    "dynamodb:PartiQLUpdate",
    "dynamodb:PartiQLDelete",
]


@pytest.fixture(scope="module")
def fed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Federation]:
    with federation(tmp_path_factory.mktemp("partiql")) as running:
        create_game_scores_table(running.admin("dynamodb"))
        yield running


@pytest.fixture(scope="module")
def role(fed: Federation) -> str:
    allow = {**fed.game_role_statement(), "Action": PARTIQL_ACTIONS}
    deny_scans = {
        "Sid": "DenyFullTableScans",
        "Effect": "Deny",
        "Action": "dynamodb:PartiQLSelect",
        "Resource": fed.table_arn(TABLE),
        "Condition": {"Bool": {"dynamodb:FullTableScan": "true"}},
    }
    return fed.create_role("PartiQLGameRole", allow, deny_scans)


def sign_in(fed: Federation, role: str, login: str) -> Player:
    return fed.player(fed.exchange(role, fed.idp.id_token(login), login), login)


@pytest.fixture(scope="module")
def alice(fed: Federation, role: str) -> Player:
    return sign_in(fed, role, "alice")


@pytest.fixture(scope="module")
def bob(fed: Federation, role: str) -> Player:
    return sign_in(fed, role, "bob")


def insert(user: str, game: str, score: int = 1) -> str:
    return (
        f"INSERT INTO \"{TABLE}\" VALUE {{'UserId': '{user}', 'GameTitle': '{game}', "
        f"'TopScore': {score}}}"
    )


def denied(player: Player, action: str, **params: Any) -> str:
    """ExecuteStatement expecting AccessDeniedException naming `action`; its message."""
    with pytest.raises(ClientError) as raised:
        player.dynamodb.execute_statement(**params)
    error = raised.value.response["Error"]
    assert error["Code"] == "AccessDeniedException"
    assert f"dynamodb:{action}" in error["Message"]
    assert player.arn in error["Message"]
    return str(error["Message"])


def stored(fed: Federation, user: str, game: str) -> dict[str, Any] | None:
    key = {"UserId": {"S": user}, "GameTitle": {"S": game}}
    item: dict[str, Any] | None = (
        fed.admin("dynamodb").get_item(TableName=TABLE, Key=key).get("Item")
    )
    return item


def test_a_player_inserts_selects_updates_and_deletes_in_their_own_partition(
    fed: Federation, alice: Player
) -> None:
    db = alice.dynamodb
    db.execute_statement(Statement=insert(alice.user_id, "Own"))
    got = db.execute_statement(
        Statement=f'SELECT UserId, TopScore FROM "{TABLE}" WHERE UserId = ? AND GameTitle = ?',
        Parameters=[{"S": alice.user_id}, {"S": "Own"}],
    )
    assert got["Items"] == [{"UserId": {"S": alice.user_id}, "TopScore": {"N": "1"}}]
    db.execute_statement(
        Statement=f'UPDATE "{TABLE}" SET TopScore = TopScore + 10 '
        "WHERE UserId = ? AND GameTitle = 'Own'",
        Parameters=[{"S": alice.user_id}],
    )
    queried = db.execute_statement(
        Statement=f"SELECT TopScore FROM \"{TABLE}\" WHERE UserId = '{alice.user_id}' "
        "AND begins_with(GameTitle, 'O') AND TopScore > 5"
    )
    assert queried["Items"] == [{"TopScore": {"N": "11"}}]
    db.execute_statement(
        Statement=f"DELETE FROM \"{TABLE}\" WHERE UserId = '{alice.user_id}' AND GameTitle = 'Own'"
    )
    assert stored(fed, alice.user_id, "Own") is None


def test_insert_of_an_existing_item_is_a_duplicate(alice: Player) -> None:
    alice.dynamodb.execute_statement(Statement=insert(alice.user_id, "Twice"))
    with pytest.raises(ClientError) as raised:
        alice.dynamodb.execute_statement(Statement=insert(alice.user_id, "Twice", 99))
    assert raised.value.response["Error"]["Code"] == "DuplicateItemException"


def test_another_players_partition_is_refused_for_every_statement(
    fed: Federation, alice: Player, bob: Player
) -> None:
    bob.dynamodb.execute_statement(Statement=insert(bob.user_id, "Bobs", 7))
    other = f"UserId = '{bob.user_id}' AND GameTitle = 'Bobs'"
    denied(alice, "PartiQLInsert", Statement=insert(bob.user_id, "Planted"))
    denied(alice, "PartiQLSelect", Statement=f'SELECT TopScore FROM "{TABLE}" WHERE {other}')
    denied(
        alice,
        "PartiQLSelect",
        Statement=f'SELECT TopScore FROM "{TABLE}" WHERE UserId = ?',
        Parameters=[{"S": bob.user_id}],
    )
    denied(alice, "PartiQLUpdate", Statement=f'UPDATE "{TABLE}" SET TopScore = 0 WHERE {other}')
    denied(alice, "PartiQLDelete", Statement=f'DELETE FROM "{TABLE}" WHERE {other}')
    assert stored(fed, bob.user_id, "Bobs") == {
        "UserId": {"S": bob.user_id},
        "GameTitle": {"S": "Bobs"},
        "TopScore": {"N": "7"},
    }
    assert stored(fed, bob.user_id, "Planted") is None


def test_a_select_without_a_key_equality_is_a_scan_and_refused(alice: Player) -> None:
    message = denied(
        alice, "PartiQLSelect", Statement=f'SELECT TopScore FROM "{TABLE}" WHERE TopScore > 0'
    )
    assert "explicit deny" in message
    denied(
        alice,
        "PartiQLSelect",
        Statement=f"SELECT TopScore FROM \"{TABLE}\" WHERE UserId = '{alice.user_id}' "
        "OR TopScore > 0",
    )


def test_a_player_lists_their_own_partition_with_in_or_or(alice: Player) -> None:
    """IN and an OR of equalities on the partition key are key lookups, not scans: the
    DenyFullTableScans statement does not apply and LeadingKeys is the listed value."""
    db = alice.dynamodb
    for game in ("In-A", "In-B"):
        db.execute_statement(Statement=insert(alice.user_id, game, 5))
    listed = db.execute_statement(
        Statement=f'SELECT GameTitle, TopScore FROM "{TABLE}" WHERE UserId IN [?] '
        "AND begins_with(GameTitle, 'In-')",
        Parameters=[{"S": alice.user_id}],
    )
    assert listed["Items"] == [
        {"GameTitle": {"S": "In-A"}, "TopScore": {"N": "5"}},
        {"GameTitle": {"S": "In-B"}, "TopScore": {"N": "5"}},
    ]
    ored = db.execute_statement(
        Statement=f"SELECT GameTitle FROM \"{TABLE}\" WHERE (UserId = '{alice.user_id}' "
        f"OR UserId = '{alice.user_id}') AND GameTitle = 'In-B'"
    )
    assert ored["Items"] == [{"GameTitle": {"S": "In-B"}}]


def test_a_list_naming_another_players_partition_is_refused(alice: Player, bob: Player) -> None:
    bob.dynamodb.execute_statement(Statement=insert(bob.user_id, "Listed", 3))
    for where in (
        f"UserId IN ['{alice.user_id}', '{bob.user_id}']",
        f"UserId = '{alice.user_id}' OR UserId = '{bob.user_id}'",
    ):
        message = denied(
            alice, "PartiQLSelect", Statement=f'SELECT TopScore FROM "{TABLE}" WHERE {where}'
        )
        assert "explicit deny" not in message  # the Allow's LeadingKeys, not the scan Deny


def test_more_than_fifty_listed_partitions_is_a_validation_error(alice: Player) -> None:
    values = ", ".join(["?"] * 51)
    with pytest.raises(ClientError) as raised:
        alice.dynamodb.execute_statement(
            Statement=f'SELECT TopScore FROM "{TABLE}" WHERE UserId IN [{values}]',
            Parameters=[{"S": alice.user_id}] + [{"S": f"u{i}"} for i in range(50)],
        )
    error = raised.value.response["Error"]
    assert error["Code"] == "ValidationException"
    assert "maximum is 50" in error["Message"]


def test_listed_partitions_answer_in_order_a_page_of_ten_at_a_time(fed: Federation) -> None:
    admin = fed.admin("dynamodb")
    for user, games in (("list-a", 4), ("list-b", 8), ("list-c", 2)):
        for game in range(games):
            admin.execute_statement(Statement=insert(user, f"G{game}", game))
    statement = (
        f'SELECT UserId, GameTitle FROM "{TABLE}" '
        "WHERE UserId IN ['list-c', 'list-missing', 'list-b', 'list-a'] AND GameTitle >= 'G1'"
    )
    pages, token = [], None
    while True:
        page = admin.execute_statement(
            Statement=statement, **({"NextToken": token} if token else {})
        )
        pages.append([f"{i['UserId']['S']}/{i['GameTitle']['S']}" for i in page["Items"]])
        token = page.get("NextToken")
        if token is None:
            break
    assert [len(page) for page in pages] == [10, 1]
    assert [item for page in pages for item in page] == [
        "list-c/G1",
        *(f"list-b/G{game}" for game in range(1, 8)),
        *(f"list-a/G{game}" for game in range(1, 4)),
    ]


def test_unlisted_attributes_and_whole_items_are_refused(alice: Player) -> None:
    own = f"UserId = '{alice.user_id}' AND GameTitle = 'Own'"
    denied(alice, "PartiQLSelect", Statement=f'SELECT * FROM "{TABLE}" WHERE {own}')
    denied(alice, "PartiQLSelect", Statement=f'SELECT Secret FROM "{TABLE}" WHERE {own}')


def test_batch_answers_a_refused_statement_in_its_place(alice: Player, bob: Player) -> None:
    answer = alice.dynamodb.batch_execute_statement(
        Statements=[
            {"Statement": insert(alice.user_id, "Batch")},
            {"Statement": insert(bob.user_id, "Batch")},
        ]
    )
    first, second = answer["Responses"]
    assert "Error" not in first
    assert second["Error"]["Code"] == "AccessDenied"


def test_a_transaction_reaching_another_partition_is_refused_whole(
    fed: Federation, alice: Player, bob: Player
) -> None:
    with pytest.raises(ClientError) as raised:
        alice.dynamodb.execute_transaction(
            TransactStatements=[
                {"Statement": insert(alice.user_id, "Txn")},
                {"Statement": insert(bob.user_id, "Txn")},
            ]
        )
    assert raised.value.response["Error"]["Code"] == "AccessDeniedException"
    assert stored(fed, alice.user_id, "Txn") is None
    alice.dynamodb.execute_transaction(
        TransactStatements=[{"Statement": insert(alice.user_id, "Txn")}],
        ClientRequestToken="partiql-txn-1",
    )
    read = alice.dynamodb.execute_transaction(
        TransactStatements=[
            {
                "Statement": f'SELECT TopScore FROM "{TABLE}" WHERE UserId = ? AND GameTitle = ?',
                "Parameters": [{"S": alice.user_id}, {"S": "Txn"}],
            }
        ]
    )
    assert read["Responses"] == [{"Item": {"TopScore": {"N": "1"}}}]


def test_the_aws_cli_runs_a_statement(fed: Federation) -> None:
    cli = os.path.join(os.path.dirname(sys.executable), "aws")

    def aws(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [cli, "dynamodb", *args, "--endpoint-url", fed.server.endpoint, "--output", "json"],
            env=aws_cli_env(fed.server),
            capture_output=True,
            text=True,
            timeout=60,
        )

    put = aws("execute-statement", "--statement", insert("cli-user", "CLI", 3))
    assert put.returncode == 0, put.stderr
    got = aws(
        "execute-statement",
        "--statement", f'SELECT TopScore FROM "{TABLE}" WHERE UserId = ? AND GameTitle = ?',
        "--parameters", json.dumps([{"S": "cli-user"}, {"S": "CLI"}]),
    )  # fmt: skip
    assert got.returncode == 0, got.stderr
    assert json.loads(got.stdout)["Items"] == [{"TopScore": {"N": "3"}}]
