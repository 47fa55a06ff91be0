"""SimulateCustomPolicy / SimulatePrincipalPolicy (IAM API reference; the first two cases are
the AWS CLI reference examples for `aws iam simulate-custom-policy`, answers included)."""

from __future__ import annotations

import json

from iam_harness import ACCOUNT, InProcessIam, allow

DATE_POLICY = (
    '{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"dynamodb:*",'
    '"Resource":"*","Condition":{"DateGreaterThan":{"aws:CurrentTime":"2018-08-16T12:00:00Z"}}}}'
)
TABLE = f"arn:aws:dynamodb:us-east-1:{ACCOUNT}:table/GameScores"
GAME_POLICY = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "OwnItems",
                "Effect": "Allow",
                "Action": ["dynamodb:GetItem", "dynamodb:Query"],
                "Resource": TABLE,
                "Condition": {
                    "ForAllValues:StringEquals": {
                        "dynamodb:LeadingKeys": ["${www.amazon.com:user_id}"]
                    }
                },
            }
        ],
    },
    indent=2,
)


def context(name: str, values: list[str], kind: str) -> dict[str, object]:
    return {"ContextKeyName": name, "ContextKeyValues": values, "ContextKeyType": kind}


def simulate(iam: InProcessIam, **params: object) -> list[dict[str, object]]:
    results: list[dict[str, object]] = iam.call("SimulateCustomPolicy", **params)[
        "EvaluationResults"
    ]
    return results


def test_aws_cli_example_allowed_with_positions(iam: InProcessIam) -> None:
    (result,) = simulate(
        iam,
        PolicyInputList=[DATE_POLICY],
        ActionNames=["dynamodb:CreateBackup"],
        ContextEntries=[context("aws:CurrentTime", ["2019-04-25T11:00:00Z"], "date")],
    )
    assert result == {
        "EvalActionName": "dynamodb:CreateBackup",
        "EvalResourceName": "*",
        "EvalDecision": "allowed",
        "MatchedStatements": [
            {
                "SourcePolicyId": "PolicyInputList.1",
                "StartPosition": {"Line": 1, "Column": 38},
                "EndPosition": {"Line": 1, "Column": 167},
            }
        ],
        "MissingContextValues": [],
    }


def test_aws_cli_example_implicit_deny(iam: InProcessIam) -> None:
    (result,) = simulate(
        iam,
        PolicyInputList=[DATE_POLICY],
        ActionNames=["dynamodb:CreateBackup"],
        ContextEntries=[context("aws:CurrentTime", ["2014-04-25T11:00:00Z"], "date")],
    )
    assert result["EvalDecision"] == "implicitDeny"
    assert result["MatchedStatements"] == []
    assert result["MissingContextValues"] == []


def test_missing_context_values_are_named(iam: InProcessIam) -> None:
    (result,) = simulate(iam, PolicyInputList=[DATE_POLICY], ActionNames=["dynamodb:GetItem"])
    assert result["EvalDecision"] == "implicitDeny"
    assert result["MissingContextValues"] == ["aws:CurrentTime"]


def test_explicit_deny_reports_only_the_deny(iam: InProcessIam) -> None:
    deny = json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {"Effect": "Allow", "Action": "dynamodb:*", "Resource": "*"},
                {"Effect": "Deny", "Action": "dynamodb:DeleteTable", "Resource": "*"},
            ],
        }
    )
    results = simulate(
        iam, PolicyInputList=[deny], ActionNames=["dynamodb:DeleteTable", "dynamodb:GetItem"]
    )
    assert [r["EvalDecision"] for r in results] == ["explicitDeny", "allowed"]
    (matched,) = results[0]["MatchedStatements"]  # type: ignore[misc]
    # One line: the column just after the Deny statement's "{" (0-based offset + 2).
    assert matched["StartPosition"] == {"Line": 1, "Column": deny.index('{"Effect": "Deny') + 2}


def test_fine_grained_leading_keys_with_string_lists(iam: InProcessIam) -> None:
    user = context("www.amazon.com:user_id", ["amzn1.account.U"], "string")
    own = simulate(
        iam,
        PolicyInputList=[GAME_POLICY],
        ActionNames=["dynamodb:GetItem"],
        ResourceArns=[TABLE],
        ContextEntries=[user, context("dynamodb:LeadingKeys", ["amzn1.account.U"], "stringList")],
    )[0]
    other = simulate(
        iam,
        PolicyInputList=[GAME_POLICY],
        ActionNames=["dynamodb:GetItem"],
        ResourceArns=[TABLE],
        ContextEntries=[user, context("dynamodb:LeadingKeys", ["amzn1.account.O"], "stringList")],
    )[0]
    assert own["EvalDecision"] == "allowed"
    assert own["MatchedStatements"][0]["StartPosition"] == {"Line": 4, "Column": 6}  # type: ignore[index]
    assert own["EvalDecisionDetails"] == {}
    assert other["EvalDecision"] == "implicitDeny"


