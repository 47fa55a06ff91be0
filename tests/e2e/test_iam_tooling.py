"""What infrastructure and audit tools call around IAM entities, through the real server:
instance profiles (destroying a role the way terraform does: list the role's instance
profiles, remove it from each, delete the role; deleting it first is refused), a user's
clean-up before DeleteUser, account authorization details and the credential report."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.support.clients import aws_cli_env, client
from tests.support.iam_users import unique
from tests.support.server_process import ACCOUNT_ID, ServerProcess, start_server

pytestmark = pytest.mark.e2e

TRUST = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": "ec2.amazonaws.com"},
                "Action": "sts:AssumeRole",
            }
        ],
    }
)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    process = start_server(tmp_path_factory.mktemp("dynafed-iam-tooling"))
    yield process
    process.stop()


def test_a_role_in_a_profile_is_destroyed_as_terraform_does(server: ServerProcess) -> None:
    iam = client(server, "iam")
    role, profile = unique("web"), unique("web-profile")
    iam.create_role(RoleName=role, AssumeRolePolicyDocument=TRUST)
    created = iam.create_instance_profile(InstanceProfileName=profile, Path="/ec2/")
    assert created["InstanceProfile"]["Arn"] == (
        f"arn:aws:iam::{ACCOUNT_ID}:instance-profile/ec2/{profile}"
    )
    iam.add_role_to_instance_profile(InstanceProfileName=profile, RoleName=role)
    got = iam.get_instance_profile(InstanceProfileName=profile)["InstanceProfile"]
    assert [r["RoleName"] for r in got["Roles"]] == [role]
    assert got["Roles"][0]["AssumeRolePolicyDocument"] == json.loads(TRUST)

    with pytest.raises(ClientError) as conflict:
        iam.delete_role(RoleName=role)
    assert conflict.value.response["Error"]["Code"] == "DeleteConflict"

    paginator = iam.get_paginator("list_instance_profiles_for_role")
    for page in paginator.paginate(RoleName=role):
        for found in page["InstanceProfiles"]:
            iam.remove_role_from_instance_profile(
                InstanceProfileName=found["InstanceProfileName"], RoleName=role
            )
    iam.delete_role(RoleName=role)
    with pytest.raises(ClientError) as gone:
        iam.list_instance_profiles_for_role(RoleName=role)
    assert gone.value.response["Error"]["Code"] == "NoSuchEntity"
    assert iam.get_instance_profile(InstanceProfileName=profile)["InstanceProfile"]["Roles"] == []


def test_the_cli_lists_and_deletes_instance_profiles(server: ServerProcess) -> None:
    iam = client(server, "iam")
    profile = unique("cli-profile")
    iam.create_instance_profile(InstanceProfileName=profile, Path="/cli/")

    def aws(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "awscli", "--endpoint-url", server.endpoint, "iam", *args],
            env=aws_cli_env(server),
            capture_output=True,
            text=True,
            timeout=60,
        )

    listed = aws("list-instance-profiles", "--path-prefix", "/cli/")
    assert listed.returncode == 0, listed.stderr
    names = [p["InstanceProfileName"] for p in json.loads(listed.stdout)["InstanceProfiles"]]
    assert names == [profile]
    assert aws("delete-instance-profile", "--instance-profile-name", profile).returncode == 0
    missing = aws("get-instance-profile", "--instance-profile-name", profile)
    assert missing.returncode != 0 and "NoSuchEntity" in missing.stderr


def test_account_authorization_details_pages_through_everything(server: ServerProcess) -> None:
    """What account-auditing tools read: boto3's paginator walks every entity once."""
    iam = client(server, "iam")
    role, profile = unique("audited"), unique("audited-profile")
    iam.create_role(RoleName=role, AssumeRolePolicyDocument=TRUST)
    iam.create_instance_profile(InstanceProfileName=profile)
    iam.add_role_to_instance_profile(InstanceProfileName=profile, RoleName=role)
    iam.attach_role_policy(
        RoleName=role, PolicyArn="arn:aws:iam::aws:policy/AmazonDynamoDBReadOnlyAccess"
    )
    roles: list[dict[str, Any]] = []
    policies: list[str] = []
    paginator = iam.get_paginator("get_account_authorization_details")
    for page in paginator.paginate(PaginationConfig={"PageSize": 1}):
        roles.extend(page["RoleDetailList"])
        policies.extend(p["Arn"] for p in page["Policies"])
    (found,) = [r for r in roles if r["RoleName"] == role]
    assert found["AssumeRolePolicyDocument"] == json.loads(TRUST)
    assert [p["InstanceProfileName"] for p in found["InstanceProfileList"]] == [profile]
    assert "arn:aws:iam::aws:policy/AmazonDynamoDBReadOnlyAccess" in policies
    assert len(policies) == len(set(policies))


def test_a_user_is_cleaned_up_and_deleted_as_terraform_force_destroy_does(
    server: ServerProcess,
) -> None:
    iam = client(server, "iam")
    name = unique("leaver")
    iam.create_user(UserName=name)
    iam.create_access_key(UserName=name)
    policy = "arn:aws:iam::aws:policy/AmazonDynamoDBReadOnlyAccess"
    iam.attach_user_policy(UserName=name, PolicyArn=policy)
    users = iam.list_entities_for_policy(PolicyArn=policy, EntityFilter="User")["PolicyUsers"]
    assert name in [u["UserName"] for u in users]

    for key in iam.list_access_keys(UserName=name)["AccessKeyMetadata"]:
        iam.delete_access_key(UserName=name, AccessKeyId=key["AccessKeyId"])
    with pytest.raises(ClientError) as no_password:
        iam.get_login_profile(UserName=name)
    assert no_password.value.response["Error"]["Code"] == "NoSuchEntity"
    assert iam.list_mfa_devices(UserName=name)["MFADevices"] == []
    assert iam.list_ssh_public_keys(UserName=name)["SSHPublicKeys"] == []
    assert iam.list_signing_certificates(UserName=name)["Certificates"] == []
    assert iam.list_service_specific_credentials(UserName=name)["ServiceSpecificCredentials"] == []
    for attached in iam.list_attached_user_policies(UserName=name)["AttachedPolicies"]:
        iam.detach_user_policy(UserName=name, PolicyArn=attached["PolicyArn"])
    iam.delete_user(UserName=name)


def test_the_credential_report_lists_users_and_their_keys(server: ServerProcess) -> None:
    iam = client(server, "iam")
    name = unique("reported")
    iam.create_user(UserName=name)
    key = iam.create_access_key(UserName=name)["AccessKey"]
    iam.update_access_key(UserName=name, AccessKeyId=key["AccessKeyId"], Status="Inactive")
    # dynafed makes the report at once (AWS may first answer STARTED).
    assert iam.generate_credential_report()["State"] == "COMPLETE"
    report = iam.get_credential_report()
    assert report["ReportFormat"] == "text/csv"
    lines = report["Content"].decode("utf-8").splitlines()
    assert lines[0].startswith("user,arn,user_creation_time,password_enabled")
    (line,) = [line for line in lines if line.startswith(f"{name},")]
    columns = dict(zip(lines[0].split(","), line.split(","), strict=True))
    assert columns["access_key_1_active"] == "false"  # made inactive
    assert columns["access_key_1_last_rotated"] == key["CreateDate"].isoformat()
    assert columns["access_key_2_active"] == "false"
