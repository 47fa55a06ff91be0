"""Query end to end: the real server, unmodified boto3 (client, resource layer, paginator).

Behaviour follows the API reference page "Query", the Developer Guide pages "Query
operations" (key conditions, filter, Limit and the 1 MB page, Count vs ScannedCount) and
"Legacy conditional parameters"; error texts are DynamoDB's."""

from __future__ import annotations

import base64
from decimal import Decimal
from typing import Any

import pytest
from boto3.dynamodb.conditions import Attr, Key

from tests.support.dynamodb_tables import (
    create_table,
    error_of,
    query_all,
    raw_client,
    resource,
    unique,
)
from tests.support.server_process import ServerProcess

pytestmark = pytest.mark.e2e

USER = "alice"
EXTRA = "bob"


@pytest.fixture(scope="module")
def raw_dynamodb(server: ServerProcess) -> Any:
    return raw_client(server)


@pytest.fixture(scope="module")
def scores(dynamodb: Any) -> str:
    """UserId (S) / GameTitle (S): alice has 8 games, bob 2."""
    name = create_table(dynamodb, "Scores", ("UserId", "S"), ("GameTitle", "S"))
    for number in range(8):
        dynamodb.put_item(
            TableName=name,
            Item={
                "UserId": {"S": USER},
                "GameTitle": {"S": f"game-{number}"},
                "TopScore": {"N": str(number * 100)},
                "Wins": {"N": str(number % 3)},
                "Tags": {"SS": ["arcade" if number % 2 else "puzzle"]},
            },
        )
    for title in ("alpha", "beta"):
        dynamodb.put_item(TableName=name, Item={"UserId": {"S": EXTRA}, "GameTitle": {"S": title}})
    return name


def titles(items: list[dict[str, Any]]) -> list[str]:
    return [item["GameTitle"]["S"] for item in items]


def query(dynamodb: Any, table: str, expression: str, values: dict[str, Any], **extra: Any) -> Any:
    return dynamodb.query(
        TableName=table,
        KeyConditionExpression=expression,
        ExpressionAttributeValues=values,
        **extra,
    )


def test_partition_in_sort_key_order(dynamodb: Any, scores: str) -> None:
    page = query(dynamodb, scores, "UserId = :u", {":u": {"S": USER}})
    assert titles(page["Items"]) == [f"game-{n}" for n in range(8)]
    assert (page["Count"], page["ScannedCount"]) == (8, 8)
    assert "LastEvaluatedKey" not in page


def test_descending_with_scan_index_forward_false(dynamodb: Any, scores: str) -> None:
    page = query(dynamodb, scores, "UserId = :u", {":u": {"S": USER}}, ScanIndexForward=False)
    assert titles(page["Items"]) == [f"game-{n}" for n in reversed(range(8))]


@pytest.mark.parametrize(
    ("condition", "values", "expected"),
    [
        ("GameTitle = :a", {":a": "game-3"}, [3]),
        ("GameTitle < :a", {":a": "game-2"}, [0, 1]),
        ("GameTitle <= :a", {":a": "game-2"}, [0, 1, 2]),
        ("GameTitle > :a", {":a": "game-5"}, [6, 7]),
        ("GameTitle >= :a", {":a": "game-5"}, [5, 6, 7]),
        ("GameTitle BETWEEN :a AND :b", {":a": "game-2", ":b": "game-4"}, [2, 3, 4]),
        ("begins_with(GameTitle, :a)", {":a": "game-"}, list(range(8))),
        (":a <= GameTitle", {":a": "game-6"}, [6, 7]),
    ],
)
def test_sort_key_conditions(
    dynamodb: Any, scores: str, condition: str, values: dict[str, str], expected: list[int]
) -> None:
    bound = {name: {"S": value} for name, value in values.items()}
    page = query(dynamodb, scores, f"UserId = :u AND {condition}", {":u": {"S": USER}, **bound})
    assert titles(page["Items"]) == [f"game-{n}" for n in expected]


def test_limit_pages_with_last_evaluated_key(dynamodb: Any, scores: str) -> None:
    first = query(dynamodb, scores, "UserId = :u", {":u": {"S": USER}}, Limit=3)
    assert titles(first["Items"]) == ["game-0", "game-1", "game-2"]
    assert first["LastEvaluatedKey"] == {"UserId": {"S": USER}, "GameTitle": {"S": "game-2"}}
    second = query(
        dynamodb,
        scores,
        "UserId = :u",
        {":u": {"S": USER}},
        Limit=3,
        ExclusiveStartKey=first["LastEvaluatedKey"],
    )
    assert titles(second["Items"]) == ["game-3", "game-4", "game-5"]


