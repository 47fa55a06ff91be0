"""Inline role policies, managed policies and their versions, attachments and boundaries
(IAM API reference for each action; messages recorded against real IAM)."""

from __future__ import annotations

import json

from iam_harness import ACCOUNT, InProcessIam, allow


def test_inline_policy_round_trip_decodes_like_boto3(iam: InProcessIam) -> None:
    iam.create_role("R")
    document = allow("dynamodb:Query", "arn:aws:dynamodb:us-east-1:123456789012:table/T")
    iam.call("PutRolePolicy", RoleName="R", PolicyName="q", PolicyDocument=document)
    got = iam.call("GetRolePolicy", RoleName="R", PolicyName="q")
    assert got == {"RoleName": "R", "PolicyName": "q", "PolicyDocument": json.loads(document)}
    assert iam.call("ListRolePolicies", RoleName="R")["PolicyNames"] == ["q"]


def test_inline_policy_errors(iam: InProcessIam) -> None:
    iam.create_role("R")
    assert iam.error("GetRolePolicy", RoleName="R", PolicyName="nope") == (
        "NoSuchEntity",
        "The role policy with name nope cannot be found.",
        404,
    )
    assert iam.error("DeleteRolePolicy", RoleName="R", PolicyName="nope")[0] == "NoSuchEntity"
    assert iam.error("PutRolePolicy", RoleName="X", PolicyName="p", PolicyDocument=allow())[1] == (
        "The role with name X cannot be found."
    )
    # Identity policies share IAM's validator: text that is not JSON is a syntax error
    # (CreatePolicy recorded against AWS: localstack test_iam_policies.snapshot.json invalid-0).
    assert iam.error("PutRolePolicy", RoleName="R", PolicyName="p", PolicyDocument="{not json") == (
        "MalformedPolicyDocument",
        "Syntax errors in policy.",
        400,
    )


def test_inline_policies_share_a_10240_character_quota(iam: InProcessIam) -> None:
    iam.create_role("R")
    big = allow("dynamodb:GetItem", "arn:aws:dynamodb:us-east-1:123456789012:table/" + "t" * 5000)
    iam.call("PutRolePolicy", RoleName="R", PolicyName="a", PolicyDocument=big)
    # Replacing a policy counts its new text only once.
    iam.call("PutRolePolicy", RoleName="R", PolicyName="a", PolicyDocument=big)
    assert iam.error("PutRolePolicy", RoleName="R", PolicyName="b", PolicyDocument=big) == (
        "LimitExceeded",
        "Maximum policy size of 10240 bytes exceeded for role R",
        409,
    )


def test_white_space_does_not_count_toward_the_quota(iam: InProcessIam) -> None:
    iam.create_role("R")
    padded = allow() + " " * 20000
    iam.call("PutRolePolicy", RoleName="R", PolicyName="a", PolicyDocument=padded)


def test_create_and_get_policy(iam: InProcessIam) -> None:
    created = iam.create_policy("Reads", Path="/team/", Description="d")
    assert created["Arn"] == f"arn:aws:iam::{ACCOUNT}:policy/team/Reads"
    assert created["DefaultVersionId"] == "v1"
    assert created["AttachmentCount"] == 0 and created["IsAttachable"] is True
    assert "Description" not in created  # CreatePolicy answers without it
    got = iam.call("GetPolicy", PolicyArn=created["Arn"])["Policy"]
    assert got["Description"] == "d" and got["Tags"] == []
    version = iam.call("GetPolicyVersion", PolicyArn=created["Arn"], VersionId="v1")
    assert version["PolicyVersion"]["Document"] == json.loads(allow())
    assert version["PolicyVersion"]["IsDefaultVersion"] is True


def test_create_policy_document_errors(iam: InProcessIam) -> None:
    # Recorded CreatePolicy responses: localstack test_iam_policies.snapshot.json.
    assert iam.error("CreatePolicy", PolicyName="P", PolicyDocument="not json") == (
        "MalformedPolicyDocument",
        "Syntax errors in policy.",
        400,
    )
    bad_sid = json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {"Sid": "read_only", "Effect": "Allow", "Action": "s3:*", "Resource": "*"}
            ],
        }
    )
    # A CloudTrail record of CreatePolicy (splunk/attack_data T1580).
    assert iam.error("CreatePolicy", PolicyName="P", PolicyDocument=bad_sid)[1] == (
        "Statement IDs (SID) must be alpha-numeric. "
        "Check that your input satisfies the regular expression [0-9A-Za-z]*"
    )
    bad_path = allow("iam:GetRole", "arn:aws:iam::123456789012:GameRole")
    assert iam.error(
        "CreatePolicyVersion", PolicyArn=iam.create_policy("Q")["Arn"], PolicyDocument=bad_path
    )[1] == (
        'IAM resource path must either be "*", root, or start with user/, federated-user/, '
        "role/, group/, instance-profile/, mfa/, server-certificate/, policy/, sms-mfa/, "
        "saml-provider/, oidc-provider/, report/, access-report/."
    )


