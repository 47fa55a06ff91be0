"""ListEntitiesForPolicy (who uses a managed policy), and the credential kinds dynafed does
not issue answered as none: a user-cleanup sequence like terraform's works."""

from __future__ import annotations

from iam_harness import InProcessIam

READ_ONLY = "arn:aws:iam::aws:policy/AmazonDynamoDBReadOnlyAccess"


def test_list_entities_for_policy(iam: InProcessIam) -> None:
    iam.create_role("R")
    iam.call("CreateUser", UserName="u", Path="/ops/")
    iam.call("CreateUser", UserName="bounded", PermissionsBoundary=READ_ONLY)
    iam.call("CreateGroup", GroupName="g")
    for call, entity in (
        ("AttachRolePolicy", {"RoleName": "R"}),
        ("AttachUserPolicy", {"UserName": "u"}),
        ("AttachGroupPolicy", {"GroupName": "g"}),
    ):
        iam.call(call, PolicyArn=READ_ONLY, **entity)
    every = iam.call("ListEntitiesForPolicy", PolicyArn=READ_ONLY)
    assert [g["GroupName"] for g in every["PolicyGroups"]] == ["g"]
    assert [u["UserName"] for u in every["PolicyUsers"]] == ["bounded", "u"]
    assert [r["RoleName"] for r in every["PolicyRoles"]] == ["R"]
    assert every["PolicyUsers"][1]["UserId"].startswith("AIDA")
    attached = iam.call(
        "ListEntitiesForPolicy", PolicyArn=READ_ONLY, PolicyUsageFilter="PermissionsPolicy"
    )
    assert [u["UserName"] for u in attached["PolicyUsers"]] == ["u"]
    users = iam.call("ListEntitiesForPolicy", PolicyArn=READ_ONLY, EntityFilter="User")
    assert users["PolicyGroups"] == [] and users["PolicyRoles"] == []
    ops = iam.call("ListEntitiesForPolicy", PolicyArn=READ_ONLY, PathPrefix="/ops/")
    assert [u["UserName"] for u in ops["PolicyUsers"]] == ["u"]
    paged = iam.call("ListEntitiesForPolicy", PolicyArn=READ_ONLY, MaxItems=2)
    assert paged["IsTruncated"] is True
    missing = iam.error("ListEntitiesForPolicy", PolicyArn="arn:aws:iam::aws:policy/Nope")
    assert missing[0] == "NoSuchEntity"


def test_credentials_dynafed_does_not_issue_are_none(iam: InProcessIam) -> None:
    iam.call("CreateUser", UserName="u")
    assert iam.error("GetLoginProfile", UserName="u") == (
        "NoSuchEntity",
        "Login Profile for User u cannot be found.",
        404,
    )
    assert iam.call("ListMFADevices", UserName="u")["MFADevices"] == []
    assert iam.call("ListSSHPublicKeys", UserName="u")["SSHPublicKeys"] == []
    assert iam.call("ListSigningCertificates", UserName="u")["Certificates"] == []
    listed = iam.call("ListServiceSpecificCredentials", UserName="u")
    assert listed["ServiceSpecificCredentials"] == []
    assert iam.call("ListVirtualMFADevices")["VirtualMFADevices"] == []
    assert iam.error("ListMFADevices", UserName="nobody")[0] == "NoSuchEntity"
    assert iam.call("ListServerCertificates")["ServerCertificateMetadataList"] == []
    assert iam.error("GetServerCertificate", ServerCertificateName="site") == (
        "NoSuchEntity",
        "The Server Certificate with name site cannot be found.",
        404,
    )
    iam.call("DeleteUser", UserName="u")
