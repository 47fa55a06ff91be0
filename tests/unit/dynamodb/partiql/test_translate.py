"""Statement → the request of the operation that runs it; authorization as PartiQL actions."""

from __future__ import annotations

import pytest

from dynafed.core.authorization import AuthorizationRequest
from dynafed.dynamodb.partiql.authorization import as_partiql
from dynafed.dynamodb.partiql.parser import parse
from dynafed.dynamodb.partiql.translate import MISSING_KEY_EQUALITY, translate
from dynafed.dynamodb.tables import Index, KeySchema, Projection, Table
from dynafed.errors import ValidationException

TABLE = Table(
    name="GameScores",
    table_id="t1",
    arn="arn:aws:dynamodb:us-west-2:123456789012:table/GameScores",
    created_at=0.0,
    attribute_types={"UserId": "S", "GameTitle": "S", "TopScore": "N"},
    key_schema=KeySchema("UserId", "GameTitle"),
    global_indexes=(Index("ByTitle", KeySchema("GameTitle", "TopScore"), Projection("ALL")),),
)


def run(text: str) -> tuple[str, dict[str, object]]:
    translation = translate(parse(text), TABLE)
    return translation.operation, translation.request


def test_select_by_whole_key_is_a_get_item() -> None:
    operation, request = run(
        "SELECT TopScore FROM GameScores WHERE UserId = 'alice' AND GameTitle = 'G'"
    )
    assert operation == "GetItem"
    assert request == {
        "TableName": "GameScores",
        "ProjectionExpression": "#n0",
        "ExpressionAttributeNames": {"#n0": "TopScore"},
        "Key": {"UserId": {"S": "alice"}, "GameTitle": {"S": "G"}},
    }


def test_select_by_partition_key_is_a_query_with_the_rest_as_filter() -> None:
    operation, request = run(
        "SELECT * FROM GameScores WHERE 'alice' = UserId AND begins_with(GameTitle, 'M') "
        "AND TopScore > 10"
    )
    assert operation == "Query"
    assert request["KeyConditionExpression"] == "(#n0 = :v0) AND (begins_with(#n1, :v1))"
    assert request["FilterExpression"] == "#n2 > :v2"
    assert request["ExpressionAttributeNames"] == {
        "#n0": "UserId",
        "#n1": "GameTitle",
        "#n2": "TopScore",
    }


def test_sort_key_comparison_written_backwards_is_flipped() -> None:
    _, request = run("SELECT * FROM GameScores WHERE UserId = 'a' AND 'M' < GameTitle")
    assert request["KeyConditionExpression"] == "(#n0 = :v0) AND (#n1 > :v1)"


@pytest.mark.parametrize(
    "where",
    [
        "TopScore > 10",
        "UserId > 'a'",
        "UserId = 'a' OR TopScore > 1",
        "UserId = 'a' AND GameTitle <> 'x'",
        "UserId = 'a' AND GameTitle > 'a' AND GameTitle < 'z'",
    ],
)
def test_select_without_a_usable_partition_key_equality_is_a_scan(where: str) -> None:
    operation, request = run(f"SELECT * FROM GameScores WHERE {where}")
    assert operation == "Scan"
    assert "FilterExpression" in request


def test_select_on_an_index_queries_it_by_its_own_key() -> None:
    operation, request = run(
        'SELECT * FROM "GameScores"."ByTitle" WHERE GameTitle = \'G\' AND TopScore >= 5'
    )
    assert operation == "Query"
    assert request["IndexName"] == "ByTitle"


def test_insert_refuses_an_existing_key_through_its_condition() -> None:
    operation, request = run("INSERT INTO GameScores VALUE {'UserId': 'a', 'GameTitle': 'G'}")
    assert operation == "PutItem"
    assert request["ConditionExpression"] == "attribute_not_exists(#n0)"
    assert request["Item"] == {"UserId": {"S": "a"}, "GameTitle": {"S": "G"}}


def test_update_is_never_an_upsert_and_keeps_its_other_conditions() -> None:
    operation, request = run(
        "UPDATE GameScores SET TopScore = 5 REMOVE Stale "
        "WHERE UserId = 'a' AND GameTitle = 'G' AND TopScore < 5 RETURNING ALL OLD *"
    )
    assert operation == "UpdateItem"
    assert request["Key"] == {"UserId": {"S": "a"}, "GameTitle": {"S": "G"}}
    assert request["UpdateExpression"] == "SET #n0 = :v0 REMOVE #n1"
    assert request["ConditionExpression"] == "attribute_exists(#n2) AND (#n0 < :v1)"
    assert request["ReturnValues"] == "ALL_OLD"


def test_delete_of_a_missing_item_is_no_error_but_a_false_condition_is() -> None:
    _, plain = run("DELETE FROM GameScores WHERE UserId = 'a' AND GameTitle = 'G'")
    assert "ConditionExpression" not in plain
    _, guarded = run(
        "DELETE FROM GameScores WHERE UserId = 'a' AND GameTitle = 'G' AND TopScore = 1"
    )
    assert guarded["ConditionExpression"] == "attribute_not_exists(#n0) OR (#n1 = :v0)"


@pytest.mark.parametrize(
    "text",
    [
        "UPDATE GameScores SET a = 1 WHERE UserId = 'a'",
        "DELETE FROM GameScores WHERE UserId = 'a' OR GameTitle = 'G'",
        "DELETE FROM GameScores",
    ],
)
def test_writes_need_an_equality_on_every_key_attribute(text: str) -> None:
    with pytest.raises(ValidationException) as raised:
        run(text)
    assert raised.value.message == MISSING_KEY_EQUALITY


@pytest.mark.parametrize(
    ("action", "partiql", "scan"),
    [
        ("GetItem", "PartiQLSelect", "false"),
        ("Query", "PartiQLSelect", "false"),
        ("Scan", "PartiQLSelect", "true"),
        ("PutItem", "PartiQLInsert", None),
        ("UpdateItem", "PartiQLUpdate", None),
        ("DeleteItem", "PartiQLDelete", None),
    ],
)
def test_authorized_as_the_partiql_action_with_the_same_keys(
    action: str, partiql: str, scan: str | None
) -> None:
    keys = {
        "dynamodb:LeadingKeys": ["alice"],
        "dynamodb:Attributes": ["UserId"],
        "dynamodb:EnclosingOperation": ["TransactWriteItems"],
    }
    asked = as_partiql(AuthorizationRequest(f"dynamodb:{action}", TABLE.arn, keys))
    assert asked.action == f"dynamodb:{partiql}"
    assert asked.resource == TABLE.arn
    assert asked.condition_keys.get("dynamodb:FullTableScan") == (None if scan is None else [scan])
    assert asked.condition_keys["dynamodb:LeadingKeys"] == ["alice"]
    assert "dynamodb:EnclosingOperation" not in asked.condition_keys
