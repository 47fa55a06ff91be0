"""GetAccountAuthorizationDetails (IAM API reference): every user, group, role and managed
policy with what governs it, filtered by kind and paged, documents decoded as boto3 does."""

from __future__ import annotations

import json

from iam_harness import ACCOUNT, TRUST_POLICY, InProcessIam, allow

READ_ONLY = "arn:aws:iam::aws:policy/AmazonDynamoDBReadOnlyAccess"


def populate(iam: InProcessIam) -> str:
    managed = iam.create_policy("Reads")["Arn"]
    iam.call("CreateUser", UserName="dana", PermissionsBoundary=managed)
    iam.call("PutUserPolicy", UserName="dana", PolicyName="own", PolicyDocument=allow())
    iam.call("AttachUserPolicy", UserName="dana", PolicyArn=managed)
    iam.call("CreateGroup", GroupName="ops")
    iam.call("AttachGroupPolicy", GroupName="ops", PolicyArn=READ_ONLY)
    iam.call("AddUserToGroup", GroupName="ops", UserName="dana")
    iam.create_role("Web")
    iam.call("CreateInstanceProfile", InstanceProfileName="WebProfile")
    iam.call("AddRoleToInstanceProfile", InstanceProfileName="WebProfile", RoleName="Web")
    return str(managed)


def test_the_whole_account(iam: InProcessIam) -> None:
    managed = populate(iam)
    details = iam.call("GetAccountAuthorizationDetails")
    assert details["IsTruncated"] is False
    (user,) = details["UserDetailList"]
    assert user["UserName"] == "dana" and user["GroupList"] == ["ops"]
    assert user["UserPolicyList"] == [{"PolicyName": "own", "PolicyDocument": json.loads(allow())}]
    assert user["AttachedManagedPolicies"] == [{"PolicyName": "Reads", "PolicyArn": managed}]
    assert user["PermissionsBoundary"]["PermissionsBoundaryArn"] == managed
    (group,) = details["GroupDetailList"]
    assert group["AttachedManagedPolicies"][0]["PolicyArn"] == READ_ONLY
    (role,) = details["RoleDetailList"]
    assert role["AssumeRolePolicyDocument"] == json.loads(TRUST_POLICY)
    assert [p["InstanceProfileName"] for p in role["InstanceProfileList"]] == ["WebProfile"]
    policies = {p["Arn"]: p for p in details["Policies"]}
    # AWS managed policies appear when the account uses them.
    assert set(policies) == {managed, READ_ONLY}
    assert policies[managed]["AttachmentCount"] == 1
    assert policies[managed]["PermissionsBoundaryUsageCount"] == 1
    (version,) = policies[managed]["PolicyVersionList"]
    assert version["Document"] == json.loads(allow()) and version["IsDefaultVersion"] is True


def test_filter_and_paging(iam: InProcessIam) -> None:
    managed = populate(iam)
    only = iam.call("GetAccountAuthorizationDetails", Filter=["Role", "LocalManagedPolicy"])
    assert only["UserDetailList"] == [] and only["GroupDetailList"] == []
    assert [p["Arn"] for p in only["Policies"]] == [managed]
    pages, marker = [], None
    while True:
        params = {"MaxItems": 2, **({"Marker": marker} if marker else {})}
        answer = iam.call("GetAccountAuthorizationDetails", **params)
        pages.append(answer)
        if not answer["IsTruncated"]:
            break
        marker = answer["Marker"]
    assert len(pages) == 3
    names = [
        entry.get("UserName") or entry.get("GroupName") or entry.get("RoleName") or entry["Arn"]
        for answer in pages
        for key in ("UserDetailList", "GroupDetailList", "RoleDetailList", "Policies")
        for entry in answer[key]
    ]
    assert names == ["dana", "ops", "Web", READ_ONLY, managed]
    assert iam.error("GetAccountAuthorizationDetails", Filter=["Users"])[0] == "ValidationError"
    assert ACCOUNT in managed
