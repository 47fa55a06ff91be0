"""Scan end to end: the real server, unmodified boto3 (client, resource layer, paginator).

Behaviour follows the API reference page "Scan" and the Developer Guide pages "Scan
operations" and "Parallel scan"; error texts are DynamoDB's."""

from __future__ import annotations

from typing import Any

import pytest
from boto3.dynamodb.conditions import Attr

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

ITEMS = 40


@pytest.fixture(scope="module")
def raw_dynamodb(server: ServerProcess) -> Any:
    return raw_client(server)


@pytest.fixture(scope="module")
def events(dynamodb: Any) -> str:
    """pk (S) / seq (N): 40 items over 20 partitions."""
    name = create_table(dynamodb, "Events", ("pk", "S"), ("seq", "N"))
    for number in range(ITEMS):
        dynamodb.put_item(
            TableName=name,
            Item={
                "pk": {"S": f"device-{number % 20:02d}"},
                "seq": {"N": str(number)},
                "level": {"S": "error" if number % 4 == 0 else "info"},
                "size": {"N": str(number * 10)},
            },
        )
    return name


def identities(items: list[dict[str, Any]]) -> list[tuple[str, str]]:
    return [(item["pk"]["S"], item["seq"]["N"]) for item in items]


def test_scan_returns_every_item(dynamodb: Any, events: str) -> None:
    page = dynamodb.scan(TableName=events)
    assert page["Count"] == page["ScannedCount"] == ITEMS
    assert len(set(identities(page["Items"]))) == ITEMS
    assert "LastEvaluatedKey" not in page


def test_pages_with_limit_cover_the_table_once(dynamodb: Any, events: str) -> None:
    items, pages = query_all(dynamodb, client_method=dynamodb.scan, TableName=events, Limit=7)
    assert sorted(identities(items)) == sorted(set(identities(items)))
    assert len(items) == ITEMS
    assert pages == 6  # 5 full pages of 7, then 5 items


def test_filter_count_and_scanned_count(dynamodb: Any, events: str) -> None:
    page = dynamodb.scan(
        TableName=events,
        FilterExpression="#l = :e AND #s >= :s",
        ExpressionAttributeNames={"#l": "level", "#s": "size"},
        ExpressionAttributeValues={":e": {"S": "error"}, ":s": {"N": "200"}},
    )
    assert sorted(int(item["seq"]["N"]) for item in page["Items"]) == [20, 24, 28, 32, 36]
    assert (page["Count"], page["ScannedCount"]) == (5, ITEMS)


def test_select_count_and_projection(dynamodb: Any, events: str) -> None:
    counted = dynamodb.scan(TableName=events, Select="COUNT", Limit=10)
    assert "Items" not in counted
    assert counted["Count"] == 10 and "LastEvaluatedKey" in counted
    projected = dynamodb.scan(TableName=events, ProjectionExpression="seq", Limit=3)
    assert all(set(item) == {"seq"} for item in projected["Items"])


def test_legacy_scan_filter_with_or(dynamodb: Any, events: str) -> None:
    page = dynamodb.scan(
        TableName=events,
        ScanFilter={
            "seq": {"ComparisonOperator": "LT", "AttributeValueList": [{"N": "2"}]},
            "size": {"ComparisonOperator": "GT", "AttributeValueList": [{"N": "370"}]},
        },
        ConditionalOperator="OR",
        AttributesToGet=["seq"],
    )
    assert sorted(int(item["seq"]["N"]) for item in page["Items"]) == [0, 1, 38, 39]


@pytest.mark.parametrize("total", [1, 3, 4, 7])
def test_parallel_segments_partition_the_table_while_paging(
    dynamodb: Any, events: str, total: int
) -> None:
    seen: list[tuple[str, str]] = []
    for segment in range(total):
        items, _pages = query_all(
            dynamodb,
            client_method=dynamodb.scan,
            TableName=events,
            Segment=segment,
            TotalSegments=total,
            Limit=3,
            ConsistentRead=True,
        )
        seen.extend(identities(items))
    assert len(seen) == ITEMS  # each item in exactly one segment, never twice
    assert len(set(seen)) == ITEMS


def test_segment_errors(raw_dynamodb: Any, events: str) -> None:
    assert error_of(raw_dynamodb.scan, TableName=events, Segment=0) == (
        "ValidationException",
        "The TotalSegments parameter is required but was not present in the request when "
        "Segment parameter is present",
    )
    assert error_of(raw_dynamodb.scan, TableName=events, TotalSegments=4) == (
        "ValidationException",
        "The Segment parameter is required but was not present in the request when parameter "
        "TotalSegments is present",
    )
    assert error_of(raw_dynamodb.scan, TableName=events, Segment=5, TotalSegments=5) == (
        "ValidationException",
        "The Segment parameter is zero-based and must be less than parameter TotalSegments: "
        "Segment: 5 is not less than TotalSegments: 5",
    )
    assert error_of(raw_dynamodb.scan, TableName=events, Limit=0) == (
        "ValidationException",
        "1 validation error detected: Value '0' at 'limit' failed to satisfy constraint: "
        "Member must have value greater than or equal to 1",
    )


def test_other_errors(dynamodb: Any, events: str) -> None:
    assert error_of(dynamodb.scan, TableName=unique("Missing")) == (
        "ResourceNotFoundException",
        "Requested resource not found",
    )
    assert error_of(dynamodb.scan, TableName=events, Select="ALL_PROJECTED_ATTRIBUTES") == (
        "ValidationException",
        "ALL_PROJECTED_ATTRIBUTES can be used only when Querying using an IndexName",
    )
    assert error_of(
        dynamodb.scan, TableName=events, Select="ALL_ATTRIBUTES", ProjectionExpression="seq"
    ) == (
        "ValidationException",
        "Cannot specify the ProjectionExpression when choosing to get ALL_ATTRIBUTES",
    )
    assert error_of(
        dynamodb.scan,
        TableName=events,
        ExclusiveStartKey={"pk": {"S": "device-01"}, "seq": {"S": "1"}},
    ) == (
        "ValidationException",
        "The provided starting key is invalid: The provided key element does not match the schema",
    )
    assert error_of(
        dynamodb.scan,
        TableName=events,
        FilterExpression="size > :s",
        ExpressionAttributeValues={":s": {"N": "1"}},
    ) == (
        "ValidationException",
        "Invalid FilterExpression: Attribute name is a reserved keyword; reserved keyword: size",
    )


def test_resource_scan_and_paginator(server: ServerProcess, dynamodb: Any, events: str) -> None:
    table = resource(server).Table(events)
    result = table.scan(FilterExpression=Attr("level").eq("error") & Attr("seq").lt(10))
    assert sorted(int(item["seq"]) for item in result["Items"]) == [0, 4, 8]
    paginator = dynamodb.get_paginator("scan")
    pages = list(
        paginator.paginate(
            TableName=events,
            TotalSegments=2,
            Segment=1,
            PaginationConfig={"PageSize": 5},
        )
    )
    other = dynamodb.scan(TableName=events, TotalSegments=2, Segment=0)["Items"]
    walked = [item for page in pages for item in page["Items"]]
    assert len(walked) + len(other) == ITEMS
    assert not set(identities(walked)) & set(identities(other))