def test_a_page_that_reaches_its_limit_exactly_still_has_a_next_key(
    dynamodb: Any, scores: str
) -> None:
    # DynamoDB stops at Limit and returns a LastEvaluatedKey; only the next page finds nothing.
    page = query(dynamodb, scores, "UserId = :u", {":u": {"S": EXTRA}}, Limit=2)
    assert page["Count"] == 2 and "LastEvaluatedKey" in page
    rest = query(
        dynamodb,
        scores,
        "UserId = :u",
        {":u": {"S": EXTRA}},
        Limit=2,
        ExclusiveStartKey=page["LastEvaluatedKey"],
    )
    assert rest["Items"] == [] and "LastEvaluatedKey" not in rest


def test_descending_pages_continue_downwards(dynamodb: Any, scores: str) -> None:
    items, pages = query_all(
        dynamodb,
        client_method=dynamodb.query,
        TableName=scores,
        KeyConditionExpression="UserId = :u",
        ExpressionAttributeValues={":u": {"S": USER}},
        ScanIndexForward=False,
        Limit=3,
    )
    assert titles(items) == [f"game-{n}" for n in reversed(range(8))]
    assert pages == 3


def test_filter_counts_and_limit_counts_items_read(dynamodb: Any, scores: str) -> None:
    page = query(
        dynamodb,
        scores,
        "UserId = :u",
        {":u": {"S": USER}, ":w": {"N": "0"}},
        FilterExpression="Wins = :w",
    )
    assert titles(page["Items"]) == ["game-0", "game-3", "game-6"]
    assert (page["Count"], page["ScannedCount"]) == (3, 8)
    limited = query(
        dynamodb,
        scores,
        "UserId = :u",
        {":u": {"S": USER}, ":w": {"N": "0"}},
        FilterExpression="Wins = :w",
        Limit=2,
    )
    # Limit bounds the items evaluated, not the matches.
    assert (limited["Count"], limited["ScannedCount"]) == (1, 2)
    assert limited["LastEvaluatedKey"]["GameTitle"] == {"S": "game-1"}


def test_select_count_returns_no_items(dynamodb: Any, scores: str) -> None:
    page = query(dynamodb, scores, "UserId = :u", {":u": {"S": USER}}, Select="COUNT")
    assert "Items" not in page
    assert (page["Count"], page["ScannedCount"]) == (8, 8)


def test_projection_expression(dynamodb: Any, scores: str) -> None:
    page = query(
        dynamodb,
        scores,
        "UserId = :u AND GameTitle = :g",
        {":u": {"S": USER}, ":g": {"S": "game-2"}},
        ProjectionExpression="#s, Tags",
        ExpressionAttributeNames={"#s": "TopScore"},
    )
    assert page["Items"] == [{"TopScore": {"N": "200"}, "Tags": {"SS": ["puzzle"]}}]
    explicit = query(
        dynamodb,
        scores,
        "UserId = :u AND GameTitle = :g",
        {":u": {"S": USER}, ":g": {"S": "game-2"}},
        ProjectionExpression="Wins",
        Select="SPECIFIC_ATTRIBUTES",
    )
    assert explicit["Items"] == [{"Wins": {"N": "2"}}]


def test_consumed_capacity_is_the_size_read(dynamodb: Any, scores: str) -> None:
    values = {":u": {"S": USER}}
    plain = query(dynamodb, scores, "UserId = :u", values, ReturnConsumedCapacity="TOTAL")
    assert plain["ConsumedCapacity"] == {"TableName": scores, "CapacityUnits": 0.5}
    strong = query(
        dynamodb,
        scores,
        "UserId = :u",
        values,
        ReturnConsumedCapacity="INDEXES",
        ConsistentRead=True,
    )
    assert strong["ConsumedCapacity"] == {
        "TableName": scores,
        "CapacityUnits": 1.0,
        "Table": {"CapacityUnits": 1.0},
    }


