"""ExecuteStatement, BatchExecuteStatement and ExecuteTransaction on the in-process service:
each statement runs as the operation it translates to and is authorized as its PartiQL
action (AWS API reference pages of the three operations; "IAM security policies with
PartiQL for DynamoDB")."""

from __future__ import annotations

from typing import Any

import pytest
from tests.unit.dynamodb.conftest import Dynamo

from dynafed.errors import AwsError

KEY = "UserId = 'alice' AND GameTitle = 'G'"


@pytest.fixture
def games(dynamo: Dynamo) -> Dynamo:
    dynamo.create_table("GameScores", ("UserId", "S"), ("GameTitle", "S"))
    return dynamo


def execute(dynamo: Dynamo, statement: str, **options: Any) -> dict[str, Any]:
    return dynamo("ExecuteStatement", {"Statement": statement, **options})


def failure(dynamo: Dynamo, operation: str, body: dict[str, Any]) -> AwsError:
    with pytest.raises(AwsError) as raised:
        dynamo(operation, body)
    return raised.value


def test_insert_select_update_delete_round_trip(games: Dynamo) -> None:
    execute(games, "INSERT INTO GameScores VALUE {'UserId': ?, 'GameTitle': 'G', 'Wins': 1}",
            Parameters=[{"S": "alice"}])  # fmt: skip
    updated = execute(
        games, f"UPDATE GameScores SET Wins = Wins + 2 WHERE {KEY} RETURNING ALL NEW *"
    )
    assert updated["Items"] == [
        {"UserId": {"S": "alice"}, "GameTitle": {"S": "G"}, "Wins": {"N": "3"}}
    ]
    assert execute(games, f"SELECT Wins FROM GameScores WHERE {KEY}")["Items"] == [
        {"Wins": {"N": "3"}}
    ]
    execute(games, f"DELETE FROM GameScores WHERE {KEY}")
    assert execute(games, f"SELECT * FROM GameScores WHERE {KEY}")["Items"] == []


def test_insert_of_an_existing_key_is_a_duplicate_item(games: Dynamo) -> None:
    insert = {"Statement": "INSERT INTO GameScores VALUE {'UserId': 'alice', 'GameTitle': 'G'}"}
    games("ExecuteStatement", insert)
    error = failure(games, "ExecuteStatement", insert)
    assert (error.code, error.message) == (
        "DuplicateItemException",
        "Duplicate primary key exists in table",
    )


def test_update_of_a_missing_item_fails_its_condition(games: Dynamo) -> None:
    error = failure(
        games, "ExecuteStatement", {"Statement": f"UPDATE GameScores SET Wins = 1 WHERE {KEY}"}
    )
    assert error.code == "ConditionalCheckFailedException"
    assert execute(games, f"SELECT * FROM GameScores WHERE {KEY}")["Items"] == []


def test_scan_pages_with_limit_and_next_token(games: Dynamo) -> None:
    for user in ("a", "b", "c"):
        execute(games, f"INSERT INTO GameScores VALUE {{'UserId': '{user}', 'GameTitle': 'G'}}")
    seen, token = [], None
    while True:
        options: dict[str, Any] = {"Limit": 2} | ({"NextToken": token} if token else {})
        page = execute(games, "SELECT UserId FROM GameScores WHERE GameTitle = 'G'", **options)
        seen += [item["UserId"]["S"] for item in page["Items"]]
        token = page.get("NextToken")
        if token is None:
            break
    assert sorted(seen) == ["a", "b", "c"]


def test_statements_are_authorized_as_partiql_actions(games: Dynamo) -> None:
    execute(games, "INSERT INTO GameScores VALUE {'UserId': 'alice', 'GameTitle': 'G'}")
    execute(games, f"SELECT Wins FROM GameScores WHERE {KEY}")
    execute(games, "SELECT Wins FROM GameScores WHERE Wins > 1")
    asked = [(r.action, r.condition_keys) for r in games.authorizer.requests]
    assert asked[-3][0] == "dynamodb:PartiQLInsert"
    assert asked[-3][1]["dynamodb:LeadingKeys"] == ["alice"]
    assert asked[-2][0] == "dynamodb:PartiQLSelect"
    assert asked[-2][1]["dynamodb:FullTableScan"] == ["false"]
    assert asked[-2][1]["dynamodb:Select"] == ["SPECIFIC_ATTRIBUTES"]
    assert asked[-1][1]["dynamodb:FullTableScan"] == ["true"]
    assert "dynamodb:LeadingKeys" not in asked[-1][1]


