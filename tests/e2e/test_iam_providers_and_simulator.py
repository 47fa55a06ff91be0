"""OIDC providers, the policy simulator and boundaries through the real server (boto3 + CLI)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from typing import Any

import pytest

from tests.support.clients import aws_cli_env
from tests.support.server_process import ServerProcess

pytestmark = pytest.mark.e2e

TABLE = "arn:aws:dynamodb:us-east-1:123456789012:table/GameScores"
GAME_POLICY = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Action": ["dynamodb:GetItem", "dynamodb:Query"],
                "Resource": TABLE,
                "Condition": {
                    "ForAllValues:StringEquals": {"dynamodb:LeadingKeys": ["${idp:sub}"]}
                },
            }
        ],
    }
)


def test_loopback_oidc_provider_lifecycle(iam: Any, server: ServerProcess) -> None:
    port = 40000 + uuid.uuid4().int % 20000
    url = f"http://127.0.0.1:{port}/idp"
    arn = iam.create_open_id_connect_provider(Url=url, ClientIDList=["app"])[
        "OpenIDConnectProviderArn"
    ]
    assert arn == f"arn:aws:iam::{server.account_id}:oidc-provider/127.0.0.1:{port}/idp"
    iam.add_client_id_to_open_id_connect_provider(OpenIDConnectProviderArn=arn, ClientID="web")
    provider = iam.get_open_id_connect_provider(OpenIDConnectProviderArn=arn)
    assert provider["Url"] == f"127.0.0.1:{port}/idp"
    assert provider["ClientIDList"] == ["app", "web"]
    assert {"Arn": arn} in iam.list_open_id_connect_providers()["OpenIDConnectProviderList"]
    iam.delete_open_id_connect_provider(OpenIDConnectProviderArn=arn)
    with pytest.raises(iam.exceptions.NoSuchEntityException):
        iam.get_open_id_connect_provider(OpenIDConnectProviderArn=arn)


def test_plain_http_to_a_public_host_is_refused(iam: Any) -> None:
    with pytest.raises(iam.exceptions.ClientError) as caught:
        iam.create_open_id_connect_provider(Url="http://idp.example.com", ClientIDList=["a"])
    assert caught.value.response["Error"] == {
        "Type": "Sender",
        "Code": "ValidationError",
        "Message": "Invalid Open ID Connect Provider URL",
    }


def test_simulate_custom_policy_with_fine_grained_keys(iam: Any) -> None:
    def decide(leading_key: str) -> dict[str, Any]:
        result: dict[str, Any] = iam.simulate_custom_policy(
            PolicyInputList=[GAME_POLICY],
            ActionNames=["dynamodb:GetItem"],
            ResourceArns=[TABLE],
            ContextEntries=[
                {
                    "ContextKeyName": "idp:sub",
                    "ContextKeyValues": ["u1"],
                    "ContextKeyType": "string",
                },
                {
                    "ContextKeyName": "dynamodb:LeadingKeys",
                    "ContextKeyValues": [leading_key],
                    "ContextKeyType": "stringList",
                },
            ],
        )["EvaluationResults"][0]
        return result

    own, other = decide("u1"), decide("u2")
    assert own["EvalDecision"] == "allowed"
    assert own["MatchedStatements"][0]["SourcePolicyId"] == "PolicyInputList.1"
    assert other["EvalDecision"] == "implicitDeny"
    assert other["MatchedStatements"] == []


def test_simulate_principal_policy_sees_the_boundary(iam: Any, server: ServerProcess) -> None:
    role = f"Sim-{uuid.uuid4().hex[:8]}"
    trust = json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"Federated": "cognito-identity.amazonaws.com"},
                    "Action": "sts:AssumeRoleWithWebIdentity",
                }
            ],
        }
    )
    everything = json.dumps(
        {"Version": "2012-10-17",
         "Statement": [{"Effect": "Allow", "Action": "dynamodb:*", "Resource": "*"}]}
    )  # fmt: skip
    reads_only = everything.replace("dynamodb:*", "dynamodb:GetItem")
    boundary = iam.create_policy(PolicyName=f"{role}-b", PolicyDocument=reads_only)["Policy"]
    iam.create_role(RoleName=role, AssumeRolePolicyDocument=trust,
                    PermissionsBoundary=boundary["Arn"])  # fmt: skip
    iam.put_role_policy(RoleName=role, PolicyName="all", PolicyDocument=everything)
    results = iam.simulate_principal_policy(
        PolicySourceArn=f"arn:aws:iam::{server.account_id}:role/{role}",
        ActionNames=["dynamodb:GetItem", "dynamodb:DeleteTable"],
    )["EvaluationResults"]
    decisions = {r["EvalActionName"]: r["EvalDecision"] for r in results}
    assert decisions == {"dynamodb:GetItem": "allowed", "dynamodb:DeleteTable": "implicitDeny"}
    assert results[1]["PermissionsBoundaryDecisionDetail"] == {
        "AllowedByPermissionsBoundary": False
    }


def test_aws_cli_simulate_custom_policy_reference_example(server: ServerProcess) -> None:
    """The AWS CLI reference's own example, answer included (positions 1:38-1:167)."""
    cli = os.path.join(os.path.dirname(sys.executable), "aws")
    policy = (
        '{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"dynamodb:*",'
        '"Resource":"*","Condition":{"DateGreaterThan":{"aws:CurrentTime":'
        '"2018-08-16T12:00:00Z"}}}}'
    )
    shown = subprocess.run(
        [cli, "--endpoint-url", server.endpoint, "--output", "json", "iam",
         "simulate-custom-policy", "--policy-input-list", policy,
         "--action-names", "dynamodb:CreateBackup", "--context-entries",
         "ContextKeyName='aws:CurrentTime',ContextKeyValues='2019-04-25T11:00:00Z',"
         "ContextKeyType=date"],
        env=aws_cli_env(server), check=True, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert json.loads(shown.stdout) == {
        "EvaluationResults": [
            {
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
        ]
    }
