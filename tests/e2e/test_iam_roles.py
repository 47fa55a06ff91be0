"""Roles and their policies through the real server, with unmodified boto3 and the AWS CLI."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.support.clients import aws_cli_env
from tests.support.server_process import ServerProcess

pytestmark = pytest.mark.e2e


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def trust_policy(account: str) -> str:
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {
                        "Federated": f"arn:aws:iam::{account}:oidc-provider/idp.example.com"
                    },
                    "Action": "sts:AssumeRoleWithWebIdentity",
                    "Condition": {"StringEquals": {"idp.example.com:aud": "app"}},
                }
            ],
        }
    )


def allow(action: str, resource: str = "*") -> str:
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": action, "Resource": resource}],
        }
    )


def error_of(call: Any, **params: Any) -> tuple[str, str, int]:
    with pytest.raises(ClientError) as caught:
        call(**params)
    response = caught.value.response
    return (
        response["Error"]["Code"],
        response["Error"]["Message"],
        response["ResponseMetadata"]["HTTPStatusCode"],
    )


def test_role_lifecycle_with_boto3(iam: Any, server: ServerProcess) -> None:
    name = unique("GameRole")
    trust = trust_policy(server.account_id)
    created = iam.create_role(
        RoleName=name,
        Path="/games/",
        AssumeRolePolicyDocument=trust,
        MaxSessionDuration=7200,
        Tags=[{"Key": "team", "Value": "blue"}],
    )["Role"]
    assert created["Arn"] == f"arn:aws:iam::{server.account_id}:role/games/{name}"
    assert created["AssumeRolePolicyDocument"] == json.loads(trust)

    role = iam.get_role(RoleName=name)["Role"]
    assert role["MaxSessionDuration"] == 7200
    assert role["Tags"] == [{"Key": "team", "Value": "blue"}]

    iam.update_role(RoleName=name, Description="players")
    assert iam.get_role(RoleName=name)["Role"]["Description"] == "players"

    iam.put_role_policy(RoleName=name, PolicyName="reads", PolicyDocument=allow("dynamodb:Get*"))
    assert iam.get_role_policy(RoleName=name, PolicyName="reads")["PolicyDocument"] == json.loads(
        allow("dynamodb:Get*")
    )
    assert error_of(iam.delete_role, RoleName=name) == (
        "DeleteConflict",
        "Cannot delete entity, must delete policies first.",
        409,
    )
    iam.delete_role_policy(RoleName=name, PolicyName="reads")
    iam.delete_role(RoleName=name)
    with pytest.raises(iam.exceptions.NoSuchEntityException):
        iam.get_role(RoleName=name)


def test_list_roles_paginator(iam: Any, server: ServerProcess) -> None:
    path = f"/{unique('pages')}/"
    names = sorted(unique("r") for _ in range(3))
    for name in names:
        iam.create_role(
            RoleName=name, Path=path, AssumeRolePolicyDocument=trust_policy(server.account_id)
        )
    pages = iam.get_paginator("list_roles").paginate(
        PathPrefix=path, PaginationConfig={"PageSize": 2}
    )
    listed = [role["RoleName"] for page in pages for role in page["Roles"]]
    assert listed == names


def test_errors_arrive_as_modeled_exceptions(iam: Any) -> None:
    with pytest.raises(iam.exceptions.NoSuchEntityException) as missing:
        iam.get_role(RoleName="no-such-role")
    assert missing.value.response["Error"]["Message"] == (
        "The role with name no-such-role cannot be found."
    )
    with pytest.raises(iam.exceptions.MalformedPolicyDocumentException) as malformed:
        iam.create_role(RoleName=unique("bad"), AssumeRolePolicyDocument="{not json")
    # CreateRole's wording (localstack test_iam.snapshot.json, recorded against AWS).
    assert malformed.value.response["Error"]["Message"] == "This policy contains invalid Json"


def test_managed_policy_attachment_and_versions(iam: Any, server: ServerProcess) -> None:
    role = unique("Role")
    iam.create_role(RoleName=role, AssumeRolePolicyDocument=trust_policy(server.account_id))
    arn = iam.create_policy(PolicyName=unique("Policy"), PolicyDocument=allow("s3:*"))["Policy"][
        "Arn"
    ]
    iam.attach_role_policy(RoleName=role, PolicyArn=arn)
    attached = iam.list_attached_role_policies(RoleName=role)["AttachedPolicies"]
    assert [p["PolicyArn"] for p in attached] == [arn]
    iam.create_policy_version(PolicyArn=arn, PolicyDocument=allow("sqs:*"), SetAsDefault=True)
    version = iam.get_policy_version(PolicyArn=arn, VersionId="v2")["PolicyVersion"]
    assert version["Document"] == json.loads(allow("sqs:*")) and version["IsDefaultVersion"]
    assert iam.get_policy(PolicyArn=arn)["Policy"]["AttachmentCount"] == 1
    with pytest.raises(iam.exceptions.DeleteConflictException):
        iam.delete_policy(PolicyArn=arn)
    iam.detach_role_policy(RoleName=role, PolicyArn=arn)
    iam.delete_policy_version(PolicyArn=arn, VersionId="v1")
    iam.delete_policy(PolicyArn=arn)
    iam.delete_role(RoleName=role)


def test_aws_cli_creates_and_reads_a_role(server: ServerProcess, tmp_path: Any) -> None:
    name = unique("CliRole")
    trust_file = tmp_path / "trust.json"
    trust_file.write_text(trust_policy(server.account_id))
    cli = os.path.join(os.path.dirname(sys.executable), "aws")  # the pinned awscli
    base = [cli, "--endpoint-url", server.endpoint, "--output", "json", "iam"]
    env = aws_cli_env(server)
    subprocess.run(
        [*base, "create-role", "--role-name", name,
         "--assume-role-policy-document", f"file://{trust_file}"],
        env=env, check=True, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    shown = subprocess.run(
        [*base, "get-role", "--role-name", name],
        env=env, check=True, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    role = json.loads(shown.stdout)["Role"]
    assert role["RoleName"] == name
    assert role["AssumeRolePolicyDocument"]["Statement"][0]["Action"] == (
        "sts:AssumeRoleWithWebIdentity"
    )
    failed = subprocess.run(
        [*base, "get-role", "--role-name", "no-such-role"],
        env=env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert failed.returncode != 0
    assert "NoSuchEntity" in failed.stderr
    assert "The role with name no-such-role cannot be found." in failed.stderr