def test_legacy_key_conditions_filter_and_attributes_to_get(dynamodb: Any, scores: str) -> None:
    page = dynamodb.query(
        TableName=scores,
        KeyConditions={
            "UserId": {"ComparisonOperator": "EQ", "AttributeValueList": [{"S": USER}]},
            "GameTitle": {
                "ComparisonOperator": "BETWEEN",
                "AttributeValueList": [{"S": "game-1"}, {"S": "game-6"}],
            },
        },
        QueryFilter={
            "Wins": {"ComparisonOperator": "EQ", "AttributeValueList": [{"N": "2"}]},
            "TopScore": {"ComparisonOperator": "GT", "AttributeValueList": [{"N": "550"}]},
        },
        ConditionalOperator="OR",
        AttributesToGet=["GameTitle"],
    )
    assert page["Items"] == [{"GameTitle": {"S": f"game-{n}"}} for n in (2, 5, 6)]
    assert (page["Count"], page["ScannedCount"]) == (3, 6)


def test_one_megabyte_page_counts_items_read_before_the_filter(dynamodb: Any) -> None:
    table = create_table(dynamodb, "Big", ("pk", "S"), ("sk", "N"))
    blob = "x" * 100_000
    for number in range(12):  # ~1.2 MB in one partition
        dynamodb.put_item(
            TableName=table,
            Item={"pk": {"S": "p"}, "sk": {"N": str(number)}, "payload": {"S": blob}},
        )
    page = dynamodb.query(
        TableName=table,
        KeyConditionExpression="pk = :p",
        FilterExpression="attribute_not_exists(payload)",
        ExpressionAttributeValues={":p": {"S": "p"}},
    )
    # The page ends once the items read reach 1 MB, whatever the filter kept.
    assert page["Count"] == 0
    assert 10 <= page["ScannedCount"] < 12
    assert "LastEvaluatedKey" in page
    items, pages = query_all(
        dynamodb,
        client_method=dynamodb.query,
        TableName=table,
        KeyConditionExpression="pk = :p",
        ExpressionAttributeValues={":p": {"S": "p"}},
        ProjectionExpression="sk",
    )
    assert [item["sk"]["N"] for item in items] == [str(n) for n in range(12)]
    assert pages == 2


def test_number_and_binary_sort_keys_order_by_value(dynamodb: Any) -> None:
    table = create_table(dynamodb, "Typed", ("pk", "B"), ("sk", "N"))
    partition = base64.b64decode(base64.b64encode(b"\x00\xffkey"))
    for number in ("10", "-2.5", "3", "1e2", "0", "-100"):
        dynamodb.put_item(TableName=table, Item={"pk": {"B": partition}, "sk": {"N": number}})
    page = dynamodb.query(
        TableName=table,
        KeyConditionExpression="pk = :p AND sk BETWEEN :lo AND :hi",
        ExpressionAttributeValues={":p": {"B": partition}, ":lo": {"N": "-3"}, ":hi": {"N": "50"}},
    )
    assert [item["sk"]["N"] for item in page["Items"]] == ["-2.5", "0", "3", "10"]


def test_table_resource_key_conditions_and_paginator(
    server: ServerProcess, dynamodb: Any, scores: str
) -> None:
    table = resource(server).Table(scores)
    result = table.query(
        KeyConditionExpression=Key("UserId").eq(USER) & Key("GameTitle").begins_with("game-1"),
    )
    assert result["Items"] == [
        {
            "UserId": USER,
            "GameTitle": "game-1",
            "TopScore": Decimal("100"),
            "Wins": Decimal("1"),
            "Tags": {"arcade"},
        }
    ]
    filtered = table.query(
        KeyConditionExpression=Key("UserId").eq(USER),
        FilterExpression=Attr("TopScore").gte(500) & Attr("Tags").contains("arcade"),
    )
    assert [item["GameTitle"] for item in filtered["Items"]] == ["game-5", "game-7"]
    paginator = dynamodb.get_paginator("query")
    pages = list(
        paginator.paginate(
            TableName=scores,
            KeyConditionExpression="UserId = :u",
            ExpressionAttributeValues={":u": {"S": USER}},
            PaginationConfig={"PageSize": 3},
        )
    )
    assert [len(page["Items"]) for page in pages] == [3, 3, 2]
    walked = [title for page in pages for title in titles(page["Items"])]
    assert walked == [f"game-{n}" for n in range(8)]


def test_key_condition_errors(dynamodb: Any, scores: str) -> None:
    cases = [
        ("GameTitle = :g", {":g": {"S": "x"}}, "Query condition missed key schema element: UserId"),
        (
            "UserId > :g",
            {":g": {"S": "x"}},
            "Query key condition not supported",
        ),
        (
            "UserId = :g AND Wins = :g",
            {":g": {"S": "x"}},
            "Query condition missed key schema element: GameTitle",
        ),
        (
            "UserId = :n",
            {":n": {"N": "1"}},
            "One or more parameter values were invalid: Condition parameter type does not "
            "match schema type",
        ),
        (
            "UserId = :g OR GameTitle = :g",
            {":g": {"S": "x"}},
            "Invalid operator used in KeyConditionExpression: OR",
        ),
        (
            "UserId = :g AND GameTitle <> :g",
            {":g": {"S": "x"}},
            "Invalid operator used in KeyConditionExpression: <>",
        ),
    ]
    for expression, values, message in cases:
        assert error_of(
            dynamodb.query,
            TableName=scores,
            KeyConditionExpression=expression,
            ExpressionAttributeValues=values,
        ) == ("ValidationException", message), expression


