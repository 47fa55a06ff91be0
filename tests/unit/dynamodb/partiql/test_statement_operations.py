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


def scores(dynamo: Dynamo, games_per_user: dict[str, int]) -> None:
    for user, count in games_per_user.items():
        for game in range(count):
            execute(dynamo, "INSERT INTO GameScores VALUE {'UserId': ?, 'GameTitle': ?, 'Wins': ?}",
                    Parameters=[{"S": user}, {"S": f"G{game:02}"}, {"N": str(game)}])  # fmt: skip


def every_page(dynamo: Dynamo, statement: str, **options: Any) -> list[list[str]]:
    """Each page's items as `user/game`, following NextToken to the end."""
    pages: list[list[str]] = []
    token = None
    while True:
        page = execute(dynamo, statement, **options, **({"NextToken": token} if token else {}))
        pages.append([f"{i['UserId']['S']}/{i['GameTitle']['S']}" for i in page["Items"]])
        token = page.get("NextToken")
        if token is None:
            return pages


def test_listed_partitions_answer_in_the_order_listed(games: Dynamo) -> None:
    scores(games, {"alice": 2, "bob": 2, "carol": 1})
    pages = every_page(
        games, "SELECT * FROM GameScores WHERE UserId IN ['carol', 'nobody', 'alice']"
    )
    assert pages == [["carol/G00", "alice/G00", "alice/G01"]]
    pages = every_page(
        games,
        "SELECT * FROM GameScores WHERE UserId = 'bob' OR UserId = 'alice' ORDER BY GameTitle DESC",
    )
    assert pages == [["bob/G01", "bob/G00", "alice/G01", "alice/G00"]]


def test_listed_partitions_come_in_pages_of_up_to_ten_items(games: Dynamo) -> None:
    scores(games, {"alice": 7, "bob": 6, "carol": 3})
    pages = every_page(games, "SELECT * FROM GameScores WHERE UserId IN ['alice', 'bob', 'carol']")
    assert [len(page) for page in pages] == [10, 6]
    assert pages[0][6:] == ["alice/G06", "bob/G00", "bob/G01", "bob/G02"]
    assert pages[1] == ["bob/G03", "bob/G04", "bob/G05", "carol/G00", "carol/G01", "carol/G02"]


def test_limit_caps_the_items_a_page_of_listed_partitions_evaluates(games: Dynamo) -> None:
    scores(games, {"alice": 3, "bob": 3})
    statement = "SELECT * FROM GameScores WHERE UserId IN ['alice', 'bob'] AND Wins <> 1"
    pages = every_page(games, statement, Limit=2)
    assert [item for page in pages for item in page] == [
        "alice/G00", "alice/G02", "bob/G00", "bob/G02",
    ]  # fmt: skip
    assert all(len(page) <= 2 for page in pages)


def test_listed_partitions_are_authorized_together_and_are_no_scan(games: Dynamo) -> None:
    scores(games, {"alice": 1, "bob": 1})
    execute(games, "SELECT UserId FROM GameScores WHERE UserId IN ['bob', 'alice']")
    asked = [r for r in games.authorizer.requests if r.action == "dynamodb:PartiQLSelect"]
    assert len(asked) == 2  # one Query per partition, each asked with both
    for request in asked:
        assert request.condition_keys["dynamodb:LeadingKeys"] == ["alice", "bob"]
        assert request.condition_keys["dynamodb:FullTableScan"] == ["false"]


def test_a_next_token_of_listed_partitions_is_checked(games: Dynamo) -> None:
    error = failure(
        games,
        "ExecuteStatement",
        {
            "Statement": "SELECT * FROM GameScores WHERE UserId IN ['a', 'b']",
            "NextToken": "eyJQYXJ0aXRpb24iOjV9",  # {"Partition":5}: past the list
        },
    )
    assert (error.code, error.message) == ("ValidationException", "Invalid NextToken")
