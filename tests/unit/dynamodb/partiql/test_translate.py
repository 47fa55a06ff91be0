"""Statement → the request of the operation that runs it; authorization as PartiQL actions."""

from __future__ import annotations

import pytest

from dynafed.core.authorization import AuthorizationRequest
from dynafed.dynamodb.partiql.authorization import as_partiql
from dynafed.dynamodb.partiql.parser import parse
from dynafed.dynamodb.partiql.translate import (
    KEY_TYPE_MISMATCH,
    MAX_PARTITION_VALUES,
    MISSING_KEY_EQUALITY,
    TOO_MANY_PARTITION_VALUES,
    Translation,
    translate,
)
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


def plan(text: str, parameters: list[dict[str, str]] | None = None) -> Translation:
    return translate(parse(text, parameters or []), TABLE)


def partitions_read(translation: Translation) -> list[str]:
    """The partition each of the translation's Queries reads, in order."""
    lookups = translation.lookups
    assert lookups is not None
    requests = [lookups.request(translation.request, i) for i in range(len(lookups.values))]
    return [r["ExpressionAttributeValues"][lookups.placeholder]["S"] for r in requests]


@pytest.mark.parametrize(
    "where",
    [
        "UserId IN ['bob', 'alice', 'carol']",
        "UserId IN ('bob', 'alice', 'carol')",
        "UserId = 'bob' OR UserId = 'alice' OR 'carol' = UserId",
        "(UserId = 'bob' OR UserId IN ['alice']) OR UserId = 'carol'",
        "UserId IN ['bob', 'alice', 'bob', 'carol']",
    ],
)
def test_listed_partitions_are_one_query_each_in_the_order_listed(where: str) -> None:
    translation = plan(f"SELECT * FROM GameScores WHERE {where}")
    assert translation.operation == "Query"
    assert not translation.full_table_scan
    assert translation.request["KeyConditionExpression"] == "#n0 = :v0"
    assert "FilterExpression" not in translation.request
    assert partitions_read(translation) == ["bob", "alice", "carol"]


def test_listed_partitions_keep_the_sort_key_condition_and_the_filter() -> None:
    translation = plan(
        "SELECT TopScore FROM GameScores WHERE TopScore > 10 AND UserId IN [?, ?] "
        "AND begins_with(GameTitle, 'M') ORDER BY GameTitle DESC",
        [{"S": "alice"}, {"S": "bob"}],
    )
    request = translation.request
    names = request["ExpressionAttributeNames"]
    assert request["KeyConditionExpression"] == "(#n1 = :v0) AND (begins_with(#n2, :v1))"
    assert (names["#n1"], names["#n2"]) == ("UserId", "GameTitle")
    assert request["FilterExpression"] == "#n0 > :v2"
    assert request["ScanIndexForward"] is False
    assert partitions_read(translation) == ["alice", "bob"]


def test_listed_partitions_with_the_whole_key_are_still_one_query_each() -> None:
    translation = plan("SELECT * FROM GameScores WHERE UserId IN ['a', 'b'] AND GameTitle = 'G'")
    assert translation.operation == "Query"
    assert translation.request["KeyConditionExpression"] == "(#n0 = :v0) AND (#n1 = :v1)"
    assert partitions_read(translation) == ["a", "b"]


def test_listed_partitions_of_an_index_query_the_index() -> None:
    translation = plan("SELECT * FROM \"GameScores\".\"ByTitle\" WHERE GameTitle IN ['G', 'H']")
    assert (translation.operation, translation.request["IndexName"]) == ("Query", "ByTitle")
    assert partitions_read(translation) == ["G", "H"]


def test_a_partition_key_equality_wins_over_a_list_which_filters() -> None:
    translation = plan("SELECT * FROM GameScores WHERE UserId IN ['a', 'b'] AND UserId = 'a'")
    assert (translation.operation, translation.lookups) == ("Query", None)
    assert translation.request["KeyConditionExpression"] == "#n0 = :v0"
    assert translation.request["FilterExpression"] == "#n0 IN (:v1, :v2)"


@pytest.mark.parametrize(
    "where",
    [
        "UserId IN ['a', 'b'] OR TopScore > 1",
        "UserId = 'a' OR GameTitle = 'G'",
        "NOT UserId IN ['a', 'b']",
        "UserId IN ['a', GameTitle]",
        "GameTitle IN ['G', 'H']",
    ],
)
def test_a_list_that_is_not_only_partition_key_values_is_a_scan(where: str) -> None:
    translation = plan(f"SELECT * FROM GameScores WHERE {where}")
    assert translation.operation == "Scan"
    assert translation.full_table_scan


def test_at_most_fifty_partition_values_are_listed() -> None:
    values = ", ".join(f"'u{i}'" for i in range(MAX_PARTITION_VALUES))
    fifty = plan(f"SELECT * FROM GameScores WHERE UserId IN [{values}]")
    assert len(partitions_read(fifty)) == 50
    with pytest.raises(ValidationException) as raised:
        plan(f"SELECT * FROM GameScores WHERE UserId IN [{values}, 'one-more']")
    assert raised.value.message == TOO_MANY_PARTITION_VALUES
    ors = " OR ".join(f"UserId = 'u{i}'" for i in range(MAX_PARTITION_VALUES + 1))
    with pytest.raises(ValidationException):
        plan(f"SELECT * FROM GameScores WHERE {ors}")


def test_a_listed_value_of_another_type_than_the_key_is_refused() -> None:
    with pytest.raises(ValidationException) as raised:
        plan("SELECT * FROM GameScores WHERE UserId IN ['a', 1]")
    assert raised.value.message == KEY_TYPE_MISMATCH


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


def test_a_query_of_listed_partitions_is_authorized_with_them_all() -> None:
    keys = {"dynamodb:LeadingKeys": ["bob"], "dynamodb:Attributes": ["UserId"]}
    asked = as_partiql(
        AuthorizationRequest("dynamodb:Query", TABLE.arn, keys), ["bob", "alice", "bob"]
    )
    assert asked.action == "dynamodb:PartiQLSelect"
    assert asked.condition_keys["dynamodb:LeadingKeys"] == ["alice", "bob"]
    assert asked.condition_keys["dynamodb:FullTableScan"] == ["false"]
    assert asked.condition_keys["dynamodb:Attributes"] == ["UserId"]
