"""SimulatePrincipalPolicy gives users and groups the decisions request enforcement gives:
the same cases go to both — the simulator through IAM's API, enforcement through the
authorizer an IAM user's key gets — over inline, group, customer and AWS managed policies,
a permissions boundary, explicit denies and conditions."""

from __future__ import annotations

import json
from typing import Any

import pytest
from iam_harness import ACCOUNT, InProcessIam

from dynafed.auth.principal import Principal, UserContext
from dynafed.core.authorization import AuthorizationRequest
from dynafed.enforcement.authorizer import Authorizers
from dynafed.enforcement.context import RequestFacts
from dynafed.enforcement.policy_cache import CompiledPolicies
from dynafed.enforcement.role_cache import RoleCache
from dynafed.enforcement.user_cache import UserCache
from dynafed.errors import AccessDeniedException

TABLE = f"arn:aws:dynamodb:us-east-1:{ACCOUNT}:table"


def document(*statements: dict[str, Any]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def statement(effect: str, action: Any, resource: Any, **extra: Any) -> dict[str, Any]:
    return {"Effect": effect, "Action": action, "Resource": resource, **extra}


Case = tuple[str, str, dict[str, list[str]]]
"""(action, resource, the request's own condition keys)."""

CASES: list[Case] = [
    ("dynamodb:GetItem", f"{TABLE}/Games", {}),
    ("dynamodb:PutItem", f"{TABLE}/Games", {"dynamodb:LeadingKeys": ["carol"]}),
    ("dynamodb:PutItem", f"{TABLE}/Games", {"dynamodb:LeadingKeys": ["mallory"]}),
    ("dynamodb:DeleteItem", f"{TABLE}/Games", {}),
    ("dynamodb:Query", f"{TABLE}/Scores", {}),
    ("dynamodb:Scan", f"{TABLE}/Secrets", {}),
    ("dynamodb:DescribeTable", f"{TABLE}/Secrets", {}),
    ("dynamodb:ListTables", "*", {}),
    ("iam:ListUsers", "*", {}),
    ("iam:CreateUser", f"arn:aws:iam::{ACCOUNT}:user/x", {}),
    ("cognito-identity:ListIdentityPools", "*", {}),
    ("s3:GetObject", "arn:aws:s3:::bucket/key", {}),
]


@pytest.fixture
def account(iam: InProcessIam) -> InProcessIam:
    """carol: own inline policy and boundary; in `readers` (inline + AWS managed) and
    `writers` (a customer managed policy with a condition and a deny)."""
    iam.call("CreateUser", UserName="carol")
    iam.call(
        "PutUserPolicy",
        UserName="carol",
        PolicyName="own",
        PolicyDocument=document(
            statement("Allow", ["dynamodb:Query", "iam:ListUsers"], "*"),
            statement("Allow", "s3:GetObject", "*"),
        ),
    )
    boundary = iam.create_policy(
        "Boundary", document(statement("Allow", ["dynamodb:*", "iam:List*"], "*"))
    )["Arn"]
    iam.call("PutUserPermissionsBoundary", UserName="carol", PermissionsBoundary=boundary)
    iam.call("CreateGroup", GroupName="readers")
    iam.call(
        "AttachGroupPolicy",
        GroupName="readers",
        PolicyArn="arn:aws:iam::aws:policy/AmazonDynamoDBReadOnlyAccess",
    )
    iam.call(
        "PutGroupPolicy",
        GroupName="readers",
        PolicyName="no-secrets",
        PolicyDocument=document(statement("Deny", "dynamodb:Scan", f"{TABLE}/Secrets")),
    )
    writes = iam.create_policy(
        "OwnRows",
        document(
            statement(
                "Allow",
                "dynamodb:PutItem",
                f"{TABLE}/Games",
                Condition={
                    "ForAllValues:StringEquals": {"dynamodb:LeadingKeys": ["${aws:username}"]}
                },
            ),
            statement("Deny", "dynamodb:DeleteItem", "*"),
        ),
    )["Arn"]
    iam.call("CreateGroup", GroupName="writers")
    iam.call("AttachGroupPolicy", GroupName="writers", PolicyArn=writes)
    for group in ("readers", "writers"):
        iam.call("AddUserToGroup", GroupName=group, UserName="carol")
    iam.call("CreateUser", UserName="only-readers")
    iam.call("AddUserToGroup", GroupName="readers", UserName="only-readers")
    return iam


def enforcement_allows(iam: InProcessIam, user_name: str, case: Case) -> bool:
    user = iam.call("GetUser", UserName=user_name)["User"]
    principal = Principal(
        "AKIAEXAMPLEKEY000001",
        ACCOUNT,
        user["Arn"],
        user["UserId"],
        user=UserContext(user_name, user["UserId"], user["Path"]),
    )
    authorizers = Authorizers(
        RoleCache(iam.storage, iam.clock),
        CompiledPolicies(),
        iam.clock,
        RequestFacts("us-east-1"),
        users=UserCache(iam.storage, iam.clock),
    )
    action, resource, keys = case
    try:
        authorizers(principal).authorize([AuthorizationRequest(action, resource, keys)])
    except AccessDeniedException:
        return False
    return True


def simulator_allows(iam: InProcessIam, source_arn: str, user_name: str, case: Case) -> bool:
    action, resource, keys = case
    # The simulator knows only what it is told: the keys enforcement adds for the caller.
    entries = [
        {"ContextKeyName": name, "ContextKeyValues": values, "ContextKeyType": "stringList"}
        for name, values in {**keys, "aws:username": [user_name]}.items()
    ]
    results = iam.call(
        "SimulatePrincipalPolicy",
        PolicySourceArn=source_arn,
        ActionNames=[action],
        ResourceArns=[resource],
        ContextEntries=entries,
    )["EvaluationResults"]
    return bool(results[0]["EvalDecision"] == "allowed")


@pytest.mark.parametrize("case", CASES, ids=lambda case: f"{case[0]}-{case[2]}")
def test_a_user_is_simulated_as_enforced(account: InProcessIam, case: Case) -> None:
    arn = f"arn:aws:iam::{ACCOUNT}:user/carol"
    assert simulator_allows(account, arn, "carol", case) == enforcement_allows(
        account, "carol", case
    )


@pytest.mark.parametrize("case", CASES, ids=lambda case: f"{case[0]}-{case[2]}")
def test_a_group_is_simulated_as_its_only_member_is_enforced(
    account: InProcessIam, case: Case
) -> None:
    arn = f"arn:aws:iam::{ACCOUNT}:group/readers"
    assert simulator_allows(account, arn, "only-readers", case) == enforcement_allows(
        account, "only-readers", case
    )


def test_the_cases_exercise_both_answers(account: InProcessIam) -> None:
    decisions = {enforcement_allows(account, "carol", case) for case in CASES}
    assert decisions == {True, False}
    # Each mechanism decides at least one case: boundary, deny, condition, group policy.
    allowed = {
        case[0] + str(case[2]) for case in CASES if enforcement_allows(account, "carol", case)
    }
    assert "dynamodb:PutItem{'dynamodb:LeadingKeys': ['carol']}" in allowed
    assert "dynamodb:PutItem{'dynamodb:LeadingKeys': ['mallory']}" not in allowed
    assert "s3:GetObject{}" not in allowed  # allowed by its own policy, not by the boundary
    assert "dynamodb:Scan{}" not in allowed and "dynamodb:DeleteItem{}" not in allowed
    assert "dynamodb:GetItem{}" in allowed  # from the group's AWS managed policy


def test_matched_statements_name_their_sources(account: InProcessIam) -> None:
    result = account.call(
        "SimulatePrincipalPolicy",
        PolicySourceArn=f"arn:aws:iam::{ACCOUNT}:user/carol",
        ActionNames=["dynamodb:Scan"],
        ResourceArns=[f"{TABLE}/Secrets"],
    )["EvaluationResults"][0]
    assert result["EvalDecision"] == "explicitDeny"
    assert [(m["SourcePolicyId"], m["SourcePolicyType"]) for m in result["MatchedStatements"]] == [
        ("no-secrets", "group")
    ]
    granted = account.call(
        "SimulatePrincipalPolicy",
        PolicySourceArn=f"arn:aws:iam::{ACCOUNT}:group/readers",
        ActionNames=["dynamodb:GetItem"],
    )["EvaluationResults"][0]
    assert ("AmazonDynamoDBReadOnlyAccess", "aws-managed") in [
        (m["SourcePolicyId"], m["SourcePolicyType"]) for m in granted["MatchedStatements"]
    ]
    missing = account.error(
        "SimulatePrincipalPolicy",
        PolicySourceArn=f"arn:aws:iam::{ACCOUNT}:user/nobody",
        ActionNames=["dynamodb:GetItem"],
    )
    assert missing[0] == "NoSuchEntity"