def test_one_result_per_action_and_resource_with_paging(iam: InProcessIam) -> None:
    answer = iam.call(
        "SimulateCustomPolicy",
        PolicyInputList=[allow("dynamodb:*", TABLE)],
        ActionNames=["dynamodb:GetItem", "dynamodb:PutItem"],
        ResourceArns=[TABLE, TABLE + "2"],
        MaxItems=3,
    )
    pairs = [(r["EvalActionName"], r["EvalDecision"]) for r in answer["EvaluationResults"]]
    assert pairs == [
        ("dynamodb:GetItem", "allowed"),
        ("dynamodb:GetItem", "implicitDeny"),
        ("dynamodb:PutItem", "allowed"),
    ]
    assert answer["IsTruncated"] is True
    rest = iam.call(
        "SimulateCustomPolicy",
        PolicyInputList=[allow("dynamodb:*", TABLE)],
        ActionNames=["dynamodb:GetItem", "dynamodb:PutItem"],
        ResourceArns=[TABLE, TABLE + "2"],
        Marker=answer["Marker"],
    )
    assert [r["EvalResourceName"] for r in rest["EvaluationResults"]] == [TABLE + "2"]


def test_permissions_boundary_input(iam: InProcessIam) -> None:
    results = simulate(
        iam,
        PolicyInputList=[allow("dynamodb:*")],
        PermissionsBoundaryPolicyInputList=[allow("dynamodb:GetItem")],
        ActionNames=["dynamodb:GetItem", "dynamodb:PutItem"],
    )
    assert [r["EvalDecision"] for r in results] == ["allowed", "implicitDeny"]
    assert [r["PermissionsBoundaryDecisionDetail"] for r in results] == [
        {"AllowedByPermissionsBoundary": True},
        {"AllowedByPermissionsBoundary": False},
    ]


def test_bad_inputs(iam: InProcessIam) -> None:
    assert (
        iam.error("SimulateCustomPolicy", PolicyInputList=["{"], ActionNames=["s3:GetObject"])[0]
        == "MalformedPolicyDocument"
    )
    code, message, _ = iam.error(
        "SimulateCustomPolicy",
        PolicyInputList=[allow()],
        ActionNames=["dynamodb:GetItem"],
        ContextEntries=[context("aws:EpochTime", ["soon"], "numeric")],
    )
    assert code == "InvalidInput" and "aws:EpochTime" in message


def test_principal_policy_of_a_role(iam: InProcessIam) -> None:
    iam.create_role("GameRole")
    iam.call("PutRolePolicy", RoleName="GameRole", PolicyName="Game", PolicyDocument=GAME_POLICY)
    managed = iam.create_policy("Writes", allow("dynamodb:PutItem", TABLE))["Arn"]
    iam.call("AttachRolePolicy", RoleName="GameRole", PolicyArn=managed)
    boundary = iam.create_policy("Boundary", allow("dynamodb:GetItem"))["Arn"]
    iam.call("PutRolePermissionsBoundary", RoleName="GameRole", PermissionsBoundary=boundary)
    answer = iam.call(
        "SimulatePrincipalPolicy",
        PolicySourceArn=f"arn:aws:iam::{ACCOUNT}:role/GameRole",
        ActionNames=["dynamodb:GetItem", "dynamodb:PutItem"],
        ResourceArns=[TABLE],
        ContextEntries=[
            context("www.amazon.com:user_id", ["U"], "string"),
            context("dynamodb:LeadingKeys", ["U"], "stringList"),
        ],
    )
    get, put = answer["EvaluationResults"]
    assert get["EvalDecision"] == "allowed"
    assert get["MatchedStatements"][0]["SourcePolicyId"] == "Game"
    assert get["MatchedStatements"][0]["SourcePolicyType"] == "role"
    assert put["EvalDecision"] == "implicitDeny"  # allowed by Writes, not by the boundary
    assert put["PermissionsBoundaryDecisionDetail"] == {"AllowedByPermissionsBoundary": False}
    assert {m["SourcePolicyId"] for m in put["MatchedStatements"]} == {"Writes"}
    assert put["MatchedStatements"][0]["SourcePolicyType"] == "user-managed"


def test_principal_policy_of_a_missing_role(iam: InProcessIam) -> None:
    assert iam.error(
        "SimulatePrincipalPolicy",
        PolicySourceArn=f"arn:aws:iam::{ACCOUNT}:role/Nope",
        ActionNames=["s3:GetObject"],
    ) == ("NoSuchEntity", "The role with name Nope cannot be found.", 404)
