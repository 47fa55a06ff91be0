"""An IAM change made through a node takes effect on that node at once, for every request it
authenticates and authorizes: the server here keeps IAM data for five minutes
(DYNAFED_IAM_CACHE_SECONDS=300), so a change seen by the very next request can only come from
the node dropping what it kept when its own IAM API wrote (`server.compose.iam_changed`).
Other nodes see a change within the cache bound (tests/e2e/test_multinode_shared_state.py)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.security.roles import create_role, session_client
from tests.support.clients import client
from tests.support.iam_users import (
    allow,
    create_user_with_key,
    error_code,
    policy,
    unique,
    user_client,
)
from tests.support.server_process import ServerProcess, start_server

pytestmark = pytest.mark.e2e

LONG_CACHE_SECONDS = "300"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    data_dir: Path = tmp_path_factory.mktemp("iam-changes")
    process = start_server(data_dir, env={"DYNAFED_IAM_CACHE_SECONDS": LONG_CACHE_SECONDS})
    yield process
    process.stop()


@pytest.fixture(scope="module")
def iam(server: ServerProcess) -> Any:
    return client(server, "iam")


@pytest.fixture(scope="module")
def table(server: ServerProcess) -> str:
    name = unique("changes")
    dynamodb = client(server, "dynamodb")
    dynamodb.create_table(
        TableName=name,
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        BillingMode="PAY_PER_REQUEST",
    )
    return name


def put(dynamodb: Any, table: str) -> str | None:
    """The error code of a PutItem, or None when it is allowed."""
    return error_code(lambda: dynamodb.put_item(TableName=table, Item={"pk": {"S": "x"}}))


def test_a_users_removed_policy_stops_its_next_request(
    server: ServerProcess, iam: Any, table: str
) -> None:
    name = unique("writer")
    key = create_user_with_key(iam, name, policy(allow("dynamodb:PutItem")))
    dynamodb = user_client(server, "dynamodb", key)
    assert put(dynamodb, table) is None  # the user and its policies are now kept
    iam.delete_user_policy(UserName=name, PolicyName="own")
    assert put(dynamodb, table) == "AccessDeniedException"


def test_a_deactivated_key_is_refused_at_once(server: ServerProcess, iam: Any, table: str) -> None:
    name = unique("keyholder")
    key = create_user_with_key(iam, name, policy(allow("dynamodb:PutItem")))
    dynamodb = user_client(server, "dynamodb", key)
    assert put(dynamodb, table) is None  # the key is now kept
    iam.update_access_key(UserName=name, AccessKeyId=key.access_key_id, Status="Inactive")
    assert put(dynamodb, table) == "UnrecognizedClientException"


def test_a_roles_removed_policy_stops_its_sessions_next_request(
    server: ServerProcess, table: str
) -> None:
    name = unique("role")
    role = create_role(server, name, allow("dynamodb:PutItem"))
    dynamodb, _ = session_client(server, role["Arn"], "dynamodb")
    assert put(dynamodb, table) is None  # the role and its policies are now kept
    client(server, "iam").delete_role_policy(RoleName=name, PolicyName="Permissions")
    assert put(dynamodb, table) == "AccessDeniedException"
