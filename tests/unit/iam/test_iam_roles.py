"""Roles through the IAM API, in process (IAM API reference: CreateRole, GetRole, ListRoles,
UpdateRole, UpdateAssumeRolePolicy, DeleteRole; wording recorded against real IAM)."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime

from iam_harness import ACCOUNT, SESSION, START, TRUST_POLICY, InProcessIam, allow


def test_create_role_answers_arn_id_and_decoded_trust_policy(iam: InProcessIam) -> None:
    role = iam.create_role("GameRole", Path="/app/", Description="players")
    assert role["Arn"] == f"arn:aws:iam::{ACCOUNT}:role/app/GameRole"
    assert role["Path"] == "/app/"
    assert re.fullmatch(r"AROA[A-Z0-9]{17}", role["RoleId"])
    assert role["CreateDate"] == datetime.fromtimestamp(START, UTC)
    assert role["AssumeRolePolicyDocument"] == json.loads(TRUST_POLICY)
    # CreateRole answers without Description/MaxSessionDuration; GetRole has them.
    assert "MaxSessionDuration" not in role


def test_get_role_has_defaults_and_tags(iam: InProcessIam) -> None:
    iam.create_role("GameRole", Tags=[{"Key": "team", "Value": "blue"}])
    role = iam.call("GetRole", RoleName="GameRole")["Role"]
    assert role["MaxSessionDuration"] == 3600
    assert role["Tags"] == [{"Key": "team", "Value": "blue"}]
    assert role["RoleLastUsed"] == {}


def test_role_names_are_unique_case_insensitively(iam: InProcessIam) -> None:
    iam.create_role("GameRole")
    code, message, status = iam.error(
        "CreateRole", RoleName="gamerole", AssumeRolePolicyDocument=TRUST_POLICY
    )
    assert (code, message, status) == (
        "EntityAlreadyExists",
        "Role with name gamerole already exists.",
        409,
    )


def test_missing_role_is_no_such_entity(iam: InProcessIam) -> None:
    assert iam.error("GetRole", RoleName="Nope") == (
        "NoSuchEntity",
        "The role with name Nope cannot be found.",
        404,
    )


def test_role_name_pattern_is_a_validation_error(iam: InProcessIam) -> None:
    code, message, status = iam.error(
        "CreateRole", RoleName="bad/name", AssumeRolePolicyDocument=TRUST_POLICY
    )
    assert (code, status) == ("ValidationError", 400)
    assert message == (
        "1 validation error detected: Value at 'roleName' failed to satisfy constraint: "
        r"Member must satisfy regular expression pattern: [\w+=,.@-]+"
    )


def test_several_violations_are_reported_together_in_name_order(iam: InProcessIam) -> None:
    _, message, _ = iam.error(
        "CreateRole",
        RoleName="x" * 65,
        AssumeRolePolicyDocument=TRUST_POLICY,
        MaxSessionDuration=60,
    )
    assert message == (
        "2 validation errors detected: "
        "Value at 'maxSessionDuration' failed to satisfy constraint: "
        "Member must have value greater than or equal to 3600; "
        "Value at 'roleName' failed to satisfy constraint: "
        "Member must have length less than or equal to 64"
    )


def test_trust_policy_must_be_a_trust_policy(iam: InProcessIam) -> None:
    trust_with_resource = allow("sts:AssumeRole", Principal={"AWS": ACCOUNT})
    code, message, status = iam.error(
        "CreateRole", RoleName="R", AssumeRolePolicyDocument=trust_with_resource
    )
    assert (code, status) == ("MalformedPolicyDocument", 400)
    assert message == "Has prohibited field Resource"


def test_trust_policy_errors_have_iam_wording(iam: InProcessIam) -> None:
    # Recorded against AWS: localstack test_iam_roles.snapshot.json (UpdateAssumeRolePolicy)
    # and test_iam.snapshot.json (CreateRole).
    assert iam.error("CreateRole", RoleName="R", AssumeRolePolicyDocument="{not json") == (
        "MalformedPolicyDocument",
        "This policy contains invalid Json",
        400,
    )
    iam.create_role("R")
    assert iam.error("UpdateAssumeRolePolicy", RoleName="R", PolicyDocument="not json") == (
        "MalformedPolicyDocument",
        "This policy contains invalid Json",
        400,
    )
    statement = json.loads(TRUST_POLICY)["Statement"][0]
    invalid_action = json.dumps(
        {"Version": "2012-10-17", "Statement": [{**statement, "Action": "sts:InvalidAction"}]}
    )
    assert iam.error("UpdateAssumeRolePolicy", RoleName="R", PolicyDocument=invalid_action) == (
        "MalformedPolicyDocument",
        "AssumeRole policy may only specify STS AssumeRole actions.",
        400,
    )


def test_trust_policy_size_quota(iam: InProcessIam) -> None:
    statement = json.loads(TRUST_POLICY)["Statement"][0]
    statement["Sid"] = "S" * 2048
    code, message, status = iam.error(
        "CreateRole",
        RoleName="R",
        AssumeRolePolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [statement]}),
    )
    assert (code, message, status) == (
        "LimitExceeded",
        "Cannot exceed quota for ACLSizePerRole: 2048",
        409,
    )


def test_duplicate_tag_keys_differing_in_case(iam: InProcessIam) -> None:
    code, message, _ = iam.error(
        "CreateRole",
        RoleName="R",
        AssumeRolePolicyDocument=TRUST_POLICY,
        Tags=[{"Key": "Team", "Value": "a"}, {"Key": "team", "Value": "b"}],
    )
    assert (code, message) == (
        "InvalidInput",
        "Duplicate tag keys found. Please note that Tag keys are case insensitive.",
    )


def test_list_roles_filters_by_path_and_pages(iam: InProcessIam) -> None:
    for name in ("a1", "a2", "a3"):
        iam.create_role(name, Path="/apps/")
    iam.create_role("other")
    first = iam.call("ListRoles", PathPrefix="/apps/", MaxItems=2)
    assert [r["RoleName"] for r in first["Roles"]] == ["a1", "a2"]
    assert first["IsTruncated"] is True
    rest = iam.call("ListRoles", PathPrefix="/apps/", Marker=first["Marker"])
    assert [r["RoleName"] for r in rest["Roles"]] == ["a3"]
    assert rest["IsTruncated"] is False and "Marker" not in rest
    assert len(iam.call("ListRoles")["Roles"]) == 4


def test_list_roles_entries_carry_no_tags(iam: InProcessIam) -> None:
    iam.create_role("a1", Tags=[{"Key": "k", "Value": "v"}])
    (entry,) = iam.call("ListRoles")["Roles"]
    assert "Tags" not in entry and entry["MaxSessionDuration"] == 3600


def test_update_role_and_trust_policy(iam: InProcessIam) -> None:
    iam.create_role("R")
    iam.call("UpdateRole", RoleName="R", MaxSessionDuration=43200, Description="d")
    new_trust = TRUST_POLICY.replace('"app"', '"other-app"')
    iam.call("UpdateAssumeRolePolicy", RoleName="R", PolicyDocument=new_trust)
    role = iam.call("GetRole", RoleName="R")["Role"]
    assert role["MaxSessionDuration"] == 43200
    assert role["Description"] == "d"
    assert role["AssumeRolePolicyDocument"] == json.loads(new_trust)


def test_delete_role_conflicts_then_succeeds(iam: InProcessIam) -> None:
    iam.create_role("R")
    policy = iam.create_policy("P")
    iam.call("AttachRolePolicy", RoleName="R", PolicyArn=policy["Arn"])
    iam.call("PutRolePolicy", RoleName="R", PolicyName="inline", PolicyDocument=allow())
    assert iam.error("DeleteRole", RoleName="R") == (
        "DeleteConflict",
        "Cannot delete entity, must detach all policies first.",
        409,
    )
    iam.call("DetachRolePolicy", RoleName="R", PolicyArn=policy["Arn"])
    assert iam.error("DeleteRole", RoleName="R")[1] == (
        "Cannot delete entity, must delete policies first."
    )
    iam.call("DeleteRolePolicy", RoleName="R", PolicyName="inline")
    iam.call("DeleteRole", RoleName="R")
    assert iam.error("GetRole", RoleName="R")[0] == "NoSuchEntity"


def test_only_admin_credentials_may_call_iam(iam: InProcessIam) -> None:
    try:
        iam.call("ListRoles", caller=SESSION)
    except Exception as error:  # botocore ClientError
        response = error.response  # type: ignore[attr-defined]
        assert response["Error"]["Code"] == "AccessDenied"
        assert response["ResponseMetadata"]["HTTPStatusCode"] == 403
    else:
        raise AssertionError("a session was allowed to call IAM")


def test_unknown_action_is_invalid_action(iam: InProcessIam) -> None:
    from dynafed.errors import InvalidAction

    try:
        iam.service.handle("CreateLoginProfile", {"UserName": "u"}, None)
    except InvalidAction as error:
        assert error.message == "Could not find operation CreateLoginProfile for version 2010-05-08"
    else:
        raise AssertionError("unknown action accepted")


def test_tag_untag_and_list_role_tags(iam: InProcessIam) -> None:
    iam.create_role("R", Tags=[{"Key": "Team", "Value": "a"}, {"Key": "env", "Value": "dev"}])
    iam.call("TagRole", RoleName="R", Tags=[{"Key": "team", "Value": "b"}])
    assert iam.call("ListRoleTags", RoleName="R")["Tags"] == [
        {"Key": "env", "Value": "dev"},
        {"Key": "team", "Value": "b"},
    ]
    iam.call("UntagRole", RoleName="R", TagKeys=["ENV", "absent"])
    assert iam.call("GetRole", RoleName="R")["Role"]["Tags"] == [{"Key": "team", "Value": "b"}]
    many = [{"Key": f"k{i}", "Value": "v"} for i in range(50)]
    assert iam.error("TagRole", RoleName="R", Tags=many) == (
        "LimitExceeded",
        "The number of tags has reached the maximum limit.",
        409,
    )
