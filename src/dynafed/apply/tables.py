"""`dynafed apply` for DynamoDB tables: create a declared table that does not exist.

A table that exists is left alone; if its key schema differs from the declaration, that is
reported (a table's keys cannot change without recreating it, which apply never does)."""

from __future__ import annotations

from functools import partial
from typing import Any

from botocore.exceptions import ClientError

from dynafed.apply.changes import Change, Outcome, outcome

Client = Any  # a boto3 DynamoDB client


def _key_schema(schema: list[dict[str, Any]]) -> list[tuple[str, str]]:
    return [(key["AttributeName"], key["KeyType"]) for key in schema]


def reconcile_table(dynamodb: Client, request: dict[str, Any]) -> Outcome:
    name = request["TableName"]
    label = f"table {name}"
    try:
        table = dynamodb.describe_table(TableName=name)["Table"]
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") != "ResourceNotFoundException":
            raise
        return outcome(
            label, [Change("create", partial(dynamodb.create_table, **request))], exists=False
        )
    result = outcome(label, [], exists=True)
    wanted = _key_schema(request.get("KeySchema", []))
    if _key_schema(table.get("KeySchema", [])) != wanted:
        result.notes.append("key schema differs; apply does not recreate tables")
    return result
