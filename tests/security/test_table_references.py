"""Attacks through this session's new ways of naming things: a table named by its ARN is
authorized as that table (never as the name an ARN might smuggle), and DescribeEndpoints is
an action a role must be allowed like any other."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.security.roles import create_role, session_client
from tests.support.dynamodb_tables import create_table
from tests.support.server_process import ServerProcess

pytestmark = pytest.mark.e2e


def _code(call: Any) -> str | None:
    try:
        call()
    except ClientError as error:
        return str(error.response["Error"]["Code"])
    return None


def test_a_table_named_by_arn_is_authorized_as_that_table(
    server: ServerProcess, dynamodb: Any
) -> None:
    mine = create_table(dynamodb, "Mine", ("pk", "S"))
    theirs = create_table(dynamodb, "Theirs", ("pk", "S"))
    prefix = f"arn:aws:dynamodb:{server.region}:{server.account_id}:table/"
    role = create_role(
        server,
        f"OnlyMine-{uuid.uuid4().hex[:8]}",
        {"Effect": "Allow", "Action": "dynamodb:GetItem", "Resource": prefix + mine},
    )
    session, _ = session_client(server, role["Arn"], "dynamodb")
    key = {"pk": {"S": "a"}}
    assert _code(lambda: session.get_item(TableName=prefix + mine, Key=key)) is None
    assert _code(lambda: session.get_item(TableName=mine, Key=key)) is None
    assert _code(lambda: session.get_item(TableName=prefix + theirs, Key=key)) == (
        "AccessDeniedException"
    )
    # Another region's ARN of the allowed table's name is another resource, refused.
    elsewhere = prefix.replace(server.region, "eu-west-3") + mine
    assert _code(lambda: session.get_item(TableName=elsewhere, Key=key)) == (
        "AccessDeniedException"
    )
    # Nor does a batch reach the other table by its ARN.
    batch = {prefix + theirs: {"Keys": [key]}}
    assert _code(lambda: session.batch_get_item(RequestItems=batch)) == "AccessDeniedException"


def test_describe_endpoints_needs_its_action(server: ServerProcess) -> None:
    nothing = create_role(server, f"Nothing-{uuid.uuid4().hex[:8]}")
    refused, _ = session_client(server, nothing["Arn"], "dynamodb")
    assert _code(refused.describe_endpoints) == "AccessDeniedException"
    allowed_role = create_role(
        server,
        f"Endpoints-{uuid.uuid4().hex[:8]}",
        {"Effect": "Allow", "Action": "dynamodb:DescribeEndpoints", "Resource": "*"},
    )
    allowed, _ = session_client(server, allowed_role["Arn"], "dynamodb")
    assert allowed.describe_endpoints()["Endpoints"][0]["CachePeriodInMinutes"] == 1440