def test_request_errors(dynamodb: Any, scores: str) -> None:
    values = {":u": {"S": USER}}
    assert error_of(dynamodb.query, TableName=scores) == (
        "ValidationException",
        "Either the KeyConditions or KeyConditionExpression parameter must be specified in "
        "the request.",
    )
    assert error_of(
        dynamodb.query,
        TableName=scores,
        KeyConditionExpression="UserId = :u",
        FilterExpression="GameTitle = :u",
        ExpressionAttributeValues=values,
    ) == (
        "ValidationException",
        "Filter Expression can only contain non-primary key attributes: Primary key "
        "attribute: GameTitle",
    )
    assert error_of(
        dynamodb.query,
        TableName=scores,
        KeyConditionExpression="UserId = :u",
        ExpressionAttributeValues=values,
        ExclusiveStartKey={"UserId": {"S": EXTRA}, "GameTitle": {"S": "alpha"}},
    ) == (
        "ValidationException",
        "The provided starting key is outside query boundaries based on provided conditions",
    )
    assert error_of(
        dynamodb.query,
        TableName=scores,
        KeyConditionExpression="UserId = :u",
        ExpressionAttributeValues=values,
        ExclusiveStartKey={"UserId": {"S": USER}},
    ) == ("ValidationException", "The provided starting key is invalid")
    assert error_of(
        dynamodb.query,
        TableName=scores,
        KeyConditionExpression="UserId = :u",
        ExpressionAttributeValues={":u": {"S": ""}},
    ) == (
        "ValidationException",
        "One or more parameter values are not valid. The AttributeValue for a key attribute "
        "cannot contain an empty string value. Key: UserId",
    )
    assert error_of(
        dynamodb.query,
        TableName=unique("Missing"),
        KeyConditionExpression="UserId = :u",
        ExpressionAttributeValues=values,
    ) == ("ResourceNotFoundException", "Requested resource not found")


def test_select_combinations_dynamodb_refuses(dynamodb: Any, scores: str) -> None:
    base = {
        "TableName": scores,
        "KeyConditionExpression": "UserId = :u",
        "ExpressionAttributeValues": {":u": {"S": USER}},
    }
    prefix = "1 validation error detected: "
    assert error_of(dynamodb.query, **base, Select="SPECIFIC_ATTRIBUTES") == (
        "ValidationException",
        prefix + "Must specify the AttributesToGet or ProjectionExpression when choosing to "
        "get SPECIFIC_ATTRIBUTES",
    )
    assert error_of(dynamodb.query, **base, Select="COUNT", ProjectionExpression="Wins") == (
        "ValidationException",
        prefix + "Cannot specify the ProjectionExpression when choosing to get only the Count",
    )
    assert error_of(dynamodb.query, **base, Select="ALL_PROJECTED_ATTRIBUTES") == (
        "ValidationException",
        prefix + "ALL_PROJECTED_ATTRIBUTES can be used only when Querying using an IndexName",
    )


def test_limit_below_one_is_refused(raw_dynamodb: Any, scores: str) -> None:
    assert error_of(
        raw_dynamodb.query,
        TableName=scores,
        KeyConditionExpression="UserId = :u",
        ExpressionAttributeValues={":u": {"S": USER}},
        Limit=0,
    ) == (
        "ValidationException",
        "1 validation error detected: Value at 'Limit' failed to satisfy constraint: Member "
        "must have value greater than or equal to 1",
    )
    assert error_of(
        raw_dynamodb.query,
        TableName=scores,
        KeyConditionExpression="UserId = :u",
        ExpressionAttributeValues={":u": {"S": USER}},
        Select="count",
    ) == (
        "ValidationException",
        "1 validation error detected: Value 'count' at 'select' failed to satisfy constraint: "
        "Member must satisfy enum value set: [SPECIFIC_ATTRIBUTES, COUNT, ALL_ATTRIBUTES, "
        "ALL_PROJECTED_ATTRIBUTES]",
    )
