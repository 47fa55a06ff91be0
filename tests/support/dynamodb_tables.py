"""Helpers for end-to-end DynamoDB tests: unique tables with indexes, and error capture."""

from __future__ import annotations

import time
import uuid
from typing import Any

import pytest
from botocore.exceptions import ClientError


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


def create_table(
    client: Any,
    prefix: str,
    hash_key: tuple[str, str],
    range_key: tuple[str, str] | None = None,
    *,
    attributes: dict[str, str] | None = None,
    **extra: Any,
) -> str:
    """A PAY_PER_REQUEST table named `<prefix>-<random>`; `attributes` adds index key
    definitions (name -> S/N/B); `extra` passes GlobalSecondaryIndexes etc."""
    name = unique(prefix)
    definitions = {hash_key[0]: hash_key[1], **(attributes or {})}
    schema = [{"AttributeName": hash_key[0], "KeyType": "HASH"}]
    if range_key is not None:
        definitions[range_key[0]] = range_key[1]
        schema.append({"AttributeName": range_key[0], "KeyType": "RANGE"})
    client.create_table(
        TableName=name,
        AttributeDefinitions=[
            {"AttributeName": attribute, "AttributeType": kind}
            for attribute, kind in definitions.items()
        ],
        KeySchema=schema,
        BillingMode="PAY_PER_REQUEST",
        **extra,
    )
    return name


def index(
    name: str,
    hash_key: str,
    range_key: str | None = None,
    projection: str = "ALL",
    non_key: list[str] | None = None,
) -> dict[str, Any]:
    schema = [{"AttributeName": hash_key, "KeyType": "HASH"}]
    if range_key is not None:
        schema.append({"AttributeName": range_key, "KeyType": "RANGE"})
    spec: dict[str, Any] = {"ProjectionType": projection}
    if non_key is not None:
        spec["NonKeyAttributes"] = non_key
    return {"IndexName": name, "KeySchema": schema, "Projection": spec}


def error_of(call: Any, **kwargs: Any) -> tuple[str, str]:
    """(code, message) of a call that must fail with HTTP 400."""
    with pytest.raises(ClientError) as caught:
        call(**kwargs)
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    error = caught.value.response["Error"]
    return error["Code"], error["Message"]


def failure_of(call: Any, **kwargs: Any) -> dict[str, Any]:
    """The whole error response of a call that must fail (for CancellationReasons etc.)."""
    with pytest.raises(ClientError) as caught:
        call(**kwargs)
    response: dict[str, Any] = caught.value.response
    return response


def wait_for_index(client: Any, table: str, index_name: str, timeout: float = 20.0) -> None:
    """Poll DescribeTable until the global index is ACTIVE."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        described = client.describe_table(TableName=table)["Table"]
        statuses = {
            entry["IndexName"]: entry["IndexStatus"]
            for entry in described.get("GlobalSecondaryIndexes", [])
        }
        if statuses.get(index_name) == "ACTIVE":
            return
        time.sleep(0.05)
    raise AssertionError(f"index {index_name} of {table} never became ACTIVE")


def query_all(client: Any, **request: Any) -> tuple[list[dict[str, Any]], int]:
    """Every item of a paginated Query or Scan (`client_method` in request), and the page
    count."""
    method = request.pop("client_method")
    items: list[dict[str, Any]] = []
    pages = 0
    while True:
        page = method(**request)
        pages += 1
        items.extend(page.get("Items", []))
        if "LastEvaluatedKey" not in page:
            return items, pages
        request["ExclusiveStartKey"] = page["LastEvaluatedKey"]


def resource(server: Any) -> Any:
    """The boto3 resource layer (Table objects, batch_writer) against the server."""
    import boto3

    return boto3.resource(
        "dynamodb",
        endpoint_url=server.endpoint,
        region_name=server.region,
        aws_access_key_id=server.access_key,
        aws_secret_access_key=server.secret_key,
    )


def raw_client(server: Any) -> Any:
    """A client without botocore's own parameter validation, to reach the server's."""
    import boto3
    from botocore.config import Config

    session = boto3.session.Session(
        aws_access_key_id=server.access_key,
        aws_secret_access_key=server.secret_key,
        region_name=server.region,
    )
    config = Config(parameter_validation=False, retries={"max_attempts": 1, "mode": "standard"})
    return session.client("dynamodb", endpoint_url=server.endpoint, config=config)