def test_a_missing_table_is_resource_not_found(games: Dynamo) -> None:
    error = failure(games, "ExecuteStatement", {"Statement": "SELECT * FROM Nope WHERE a = 1"})
    assert error.code == "ResourceNotFoundException"


def test_batch_answers_each_statement_on_its_own(games: Dynamo) -> None:
    insert = "INSERT INTO GameScores VALUE {'UserId': 'alice', 'GameTitle': 'G'}"
    answer = games(
        "BatchExecuteStatement",
        {
            "Statements": [
                {"Statement": insert},
                {"Statement": insert},
                {"Statement": "UPDATE GameScores SET a = 1 WHERE UserId = 'x'"},
                {"Statement": "DELETE FROM"},
            ]
        },
    )
    codes = [response.get("Error", {}).get("Code") for response in answer["Responses"]]
    assert codes == [None, "DuplicateItem", "ValidationError", "ValidationError"]


def test_batch_reads_need_whole_keys(games: Dynamo) -> None:
    execute(games, "INSERT INTO GameScores VALUE {'UserId': 'alice', 'GameTitle': 'G'}")
    answer = games(
        "BatchExecuteStatement",
        {
            "Statements": [
                {"Statement": f"SELECT * FROM GameScores WHERE {KEY}"},
                {"Statement": "SELECT * FROM GameScores WHERE UserId = 'alice'"},
            ]
        },
    )
    first, second = answer["Responses"]
    assert first["Item"]["UserId"] == {"S": "alice"}
    assert second["Error"]["Code"] == "ValidationError"


def test_transaction_is_all_or_nothing_with_duplicate_item_reasons(games: Dynamo) -> None:
    execute(games, "INSERT INTO GameScores VALUE {'UserId': 'alice', 'GameTitle': 'G'}")
    body = {
        "TransactStatements": [
            {"Statement": "INSERT INTO GameScores VALUE {'UserId': 'bob', 'GameTitle': 'G'}"},
            {"Statement": "INSERT INTO GameScores VALUE {'UserId': 'alice', 'GameTitle': 'G'}"},
        ]
    }
    error = failure(games, "ExecuteTransaction", body)
    assert error.code == "TransactionCanceledException"
    assert [r["Code"] for r in error.reasons] == ["None", "DuplicateItem"]  # type: ignore[attr-defined]
    assert execute(games, "SELECT * FROM GameScores WHERE UserId = 'bob'")["Items"] == []


def test_transaction_reads_and_idempotent_writes(games: Dynamo) -> None:
    write = {
        "TransactStatements": [
            {"Statement": "INSERT INTO GameScores VALUE {'UserId': 'bob', 'GameTitle': 'G'}"}
        ],
        "ClientRequestToken": "token-1",
    }
    games("ExecuteTransaction", write)
    games("ExecuteTransaction", write)  # replayed, not a duplicate item
    read = {
        "TransactStatements": [
            {"Statement": "SELECT UserId FROM GameScores WHERE UserId = 'bob' AND GameTitle = 'G'"}
        ]
    }
    assert games("ExecuteTransaction", read)["Responses"] == [{"Item": {"UserId": {"S": "bob"}}}]


def test_transaction_refuses_mixed_reads_and_writes(games: Dynamo) -> None:
    body = {
        "TransactStatements": [
            {"Statement": f"SELECT * FROM GameScores WHERE {KEY}"},
            {"Statement": f"DELETE FROM GameScores WHERE {KEY}"},
        ]
    }
    assert failure(games, "ExecuteTransaction", body).code == "ValidationException"