def test_a_managed_policy_is_at_most_6144_characters(iam: InProcessIam) -> None:
    # ministryofjustice/cloud-platform-environments#14473: LimitExceeded from CreatePolicyVersion.
    big = allow("dynamodb:GetItem", "arn:aws:dynamodb:us-east-1:123456789012:table/" + "t" * 6100)
    assert iam.error("CreatePolicy", PolicyName="Big", PolicyDocument=big) == (
        "LimitExceeded",
        "Cannot exceed quota for PolicySize: 6144",
        409,
    )


def test_managed_policies_need_the_current_version(iam: InProcessIam) -> None:
    old = json.dumps({"Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]})
    assert iam.error("CreatePolicy", PolicyName="P", PolicyDocument=old) == (
        "MalformedPolicyDocument",
        "Policy document must be version 2012-10-17 or greater.",
        400,
    )


def test_duplicate_policy_name(iam: InProcessIam) -> None:
    iam.create_policy("P")
    assert iam.error("CreatePolicy", PolicyName="p", PolicyDocument=allow(), Path="/x/") == (
        "EntityAlreadyExists",
        "A policy called p already exists. Duplicate names are not allowed.",
        409,
    )


def test_policy_versions_lifecycle(iam: InProcessIam) -> None:
    arn = iam.create_policy("P")["Arn"]
    v2 = iam.call(
        "CreatePolicyVersion", PolicyArn=arn, PolicyDocument=allow("s3:*"), SetAsDefault=True
    )["PolicyVersion"]
    assert v2["VersionId"] == "v2" and v2["IsDefaultVersion"] is True and "Document" not in v2
    for _ in range(3):
        iam.call("CreatePolicyVersion", PolicyArn=arn, PolicyDocument=allow())
    assert iam.error("CreatePolicyVersion", PolicyArn=arn, PolicyDocument=allow()) == (
        "LimitExceeded",
        "A managed policy can have up to 5 versions. Before you create a new version, you "
        "must delete an existing version.",
        409,
    )
    listed = iam.call("ListPolicyVersions", PolicyArn=arn)["Versions"]
    assert [v["VersionId"] for v in listed] == ["v5", "v4", "v3", "v2", "v1"]
    assert iam.error("DeletePolicyVersion", PolicyArn=arn, VersionId="v2") == (
        "DeleteConflict",
        "Cannot delete the default version of a policy.",
        409,
    )
    iam.call("DeletePolicyVersion", PolicyArn=arn, VersionId="v5")
    v6 = iam.call("CreatePolicyVersion", PolicyArn=arn, PolicyDocument=allow())
    assert v6["PolicyVersion"]["VersionId"] == "v6"  # numbers are never reused
    iam.call("SetDefaultPolicyVersion", PolicyArn=arn, VersionId="v1")
    assert iam.call("GetPolicy", PolicyArn=arn)["Policy"]["DefaultVersionId"] == "v1"
    assert iam.error("GetPolicyVersion", PolicyArn=arn, VersionId="v9") == (
        "NoSuchEntity",
        f"Policy {arn} version v9 does not exist or is not attachable.",
        404,
    )


def test_version_id_pattern(iam: InProcessIam) -> None:
    arn = iam.create_policy("P")["Arn"]
    _, message, _ = iam.error("GetPolicyVersion", PolicyArn=arn, VersionId="1")
    assert message == (
        "1 validation error detected: Value at 'versionId' failed to satisfy constraint: "
        r"Member must satisfy regular expression pattern: v[1-9][0-9]*(\.[A-Za-z0-9-]*)?"
    )


def test_attach_detach_and_counts(iam: InProcessIam) -> None:
    iam.create_role("R")
    arn = iam.create_policy("P")["Arn"]
    iam.call("AttachRolePolicy", RoleName="R", PolicyArn=arn)
    iam.call("AttachRolePolicy", RoleName="R", PolicyArn=arn)  # attaching twice is a no-op
    assert iam.call("ListAttachedRolePolicies", RoleName="R")["AttachedPolicies"] == [
        {"PolicyName": "P", "PolicyArn": arn}
    ]
    assert iam.call("GetPolicy", PolicyArn=arn)["Policy"]["AttachmentCount"] == 1
    assert iam.error("DeletePolicy", PolicyArn=arn) == (
        "DeleteConflict",
        "Cannot delete a policy attached to entities.",
        409,
    )
    attached_only = iam.call("ListPolicies", Scope="Local", OnlyAttached=True)["Policies"]
    assert [p["PolicyName"] for p in attached_only] == ["P"]
    iam.call("DetachRolePolicy", RoleName="R", PolicyArn=arn)
    assert iam.error("DetachRolePolicy", RoleName="R", PolicyArn=arn) == (
        "NoSuchEntity",
        f"Policy {arn} was not found.",
        404,
    )
    assert iam.call("ListPolicies", OnlyAttached=True)["Policies"] == []
    iam.call("DeletePolicy", PolicyArn=arn)
    assert iam.error("GetPolicy", PolicyArn=arn)[0] == "NoSuchEntity"


def test_attach_errors(iam: InProcessIam) -> None:
    iam.create_role("R")
    missing = f"arn:aws:iam::{ACCOUNT}:policy/nonexistent-policy"
    assert iam.error("AttachRolePolicy", RoleName="R", PolicyArn=missing) == (
        "NoSuchEntity",
        f"Policy {missing} does not exist or is not attachable.",
        404,
    )
    assert iam.error("AttachRolePolicy", RoleName="R", PolicyArn="longpolicynamebutnoarn") == (
        "ValidationError",
        "ARN longpolicynamebutnoarn is not valid.",
        400,
    )


def test_at_most_ten_managed_policies_per_role(iam: InProcessIam) -> None:
    iam.create_role("R")
    for index in range(10):
        arn = iam.create_policy(f"P{index}")["Arn"]
        iam.call("AttachRolePolicy", RoleName="R", PolicyArn=arn)
    arn = iam.create_policy("P10")["Arn"]
    assert iam.error("AttachRolePolicy", RoleName="R", PolicyArn=arn) == (
        "LimitExceeded",
        "Cannot exceed quota for PoliciesPerRole: 10",
        409,
    )


def test_policy_with_versions_cannot_be_deleted(iam: InProcessIam) -> None:
    arn = iam.create_policy("P")["Arn"]
    iam.call("CreatePolicyVersion", PolicyArn=arn, PolicyDocument=allow())
    assert iam.error("DeletePolicy", PolicyArn=arn)[0] == "DeleteConflict"
    iam.call("DeletePolicyVersion", PolicyArn=arn, VersionId="v2")
    iam.call("DeletePolicy", PolicyArn=arn)


def test_list_policies_scopes_and_paths(iam: InProcessIam) -> None:
    iam.create_policy("A", Path="/team/")
    iam.create_policy("B")
    local = iam.call("ListPolicies", Scope="Local")["Policies"]
    assert [p["PolicyName"] for p in local] == ["A", "B"]
    aws = iam.call("ListPolicies", Scope="AWS")["Policies"]
    assert aws and all(p["Arn"].startswith("arn:aws:iam::aws:policy/") for p in aws)
    team = iam.call("ListPolicies", PathPrefix="/team/")["Policies"]
    assert [p["PolicyName"] for p in team] == ["A"]
    assert "Tags" not in team[0]


def test_permissions_boundary_lifecycle(iam: InProcessIam) -> None:
    arn = iam.create_policy("Boundary")["Arn"]
    role = iam.create_role("R", PermissionsBoundary=arn)
    assert role["PermissionsBoundary"] == {
        "PermissionsBoundaryType": "Policy",
        "PermissionsBoundaryArn": arn,
    }
    assert iam.call("GetPolicy", PolicyArn=arn)["Policy"]["PermissionsBoundaryUsageCount"] == 1
    assert iam.error("DeletePolicy", PolicyArn=arn)[0] == "DeleteConflict"
    iam.call("DeleteRolePermissionsBoundary", RoleName="R")
    assert "PermissionsBoundary" not in iam.call("GetRole", RoleName="R")["Role"]
    iam.call("PutRolePermissionsBoundary", RoleName="R", PermissionsBoundary=arn)
    assert (
        iam.call("GetRole", RoleName="R")["Role"]["PermissionsBoundary"]["PermissionsBoundaryArn"]
        == arn
    )
    iam.call("DeleteRole", RoleName="R")  # a boundary does not block deletion
    assert iam.call("GetPolicy", PolicyArn=arn)["Policy"]["PermissionsBoundaryUsageCount"] == 0


def test_permissions_boundary_errors(iam: InProcessIam) -> None:
    iam.create_role("R")
    bad = f"arn:aws:iam::{ACCOUNT}:not_a_policy/invalid"
    assert iam.error("PutRolePermissionsBoundary", RoleName="R", PermissionsBoundary=bad) == (
        "InvalidInput",
        f"ARN {bad} is not valid.",
        400,
    )
    missing = f"arn:aws:iam::{ACCOUNT}:policy/nonexistent-policy"
    assert iam.error("PutRolePermissionsBoundary", RoleName="R", PermissionsBoundary=missing) == (
        "NoSuchEntity",
        f"Scope ARN: {missing} does not exist or is not attachable.",
        404,
    )
