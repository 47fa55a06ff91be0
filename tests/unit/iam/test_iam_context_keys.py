"""GetContextKeysForCustomPolicy / GetContextKeysForPrincipalPolicy: the condition keys
and policy variables the policies reference, once each, as written."""

from __future__ import annotations

import json

from iam_harness import ACCOUNT, InProcessIam

TABLE = f"arn:aws:dynamodb:us-east-1:{ACCOUNT}:table/Games"


def document(**condition: dict[str, object]) -> str:
    statement = {
        "Effect": "Allow",
        "Action": "dynamodb:GetItem",
        "Resource": TABLE + "/${aws:username}",
        "Condition": condition,
    }
    return json.dumps({"Version": "2012-10-17", "Statement": [statement]})


def test_custom_policies(iam: InProcessIam) -> None:
    first = document(
        StringEquals={"aws:PrincipalTag/team": "db", "AWS:SourceIp": "${aws:SourceIp}"}
    )
    second = document(Bool={"aws:SecureTransport": "true", "aws:sourceip": "10.0.0.1"})
    names = iam.call("GetContextKeysForCustomPolicy", PolicyInputList=[first, second])
    assert names["ContextKeyNames"] == [
        "aws:PrincipalTag/team",
        "AWS:SourceIp",
        "aws:username",
        "aws:SecureTransport",
    ]
    bad = iam.error("GetContextKeysForCustomPolicy", PolicyInputList=["{"])
    assert bad[0] == "MalformedPolicyDocument"


def test_principal_policies_include_groups_and_the_boundary(iam: InProcessIam) -> None:
    iam.call("CreateUser", UserName="u")
    iam.call(
        "PutUserPolicy",
        UserName="u",
        PolicyName="own",
        PolicyDocument=document(StringEquals={"dynamodb:Select": "SPECIFIC_ATTRIBUTES"}),
    )
    iam.call("CreateGroup", GroupName="g")
    iam.call(
        "PutGroupPolicy",
        GroupName="g",
        PolicyName="grp",
        PolicyDocument=document(**{"ForAllValues:StringEquals": {"dynamodb:LeadingKeys": ["x"]}}),
    )
    iam.call("AddUserToGroup", GroupName="g", UserName="u")
    boundary = iam.create_policy("B", document(DateLessThan={"aws:CurrentTime": "2030-01-01"}))
    iam.call("PutUserPermissionsBoundary", UserName="u", PermissionsBoundary=boundary["Arn"])
    names = iam.call(
        "GetContextKeysForPrincipalPolicy",
        PolicySourceArn=f"arn:aws:iam::{ACCOUNT}:user/u",
        PolicyInputList=[document(StringLike={"aws:UserAgent": "boto3*"})],
    )["ContextKeyNames"]
    assert names == [
        "dynamodb:Select",
        "aws:username",
        "dynamodb:LeadingKeys",
        "aws:CurrentTime",
        "aws:UserAgent",
    ]
    group = iam.call(
        "GetContextKeysForPrincipalPolicy", PolicySourceArn=f"arn:aws:iam::{ACCOUNT}:group/g"
    )
    assert group["ContextKeyNames"] == ["dynamodb:LeadingKeys", "aws:username"]
