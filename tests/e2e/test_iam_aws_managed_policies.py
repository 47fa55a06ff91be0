"""AWS managed policies through the real server with boto3 and the AWS CLI: attached to a
user or a group they grant what their published documents say, no more; they are listed by
`Scope` and cannot be deleted."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import pytest

from tests.support.clients import aws_cli_env, client
from tests.support.iam_users import create_user_with_key, error_code, unique, user_client
from tests.support.server_process import ServerProcess, start_server

pytestmark = pytest.mark.e2e

AWS = "arn:aws:iam::aws:policy"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    process = start_server(tmp_path_factory.mktemp("dynafed-aws-policies"))
    yield process
    process.stop()


@pytest.fixture(scope="module")
def iam(server: ServerProcess) -> Any:
    return client(server, "iam")


def test_dynamodb_read_only_access_reads_and_does_not_write(
    server: ServerProcess, iam: Any
) -> None:
    table = unique("Managed")
    admin_ddb = client(server, "dynamodb")
    admin_ddb.create_table(
        TableName=table,
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    admin_ddb.put_item(TableName=table, Item={"pk": {"S": "a"}})
    key = create_user_with_key(iam, unique("reader"))
    iam.attach_user_policy(UserName=key.user_name, PolicyArn=f"{AWS}/AmazonDynamoDBReadOnlyAccess")
    dynamodb = user_client(server, "dynamodb", key)
    assert dynamodb.get_item(TableName=table, Key={"pk": {"S": "a"}})["Item"]
    assert table in dynamodb.list_tables()["TableNames"]
    assert (
        error_code(lambda: dynamodb.put_item(TableName=table, Item={"pk": {"S": "b"}}))
        == "AccessDeniedException"
    )
    assert error_code(lambda: user_client(server, "iam", key).list_users()) == "AccessDenied"


def test_a_groups_iam_read_only_access(server: ServerProcess, iam: Any) -> None:
    group = unique("auditors")
    iam.create_group(GroupName=group)
    iam.attach_group_policy(GroupName=group, PolicyArn=f"{AWS}/IAMReadOnlyAccess")
    key = create_user_with_key(iam, unique("auditor"))
    iam.add_user_to_group(GroupName=group, UserName=key.user_name)
    user_iam = user_client(server, "iam", key)
    assert key.user_name in [u["UserName"] for u in user_iam.list_users()["Users"]]
    assert error_code(lambda: user_iam.create_user(UserName=unique("x"))) == "AccessDenied"
    # The user cannot grant itself more: attaching AdministratorAccess is not reading.
    assert (
        error_code(
            lambda: user_iam.attach_user_policy(
                UserName=key.user_name, PolicyArn=f"{AWS}/AdministratorAccess"
            )
        )
        == "AccessDenied"
    )


def test_the_cli_lists_attached_aws_policies_and_cannot_delete_them(
    server: ServerProcess, iam: Any
) -> None:
    name = unique("cli")
    iam.create_user(UserName=name)
    iam.attach_user_policy(UserName=name, PolicyArn=f"{AWS}/AmazonCognitoReadOnly")

    def aws(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "awscli", "--endpoint-url", server.endpoint, *args],
            env=aws_cli_env(server),
            capture_output=True,
            text=True,
            timeout=60,
        )

    listed = aws("iam", "list-policies", "--scope", "AWS", "--only-attached")
    assert listed.returncode == 0, listed.stderr
    arns = [p["Arn"] for p in json.loads(listed.stdout)["Policies"]]
    assert f"{AWS}/AmazonCognitoReadOnly" in arns
    assert all(arn.startswith(f"{AWS}/") for arn in arns)
    deleted = aws("iam", "delete-policy", "--policy-arn", f"{AWS}/AmazonCognitoReadOnly")
    assert deleted.returncode != 0 and "AccessDenied" in deleted.stderr


def test_a_user_allowed_to_attach_only_read_only_cannot_attach_administrator(
    server: ServerProcess, iam: Any
) -> None:
    """Delegated attachment limited by `iam:PolicyARN`: the AWS managed read-only policy may
    be attached to oneself, AdministratorAccess may not."""
    name = unique("delegate")
    own_arn = f"arn:aws:iam::123456789012:user/{name}"
    statement = {
        "Effect": "Allow",
        "Action": "iam:AttachUserPolicy",
        "Resource": own_arn,
        "Condition": {"ArnEquals": {"iam:PolicyARN": f"{AWS}/AmazonDynamoDBReadOnlyAccess"}},
    }
    key = create_user_with_key(
        iam, name, json.dumps({"Version": "2012-10-17", "Statement": [statement]})
    )
    user_iam = user_client(server, "iam", key)
    admin = f"{AWS}/AdministratorAccess"
    assert (
        error_code(lambda: user_iam.attach_user_policy(UserName=name, PolicyArn=admin))
        == "AccessDenied"
    )
    user_iam.attach_user_policy(UserName=name, PolicyArn=f"{AWS}/AmazonDynamoDBReadOnlyAccess")
    attached = iam.list_attached_user_policies(UserName=name)["AttachedPolicies"]
    assert [p["PolicyArn"] for p in attached] == [f"{AWS}/AmazonDynamoDBReadOnlyAccess"]
