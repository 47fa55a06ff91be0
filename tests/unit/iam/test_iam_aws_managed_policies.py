"""AWS managed policies (`arn:aws:iam::aws:policy/…`): present in every account, attachable
to users, groups and roles, listed by `Scope`, and never changed or deleted by an account."""

from __future__ import annotations

import json

import pytest
from iam_harness import ACCOUNT, InProcessIam

from dynafed.iam.aws_managed import AWS_POLICY_PREFIX, aws_managed_names, aws_managed_policy
from dynafed.iam.policy_adapter import PolicyKind, validate

READ_ONLY = f"{AWS_POLICY_PREFIX}/AmazonDynamoDBReadOnlyAccess"
REQUIRED = {
    "AdministratorAccess",
    "AmazonDynamoDBFullAccess",
    "AmazonDynamoDBReadOnlyAccess",
    "AmazonCognitoPowerUser",
    "AmazonCognitoReadOnly",
    "IAMFullAccess",
    "IAMReadOnlyAccess",
}


@pytest.mark.parametrize("name", aws_managed_names())
def test_every_shipped_document_is_a_valid_managed_policy(name: str) -> None:
    policy = aws_managed_policy(f"{AWS_POLICY_PREFIX}/{name}")
    assert policy is not None and policy.policy_id.startswith("ANPA")
    validate(policy.default_version.document, PolicyKind.MANAGED)


def test_the_policies_of_the_served_services_ship() -> None:
    assert set(aws_managed_names()) >= REQUIRED
    assert aws_managed_policy(f"{AWS_POLICY_PREFIX}/NoSuchPolicy") is None
    assert aws_managed_policy(f"{AWS_POLICY_PREFIX}/team/AdministratorAccess") is None


def test_get_policy_and_its_default_version(iam: InProcessIam) -> None:
    policy = iam.call("GetPolicy", PolicyArn=READ_ONLY)["Policy"]
    assert policy["PolicyName"] == "AmazonDynamoDBReadOnlyAccess"
    assert policy["PolicyId"] == "ANPAIY2XFNA232XJ6J7X2"
    assert policy["DefaultVersionId"] == "v15" and policy["AttachmentCount"] == 0
    assert policy["Description"].startswith("Provides read only access to Amazon DynamoDB")
    version = iam.call("GetPolicyVersion", PolicyArn=READ_ONLY, VersionId="v15")["PolicyVersion"]
    assert version["IsDefaultVersion"] is True
    actions = version["Document"]["Statement"][0]["Action"]
    assert "dynamodb:GetItem" in actions and "dynamodb:PutItem" not in actions
    assert iam.error("GetPolicyVersion", PolicyArn=READ_ONLY, VersionId="v1")[0] == "NoSuchEntity"
    assert iam.error("GetPolicy", PolicyArn=f"{AWS_POLICY_PREFIX}/Nope")[0] == "NoSuchEntity"


def test_attachments_count_per_account_and_list_with_only_attached(iam: InProcessIam) -> None:
    iam.create_role("R")
    iam.call("CreateUser", UserName="u")
    iam.call("CreateGroup", GroupName="g")
    iam.call("AttachRolePolicy", RoleName="R", PolicyArn=READ_ONLY)
    iam.call("AttachUserPolicy", UserName="u", PolicyArn=READ_ONLY)
    iam.call("AttachGroupPolicy", GroupName="g", PolicyArn=READ_ONLY)
    assert iam.call("GetPolicy", PolicyArn=READ_ONLY)["Policy"]["AttachmentCount"] == 3
    attached = iam.call("ListAttachedUserPolicies", UserName="u")["AttachedPolicies"]
    assert attached == [{"PolicyName": "AmazonDynamoDBReadOnlyAccess", "PolicyArn": READ_ONLY}]
    listed = iam.call("ListPolicies", Scope="AWS", OnlyAttached=True)["Policies"]
    assert [p["Arn"] for p in listed] == [READ_ONLY]
    iam.call("DetachUserPolicy", UserName="u", PolicyArn=READ_ONLY)
    assert iam.call("GetPolicy", PolicyArn=READ_ONLY)["Policy"]["AttachmentCount"] == 2


def test_list_policies_by_scope(iam: InProcessIam) -> None:
    own = iam.create_policy("AmazonDynamoDBReadOnlyAccess")["Arn"]
    assert own == f"arn:aws:iam::{ACCOUNT}:policy/AmazonDynamoDBReadOnlyAccess"
    local = [p["Arn"] for p in iam.call("ListPolicies", Scope="Local")["Policies"]]
    aws = [p["Arn"] for p in iam.call("ListPolicies", Scope="AWS")["Policies"]]
    every = [p["Arn"] for p in iam.call("ListPolicies")["Policies"]]
    assert local == [own]
    assert READ_ONLY in aws and own not in aws
    assert set(every) == set(local) | set(aws) and len(every) == len(local) + len(aws)
    first = iam.call("ListPolicies", MaxItems=3)
    rest = iam.call("ListPolicies", Marker=first["Marker"])
    assert [p["Arn"] for p in first["Policies"] + rest["Policies"]] == every


def test_aws_managed_policies_cannot_be_changed(iam: InProcessIam) -> None:
    document = json.dumps({"Version": "2012-10-17", "Statement": []})
    for action, extra in (
        ("DeletePolicy", {}),
        ("CreatePolicyVersion", {"PolicyDocument": document}),
        ("DeletePolicyVersion", {"VersionId": "v15"}),
        ("SetDefaultPolicyVersion", {"VersionId": "v15"}),
    ):
        code, message, status = iam.error(action, PolicyArn=READ_ONLY, **extra)
        assert (code, status) == ("AccessDenied", 403)
        assert message == (
            f"User: arn:aws:iam::{ACCOUNT}:root is not authorized to perform: iam:{action} "
            f"on resource: policy {READ_ONLY}"
        )
    assert iam.call("GetPolicy", PolicyArn=READ_ONLY)["Policy"]["DefaultVersionId"] == "v15"


def test_an_aws_managed_policy_can_be_a_permissions_boundary(iam: InProcessIam) -> None:
    iam.call("CreateUser", UserName="bounded", PermissionsBoundary=READ_ONLY)
    user = iam.call("GetUser", UserName="bounded")["User"]
    assert user["PermissionsBoundary"]["PermissionsBoundaryArn"] == READ_ONLY
    policy = iam.call("GetPolicy", PolicyArn=READ_ONLY)["Policy"]
    assert policy["PermissionsBoundaryUsageCount"] == 1
