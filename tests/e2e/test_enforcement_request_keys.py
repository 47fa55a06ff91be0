"""Condition keys that describe how a request arrived: aws:SourceIp, aws:UserAgent,
aws:RequestedRegion (IAM User Guide, "AWS global condition context keys")."""

from __future__ import annotations

import json
import uuid
from typing import Any

import botocore.exceptions
import pytest

from tests.support.clients import client
from tests.support.server_process import ServerProcess


def _session_for(server: ServerProcess, iam: Any, sts: Any, condition: dict[str, Any]) -> Any:
    name = f"Arrival{uuid.uuid4().hex[:8]}"
    trust = {
        "Version": "2012-10-17",
        "Statement": [{
            "Effect": "Allow",
            "Principal": {"AWS": f"arn:aws:iam::{server.account_id}:root"},
            "Action": "sts:AssumeRole",
        }],
    }  # fmt: skip
    iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(trust))
    policy = {
        "Version": "2012-10-17",
        "Statement": [{
            "Effect": "Allow", "Action": "dynamodb:ListTables", "Resource": "*",
            "Condition": condition,
        }],
    }  # fmt: skip
    iam.put_role_policy(RoleName=name, PolicyName="arrival", PolicyDocument=json.dumps(policy))
    credentials = sts.assume_role(
        RoleArn=f"arn:aws:iam::{server.account_id}:role/{name}", RoleSessionName="probe"
    )["Credentials"]
    return client(
        server,
        "dynamodb",
        access_key=credentials["AccessKeyId"],
        secret_key=credentials["SecretAccessKey"],
        session_token=credentials["SessionToken"],
    )


def _denied(dynamodb: Any) -> str:
    with pytest.raises(botocore.exceptions.ClientError) as caught:
        dynamodb.list_tables()
    assert caught.value.response["Error"]["Code"] == "AccessDeniedException"
    return str(caught.value.response["Error"]["Message"])


def test_source_ip_is_the_callers_address(server: ServerProcess, iam: Any, sts: Any) -> None:
    loopback = _session_for(server, iam, sts, {"IpAddress": {"aws:SourceIp": "127.0.0.0/8"}})
    assert "TableNames" in loopback.list_tables()
    elsewhere = _session_for(server, iam, sts, {"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}})
    assert "because no identity-based policy allows" in _denied(elsewhere)


def test_requested_region_is_the_signing_region(server: ServerProcess, iam: Any, sts: Any) -> None:
    same = _session_for(server, iam, sts, {"StringEquals": {"aws:RequestedRegion": server.region}})
    assert "TableNames" in same.list_tables()
    other = _session_for(server, iam, sts, {"StringEquals": {"aws:RequestedRegion": "eu-west-3"}})
    _denied(other)


def test_user_agent_is_the_clients(server: ServerProcess, iam: Any, sts: Any) -> None:
    boto = _session_for(server, iam, sts, {"StringLike": {"aws:UserAgent": "*Boto3/*"}})
    assert "TableNames" in boto.list_tables()
    browser = _session_for(server, iam, sts, {"StringLike": {"aws:UserAgent": "Mozilla/*"}})
    _denied(browser)
