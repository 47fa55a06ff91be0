"""An IAM user cannot grant itself more through IAM: every IAM action is authorized by the
user's own policies (and its boundary) like any other action, on the entity it names.

Each attack is what a compromised back-end key would try first: write itself an inline
admin policy, attach an admin managed policy, join an admin group, mint a key for a more
powerful user, rewrite the policy it already has, lift its boundary."""

from __future__ import annotations

from typing import Any

import pytest

from tests.support.clients import client
from tests.support.iam_users import (
    allow,
    create_user_with_key,
    error_code,
    policy,
    unique,
    user_client,
)
from tests.support.server_process import ServerProcess

pytestmark = pytest.mark.e2e

ADMIN_DOCUMENT = policy(allow("*"))
ACCOUNT = "123456789012"


@pytest.fixture(scope="module")
def admin_policy(iam: Any) -> str:
    return str(
        iam.create_policy(PolicyName=unique("Admin"), PolicyDocument=ADMIN_DOCUMENT)["Policy"][
            "Arn"
        ]
    )


def test_a_read_only_user_cannot_escalate(
    server: ServerProcess, iam: Any, admin_policy: str
) -> None:
    name, admins, powerful = unique("reader"), unique("admins"), unique("powerful")
    key = create_user_with_key(
        iam,
        name,
        policy(allow(["iam:Get*", "iam:List*", "dynamodb:ListTables"])),
    )
    iam.create_group(GroupName=admins)
    iam.attach_group_policy(GroupName=admins, PolicyArn=admin_policy)
    iam.create_user(UserName=powerful)
    iam.attach_user_policy(UserName=powerful, PolicyArn=admin_policy)
    user_iam = user_client(server, "iam", key)

    attacks = {
        "PutUserPolicy": lambda: user_iam.put_user_policy(
            UserName=name, PolicyName="mine", PolicyDocument=ADMIN_DOCUMENT
        ),
        "AttachUserPolicy": lambda: user_iam.attach_user_policy(
            UserName=name, PolicyArn=admin_policy
        ),
        "AddUserToGroup": lambda: user_iam.add_user_to_group(GroupName=admins, UserName=name),
        "CreateAccessKey": lambda: user_iam.create_access_key(UserName=powerful),
        "CreatePolicyVersion": lambda: user_iam.create_policy_version(
            PolicyArn=admin_policy, PolicyDocument=ADMIN_DOCUMENT, SetAsDefault=True
        ),
        "CreateUser": lambda: user_iam.create_user(UserName=unique("sock")),
        "CreateRole": lambda: user_iam.create_role(
            RoleName=unique("escape"),
            AssumeRolePolicyDocument=policy(
                {
                    "Effect": "Allow",
                    "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:user/{name}"},
                    "Action": "sts:AssumeRole",
                }
            ),
        ),
        "DeleteUserPermissionsBoundary": lambda: user_iam.delete_user_permissions_boundary(
            UserName=name
        ),
    }
    outcomes = {action: error_code(attack) for action, attack in attacks.items()}
    assert outcomes == dict.fromkeys(attacks, "AccessDenied")

    # Nothing changed, and the user still may only read.
    assert iam.list_user_policies(UserName=name)["PolicyNames"] == ["own"]
    assert iam.list_attached_user_policies(UserName=name)["AttachedPolicies"] == []
    assert iam.list_groups_for_user(UserName=name)["Groups"] == []
    assert len(iam.list_access_keys(UserName=powerful)["AccessKeyMetadata"]) == 0
    assert user_iam.get_user()["User"]["UserName"] == name  # allowed reads still work
    assert (
        error_code(lambda: user_client(server, "dynamodb", key).delete_table(TableName="Anything"))
        == "AccessDeniedException"
    )


def test_the_denial_names_the_user_the_action_and_the_resource(
    server: ServerProcess, iam: Any
) -> None:
    name = unique("named")
    key = create_user_with_key(iam, name, policy(allow("dynamodb:ListTables")))
    with pytest.raises(Exception) as caught:
        user_client(server, "iam", key).put_user_policy(
            UserName=name, PolicyName="x", PolicyDocument=ADMIN_DOCUMENT
        )
    response = caught.value.response  # type: ignore[attr-defined]
    assert response["Error"]["Code"] == "AccessDenied"
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 403
    message = response["Error"]["Message"]
    assert f"arn:aws:iam::{ACCOUNT}:user/{name}" in message
    assert "iam:PutUserPolicy" in message


def test_a_condition_on_the_policy_arn_limits_what_a_user_may_attach(
    server: ServerProcess, iam: Any, admin_policy: str
) -> None:
    """A delegated admin may attach only the read-only policy, to itself or anyone."""
    read_only = iam.create_policy(
        PolicyName=unique("ReadOnly"), PolicyDocument=policy(allow("dynamodb:ListTables"))
    )["Policy"]["Arn"]
    statement = allow("iam:AttachUserPolicy", f"arn:aws:iam::{ACCOUNT}:user/*")
    statement["Condition"] = {"ArnEquals": {"iam:PolicyARN": read_only}}
    name = unique("delegate")
    key = create_user_with_key(iam, name, policy(statement))
    user_iam = user_client(server, "iam", key)
    assert (
        error_code(lambda: user_iam.attach_user_policy(UserName=name, PolicyArn=admin_policy))
        == "AccessDenied"
    )
    assert (
        error_code(lambda: user_iam.attach_user_policy(UserName=name, PolicyArn=read_only)) is None
    )


def test_a_boundary_caps_a_user_with_iam_star(server: ServerProcess, iam: Any) -> None:
    """`iam:*` in the user's own policy does not escape its permissions boundary."""
    boundary = iam.create_policy(
        PolicyName=unique("Cap"), PolicyDocument=policy(allow("dynamodb:ListTables"))
    )["Policy"]["Arn"]
    name = unique("capped")
    iam.create_user(UserName=name, PermissionsBoundary=boundary)
    iam.put_user_policy(UserName=name, PolicyName="all", PolicyDocument=policy(allow("iam:*")))
    created = iam.create_access_key(UserName=name)["AccessKey"]
    user_iam = client(
        server,
        "iam",
        access_key=created["AccessKeyId"],
        secret_key=created["SecretAccessKey"],
    )
    assert (
        error_code(lambda: user_iam.delete_user_permissions_boundary(UserName=name))
        == "AccessDenied"
    )
    assert (
        error_code(
            lambda: user_iam.put_user_policy(
                UserName=name, PolicyName="more", PolicyDocument=ADMIN_DOCUMENT
            )
        )
        == "AccessDenied"
    )
    assert (
        iam.get_user(UserName=name)["User"]["PermissionsBoundary"]["PermissionsBoundaryArn"]
        == boundary
    )
