"""Instance profiles (IAM API reference: CreateInstanceProfile, AddRoleToInstanceProfile,
ListInstanceProfilesForRole, …): one role per profile, and a role in a profile cannot be
deleted."""

from __future__ import annotations

from iam_harness import ACCOUNT, InProcessIam


def test_instance_profile_lifecycle_around_a_role(iam: InProcessIam) -> None:
    role = iam.create_role("Web")
    created = iam.call("CreateInstanceProfile", InstanceProfileName="WebProfile", Path="/app/")
    profile = created["InstanceProfile"]
    assert profile["Arn"] == f"arn:aws:iam::{ACCOUNT}:instance-profile/app/WebProfile"
    assert profile["InstanceProfileId"].startswith("AIPA") and profile["Roles"] == []
    iam.call("AddRoleToInstanceProfile", InstanceProfileName="WebProfile", RoleName="Web")
    got = iam.call("GetInstanceProfile", InstanceProfileName="WebProfile")["InstanceProfile"]
    assert [r["RoleId"] for r in got["Roles"]] == [role["RoleId"]]
    for_role = iam.call("ListInstanceProfilesForRole", RoleName="Web")["InstanceProfiles"]
    assert [p["InstanceProfileName"] for p in for_role] == ["WebProfile"]
    listed = iam.call("ListInstanceProfiles", PathPrefix="/app/")["InstanceProfiles"]
    assert [p["Arn"] for p in listed] == [profile["Arn"]]

    assert iam.error("DeleteRole", RoleName="Web") == (
        "DeleteConflict",
        "Cannot delete entity, must remove roles from instance profile first.",
        409,
    )
    assert iam.error("DeleteInstanceProfile", InstanceProfileName="WebProfile")[0] == (
        "DeleteConflict"
    )
    iam.call("RemoveRoleFromInstanceProfile", InstanceProfileName="WebProfile", RoleName="Web")
    assert iam.call("ListInstanceProfilesForRole", RoleName="Web")["InstanceProfiles"] == []
    iam.call("DeleteRole", RoleName="Web")
    iam.call("DeleteInstanceProfile", InstanceProfileName="WebProfile")
    assert iam.error("GetInstanceProfile", InstanceProfileName="WebProfile") == (
        "NoSuchEntity",
        "Instance Profile WebProfile cannot be found.",
        404,
    )


def test_instance_profile_errors(iam: InProcessIam) -> None:
    iam.create_role("A")
    iam.create_role("B")
    iam.call("CreateInstanceProfile", InstanceProfileName="P")
    assert iam.error("CreateInstanceProfile", InstanceProfileName="p")[:2] == (
        "EntityAlreadyExists",
        "Instance Profile p already exists.",
    )
    iam.call("AddRoleToInstanceProfile", InstanceProfileName="P", RoleName="A")
    assert iam.error("AddRoleToInstanceProfile", InstanceProfileName="P", RoleName="B")[:2] == (
        "LimitExceeded",
        "Cannot exceed quota for InstanceSessionsPerInstanceProfile: 1",
    )
    assert iam.error("AddRoleToInstanceProfile", InstanceProfileName="P", RoleName="Nope")[0] == (
        "NoSuchEntity"
    )
    assert iam.error("RemoveRoleFromInstanceProfile", InstanceProfileName="P", RoleName="B")[0] == (
        "NoSuchEntity"
    )
    assert iam.error("ListInstanceProfilesForRole", RoleName="Nope")[0] == "NoSuchEntity"
    assert iam.error("CreateInstanceProfile", InstanceProfileName="bad name")[0] == (
        "ValidationError"
    )
