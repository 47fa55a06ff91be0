"""Roles the admin creates and assumes with STS AssumeRole: the quickest way to hold a
role session in an attack test (the web-identity path has its own suite)."""

from __future__ import annotations

import json
from typing import Any

from tests.support.clients import client
from tests.support.server_process import ServerProcess


def document(*statements: dict[str, Any]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def create_role(server: ServerProcess, name: str, *statements: dict[str, Any]) -> dict[str, Any]:
    """A role the account's admin may assume, with `statements` as its inline policy."""
    iam = client(server, "iam")
    trust = document(
        {
            "Effect": "Allow",
            "Principal": {"AWS": f"arn:aws:iam::{server.account_id}:root"},
            "Action": "sts:AssumeRole",
        }
    )
    role: dict[str, Any] = iam.create_role(RoleName=name, AssumeRolePolicyDocument=trust)["Role"]
    if statements:
        iam.put_role_policy(
            RoleName=name, PolicyName="Permissions", PolicyDocument=document(*statements)
        )
    return role


def session_client(
    server: ServerProcess, role_arn: str, service: str, **assume: Any
) -> tuple[Any, dict[str, Any]]:
    """A `service` client holding a fresh session of `role_arn`, and the AssumeRole answer."""
    answer = client(server, "sts").assume_role(
        RoleArn=role_arn, RoleSessionName="attacker", **assume
    )
    credentials = answer["Credentials"]
    session = client(
        server,
        service,
        access_key=credentials["AccessKeyId"],
        secret_key=credentials["SecretAccessKey"],
        session_token=credentials["SessionToken"],
    )
    return session, answer
