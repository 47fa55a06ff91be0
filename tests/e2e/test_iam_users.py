"""IAM users, groups and access keys through the real server, with unmodified boto3 and the
AWS CLI: a user's key is allowed and refused as its own and its groups' policies say, an
inactive and then a deleted key is refused, and the database never holds a secret in clear.

The server keeps IAM data for `CACHE_SECONDS` (DYNAFED_IAM_CACHE_SECONDS), so a change is
awaited for at most that bound plus a generous margin."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import psycopg
import pytest
from botocore.exceptions import ClientError

from tests.support.clients import aws_cli_env, client
from tests.support.iam_users import (
    CACHE_SECONDS,
    MARGIN,
    allow,
    create_user_with_key,
    error_code,
    policy,
    short_cache_server,
    unique,
    user_client,
    wait_for,
)
from tests.support.server_process import POSTGRES_URL, ServerProcess

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    yield from short_cache_server(tmp_path_factory.mktemp("dynafed-users"))


@pytest.fixture(scope="module")
def iam(server: ServerProcess) -> Any:
    return client(server, "iam")


@pytest.fixture(scope="module")
def dynamodb(server: ServerProcess) -> Any:
    return client(server, "dynamodb")


def make_table(dynamodb: Any, name: str) -> str:
    dynamodb.create_table(
        TableName=name,
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    return f"arn:aws:dynamodb:us-east-1:123456789012:table/{name}"


def test_user_lifecycle(iam: Any) -> None:
    name = unique("alice")
    created = iam.create_user(
        UserName=name, Path="/engineering/", Tags=[{"Key": "team", "Value": "db"}]
    )["User"]
    assert created["Arn"] == f"arn:aws:iam::123456789012:user/engineering/{name}"
    assert created["UserId"].startswith("AIDA") and len(created["UserId"]) == 21
    got = iam.get_user(UserName=name)["User"]
    assert got["UserId"] == created["UserId"]
    assert got["Tags"] == [{"Key": "team", "Value": "db"}]
    listed = iam.list_users(PathPrefix="/engineering/")["Users"]
    assert [user["UserName"] for user in listed] == [name]
    with pytest.raises(ClientError) as exists:
        iam.create_user(UserName=name.upper())
    assert exists.value.response["Error"]["Code"] == "EntityAlreadyExists"

    iam.put_user_policy(UserName=name, PolicyName="p", PolicyDocument=policy(allow("s3:*")))
    iam.create_access_key(UserName=name)
    group = unique("readers")
    iam.create_group(GroupName=group)
    iam.add_user_to_group(GroupName=group, UserName=name)
    with pytest.raises(ClientError) as conflict:
        iam.delete_user(UserName=name)
    assert conflict.value.response["Error"]["Code"] == "DeleteConflict"
    assert "access keys" in conflict.value.response["Error"]["Message"]

    renamed = unique("alice2")
    iam.update_user(UserName=name, NewUserName=renamed, NewPath="/ops/")
    moved = iam.get_user(UserName=renamed)["User"]
    assert moved["UserId"] == created["UserId"]
    assert moved["Arn"] == f"arn:aws:iam::123456789012:user/ops/{renamed}"
    assert [u["UserName"] for u in iam.get_group(GroupName=group)["Users"]] == [renamed]
    keys = iam.list_access_keys(UserName=renamed)["AccessKeyMetadata"]
    assert [key["UserName"] for key in keys] == [renamed]

    iam.delete_access_key(UserName=renamed, AccessKeyId=keys[0]["AccessKeyId"])
    iam.delete_user_policy(UserName=renamed, PolicyName="p")
    iam.remove_user_from_group(GroupName=group, UserName=renamed)
    iam.delete_group(GroupName=group)
    iam.delete_user(UserName=renamed)
    with pytest.raises(ClientError) as gone:
        iam.get_user(UserName=renamed)
    assert gone.value.response["Error"]["Code"] == "NoSuchEntity"


def test_admin_get_user_without_a_name_is_the_root(iam: Any) -> None:
    user = iam.get_user()["User"]
    assert user["Arn"] == "arn:aws:iam::123456789012:root"


def test_access_keys_at_most_two_secret_shown_once(iam: Any) -> None:
    name = unique("keys")
    iam.create_user(UserName=name)
    first = iam.create_access_key(UserName=name)["AccessKey"]
    second = iam.create_access_key(UserName=name)["AccessKey"]
    for key in (first, second):
        assert key["AccessKeyId"].startswith("AKIA") and len(key["AccessKeyId"]) == 20
        assert len(key["SecretAccessKey"]) == 40 and key["Status"] == "Active"
    with pytest.raises(ClientError) as limit:
        iam.create_access_key(UserName=name)
    assert limit.value.response["Error"]["Code"] == "LimitExceeded"
    listed = iam.list_access_keys(UserName=name)["AccessKeyMetadata"]
    assert {key["AccessKeyId"] for key in listed} == {first["AccessKeyId"], second["AccessKeyId"]}
    assert all("SecretAccessKey" not in key for key in listed)
    last = iam.get_access_key_last_used(AccessKeyId=first["AccessKeyId"])
    assert last["UserName"] == name
    assert last["AccessKeyLastUsed"]["ServiceName"] == "N/A"


def test_a_users_key_is_allowed_and_refused_as_its_policies_say(
    server: ServerProcess, iam: Any, dynamodb: Any
) -> None:
    allowed_table, other_table = unique("UsersAllowed"), unique("UsersOther")
    allowed_arn = make_table(dynamodb, allowed_table)
    make_table(dynamodb, other_table)
    name = unique("backend")
    key = create_user_with_key(
        iam, name, policy(allow(["dynamodb:PutItem", "dynamodb:GetItem"], allowed_arn))
    )
    user_ddb = user_client(server, "dynamodb", key)
    user_ddb.put_item(TableName=allowed_table, Item={"pk": {"S": "a"}})
    assert user_ddb.get_item(TableName=allowed_table, Key={"pk": {"S": "a"}})["Item"]
    with pytest.raises(ClientError) as denied:
        user_ddb.put_item(TableName=other_table, Item={"pk": {"S": "a"}})
    error = denied.value.response["Error"]
    assert error["Code"] == "AccessDeniedException"
    assert f"arn:aws:iam::123456789012:user/{name}" in error["Message"]
    assert "dynamodb:PutItem" in error["Message"]
    with pytest.raises(ClientError) as no_delete:
        user_ddb.delete_item(TableName=allowed_table, Key={"pk": {"S": "a"}})
    assert no_delete.value.response["Error"]["Code"] == "AccessDeniedException"

    identity = user_client(server, "sts", key).get_caller_identity()
    used = wait_for(
        lambda: (
            "LastUsedDate"
            in iam.get_access_key_last_used(AccessKeyId=key.access_key_id)["AccessKeyLastUsed"]
        ),
        MARGIN,
        "the key's use is recorded",
    )
    assert used <= MARGIN
    last = iam.get_access_key_last_used(AccessKeyId=key.access_key_id)["AccessKeyLastUsed"]
    # the first accepted request is recorded; the next ones within the minute are not
    assert (last["ServiceName"], last["Region"]) == ("dynamodb", server.region)
    assert identity["Arn"] == f"arn:aws:iam::123456789012:user/{name}"
    assert identity["UserId"] == iam.get_user(UserName=name)["User"]["UserId"]
    assert identity["UserId"].startswith("AIDA")
    assert identity["Account"] == "123456789012"


def test_condition_keys_of_a_user(server: ServerProcess, iam: Any, dynamodb: Any) -> None:
    """`aws:username` and `aws:PrincipalTag` work as policy variables and condition keys."""
    table = unique("UsersVars")
    arn = make_table(dynamodb, table)
    name = unique("tagged")
    statement = allow("dynamodb:PutItem", arn)
    statement["Condition"] = {
        "ForAllValues:StringEquals": {"dynamodb:LeadingKeys": ["${aws:username}"]},
        "StringEquals": {"aws:PrincipalTag/team": "db", "aws:PrincipalType": "User"},
    }
    key = create_user_with_key(iam, name, policy(statement))
    iam.tag_user(UserName=name, Tags=[{"Key": "team", "Value": "db"}])
    user_ddb = user_client(server, "dynamodb", key)
    wait_for(
        lambda: (
            error_code(lambda: user_ddb.put_item(TableName=table, Item={"pk": {"S": name}})) is None
        ),
        CACHE_SECONDS + MARGIN,
        "the user's tag reaches enforcement",
    )
    assert (
        error_code(lambda: user_ddb.put_item(TableName=table, Item={"pk": {"S": "someone-else"}}))
        == "AccessDeniedException"
    )


def test_group_policies_apply_to_members_and_stop_on_removal(
    server: ServerProcess, iam: Any, dynamodb: Any
) -> None:
    table = unique("GroupTable")
    table_arn = make_table(dynamodb, table)
    name, group = unique("member"), unique("listers")
    key = create_user_with_key(iam, name)
    user_ddb = user_client(server, "dynamodb", key)
    assert error_code(user_ddb.list_tables) == "AccessDeniedException"

    iam.create_group(GroupName=group, Path="/teams/")
    managed = iam.create_policy(
        PolicyName=unique("ListTables"), PolicyDocument=policy(allow("dynamodb:ListTables"))
    )["Policy"]["Arn"]
    iam.attach_group_policy(GroupName=group, PolicyArn=managed)
    iam.put_group_policy(
        GroupName=group,
        PolicyName="describe",
        PolicyDocument=policy(allow("dynamodb:DescribeTable", table_arn)),
    )
    assert [
        p["PolicyArn"]
        for p in iam.list_attached_group_policies(GroupName=group)["AttachedPolicies"]
    ] == [managed]
    assert iam.list_group_policies(GroupName=group)["PolicyNames"] == ["describe"]
    iam.add_user_to_group(GroupName=group, UserName=name)
    assert [g["GroupName"] for g in iam.list_groups_for_user(UserName=name)["Groups"]] == [group]
    wait_for(
        lambda: error_code(user_ddb.list_tables) is None,
        CACHE_SECONDS + MARGIN,
        "the group's managed policy applies",
    )
    assert error_code(lambda: user_ddb.describe_table(TableName=table)) is None

    iam.remove_user_from_group(GroupName=group, UserName=name)
    wait_for(
        lambda: error_code(user_ddb.list_tables) == "AccessDeniedException",
        CACHE_SECONDS + MARGIN,
        "removal from the group revokes its policies",
    )
    with pytest.raises(ClientError) as in_use:
        iam.delete_group(GroupName=group)
    assert in_use.value.response["Error"]["Code"] == "DeleteConflict"
    iam.detach_group_policy(GroupName=group, PolicyArn=managed)
    iam.delete_group_policy(GroupName=group, PolicyName="describe")
    iam.delete_group(GroupName=group)


def test_a_permissions_boundary_limits_the_user(
    server: ServerProcess, iam: Any, dynamodb: Any
) -> None:
    table = unique("BoundedTable")
    make_table(dynamodb, table)
    name = unique("bounded")
    key = create_user_with_key(
        iam, name, policy(allow(["dynamodb:ListTables", "dynamodb:DescribeTable"]))
    )
    boundary = iam.create_policy(
        PolicyName=unique("OnlyList"), PolicyDocument=policy(allow("dynamodb:ListTables"))
    )["Policy"]["Arn"]
    iam.put_user_permissions_boundary(UserName=name, PermissionsBoundary=boundary)
    assert (
        iam.get_user(UserName=name)["User"]["PermissionsBoundary"]["PermissionsBoundaryArn"]
        == boundary
    )
    user_ddb = user_client(server, "dynamodb", key)
    wait_for(
        lambda: (
            error_code(lambda: user_ddb.describe_table(TableName=table)) == "AccessDeniedException"
        ),
        CACHE_SECONDS + MARGIN,
        "the boundary applies",
    )
    assert error_code(user_ddb.list_tables) is None


def test_an_inactive_then_deleted_key_is_refused(server: ServerProcess, iam: Any) -> None:
    name = unique("rotating")
    key = create_user_with_key(iam, name, policy(allow("dynamodb:ListTables")))
    user_ddb = user_client(server, "dynamodb", key)
    user_sts = user_client(server, "sts", key)
    assert error_code(user_ddb.list_tables) is None

    iam.update_access_key(UserName=name, AccessKeyId=key.access_key_id, Status="Inactive")
    assert iam.list_access_keys(UserName=name)["AccessKeyMetadata"][0]["Status"] == "Inactive"
    took = wait_for(
        lambda: error_code(user_ddb.list_tables) == "UnrecognizedClientException",
        CACHE_SECONDS + MARGIN,
        "an inactive key is refused",
    )
    assert took <= CACHE_SECONDS + MARGIN
    assert error_code(user_sts.get_caller_identity) == "InvalidClientTokenId"

    iam.update_access_key(UserName=name, AccessKeyId=key.access_key_id, Status="Active")
    assert error_code(user_ddb.list_tables) is None  # a refused key is not remembered

    iam.delete_access_key(UserName=name, AccessKeyId=key.access_key_id)
    wait_for(
        lambda: error_code(user_ddb.list_tables) == "UnrecognizedClientException",
        CACHE_SECONDS + MARGIN,
        "a deleted key is refused",
    )
    assert error_code(user_sts.get_caller_identity) == "InvalidClientTokenId"
    assert error_code(user_client(server, "iam", key).get_user) == "InvalidClientTokenId"


def test_a_user_manages_its_own_keys_when_its_policy_says_so(
    server: ServerProcess, iam: Any
) -> None:
    name, other = unique("self"), unique("other")
    own = "arn:aws:iam::123456789012:user/${aws:username}"
    key = create_user_with_key(
        iam,
        name,
        policy(allow(["iam:GetUser", "iam:ListAccessKeys", "iam:CreateAccessKey"], own)),
    )
    iam.create_user(UserName=other)
    user_iam = user_client(server, "iam", key)
    assert user_iam.get_user()["User"]["UserName"] == name
    assert len(user_iam.list_access_keys()["AccessKeyMetadata"]) == 1
    second = user_iam.create_access_key()["AccessKey"]
    assert second["UserName"] == name
    assert error_code(lambda: user_iam.get_user(UserName=other)) == "AccessDenied"
    assert error_code(lambda: user_iam.create_access_key(UserName=other)) == "AccessDenied"
    assert error_code(user_iam.list_users) == "AccessDenied"


def _stored_documents(server: ServerProcess) -> str:
    """Every storage document of the server, as text."""
    if server.storage_url is None:
        path = server.data_dir / "dynafed.sqlite3"
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
            rows = conn.execute("SELECT kind, name, body FROM documents").fetchall()
        return "\n".join(
            f"{kind} {name} {bytes(body).decode('utf-8', 'replace')}" for kind, name, body in rows
        )
    schema = server.storage_url.split("schema=", 1)[1].split("&", 1)[0]
    with psycopg.connect(POSTGRES_URL) as conn:
        rows2 = conn.execute(f'SELECT kind, name, body::text FROM "{schema}".documents').fetchall()
    return "\n".join(f"{kind} {name} {body}" for kind, name, body in rows2)


def test_the_database_holds_no_secret_in_clear(server: ServerProcess, iam: Any) -> None:
    name = unique("stored")
    key = create_user_with_key(iam, name)
    stored = _stored_documents(server)
    assert key.access_key_id in stored  # the key's document is there...
    assert key.secret_access_key not in stored  # ...but not its secret
    if server.storage_url is None:  # nor anywhere in the SQLite files, WAL included
        for path in server.data_dir.glob("dynafed.sqlite3*"):
            assert key.secret_access_key.encode() not in path.read_bytes(), path


def test_aws_cli_creates_a_user_and_uses_its_key(server: ServerProcess, tmp_path: Any) -> None:
    name = unique("cli-user")
    cli = os.path.join(os.path.dirname(sys.executable), "aws")
    env = aws_cli_env(server)

    def aws(*args: str, environ: dict[str, str] = env) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [cli, "--endpoint-url", server.endpoint, "--output", "json", *args],
            env=environ, capture_output=True, text=True, timeout=60,
        )  # fmt: skip

    assert aws("iam", "create-user", "--user-name", name).returncode == 0
    document = tmp_path / "policy.json"
    document.write_text(policy(allow("dynamodb:ListTables")))
    put = aws("iam", "put-user-policy", "--user-name", name, "--policy-name", "list",
              "--policy-document", f"file://{document}")  # fmt: skip
    assert put.returncode == 0, put.stderr
    created = json.loads(aws("iam", "create-access-key", "--user-name", name).stdout)
    user_env = {
        **env,
        "AWS_ACCESS_KEY_ID": created["AccessKey"]["AccessKeyId"],
        "AWS_SECRET_ACCESS_KEY": created["AccessKey"]["SecretAccessKey"],
    }
    identity = aws("sts", "get-caller-identity", environ=user_env)
    assert identity.returncode == 0, identity.stderr
    assert json.loads(identity.stdout)["Arn"] == f"arn:aws:iam::123456789012:user/{name}"
    assert aws("dynamodb", "list-tables", environ=user_env).returncode == 0
    refused = aws("dynamodb", "describe-table", "--table-name", "Anything", environ=user_env)
    assert refused.returncode != 0 and "AccessDeniedException" in refused.stderr
    denied = aws("iam", "list-users", environ=user_env)
    assert denied.returncode != 0 and "AccessDenied" in denied.stderr


def test_a_user_assumes_a_role_that_trusts_it(server: ServerProcess, iam: Any) -> None:
    name, role = unique("assumer"), unique("UserTrusted")
    key = create_user_with_key(iam, name, policy(allow("sts:AssumeRole")))
    user_arn = iam.get_user(UserName=name)["User"]["Arn"]
    trust = policy({"Effect": "Allow", "Principal": {"AWS": user_arn}, "Action": "sts:AssumeRole"})
    role_arn = iam.create_role(RoleName=role, AssumeRolePolicyDocument=trust)["Role"]["Arn"]
    assumed = user_client(server, "sts", key).assume_role(
        RoleArn=role_arn, RoleSessionName="from-user"
    )
    assert assumed["AssumedRoleUser"]["Arn"].endswith(f":assumed-role/{role}/from-user")
    other = create_user_with_key(iam, unique("stranger"), policy(allow("sts:AssumeRole")))
    refused = error_code(
        lambda: user_client(server, "sts", other).assume_role(
            RoleArn=role_arn, RoleSessionName="nope"
        )
    )
    assert refused == "AccessDenied"
