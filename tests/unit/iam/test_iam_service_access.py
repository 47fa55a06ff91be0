"""ListPoliciesGrantingServiceAccess: the identity policies of a user (with its groups'),
group or role that allow some action of each service asked about."""

from __future__ import annotations

import json

from iam_harness import ACCOUNT, InProcessIam

READ_ONLY = "arn:aws:iam::aws:policy/AmazonDynamoDBReadOnlyAccess"


def document(effect: str, element: str, actions: list[str]) -> str:
    statement = {"Effect": effect, element: actions, "Resource": "*"}
    return json.dumps({"Version": "2012-10-17", "Statement": [statement]})


def test_policies_granting_each_service(iam: InProcessIam) -> None:
    iam.call("CreateUser", UserName="u")
    iam.call(
        "PutUserPolicy",
        UserName="u",
        PolicyName="reads",
        PolicyDocument=document("Allow", "Action", ["dynamodb:Get*"]),
    )
    iam.call(
        "PutUserPolicy",
        UserName="u",
        PolicyName="denies",
        PolicyDocument=document("Deny", "Action", ["cognito-identity:*"]),
    )
    iam.call(
        "PutUserPolicy",
        UserName="u",
        PolicyName="all-but-iam",
        PolicyDocument=document("Allow", "NotAction", ["iam:*"]),
    )
    iam.call("CreateGroup", GroupName="g")
    iam.call("AttachGroupPolicy", GroupName="g", PolicyArn=READ_ONLY)
    iam.call("AddUserToGroup", GroupName="g", UserName="u")
    answer = iam.call(
        "ListPoliciesGrantingServiceAccess",
        Arn=f"arn:aws:iam::{ACCOUNT}:user/u",
        ServiceNamespaces=["dynamodb", "iam", "cognito-identity"],
    )["PoliciesGrantingServiceAccess"]
    by_service = {
        entry["ServiceNamespace"]: {(p["PolicyName"], p["EntityType"]) for p in entry["Policies"]}
        for entry in answer
    }
    assert by_service["dynamodb"] == {
        ("reads", "USER"),
        ("all-but-iam", "USER"),
        ("AmazonDynamoDBReadOnlyAccess", "GROUP"),
    }
    # The AWS managed read-only policy also allows iam:GetRole and iam:ListRoles.
    assert by_service["iam"] == {("AmazonDynamoDBReadOnlyAccess", "GROUP")}
    assert by_service["cognito-identity"] == {("all-but-iam", "USER")}
    (managed,) = [p for p in answer[0]["Policies"] if p["PolicyType"] == "MANAGED"]
    assert managed["PolicyArn"] == READ_ONLY and managed["EntityName"] == "g"
    missing = iam.error(
        "ListPoliciesGrantingServiceAccess",
        Arn=f"arn:aws:iam::{ACCOUNT}:role/nobody",
        ServiceNamespaces=["dynamodb"],
    )
    assert missing[0] == "NoSuchEntity"
