"""`dynafed apply` against a running server: create, converge, report, stay idempotent."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.support.clients import client
from tests.support.server_process import ServerProcess

pytestmark = pytest.mark.e2e


def run_apply(server: ServerProcess, path: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "DYNAFED_ADMIN_ACCESS_KEY_ID": server.access_key,
        "DYNAFED_ADMIN_SECRET_ACCESS_KEY": server.secret_key,
        "AWS_CONFIG_FILE": "/dev/null",
        "AWS_SHARED_CREDENTIALS_FILE": "/dev/null",
    }
    return subprocess.run(
        [sys.executable, "-m", "dynafed.cli", "apply", str(path),
         "--endpoint-url", server.endpoint, "--region", server.region, *extra],
        env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip


def declaration(suffix: str, account: str) -> dict[str, Any]:
    issuer = f"http://127.0.0.1:4{int(suffix, 16) % 1000:03d}/idp-{suffix}"
    provider_key = issuer.split("://", 1)[1]
    table = f"Scores-{suffix}"
    return {
        "oidc_providers": [{"url": issuer, "client_ids": ["game-app"]}],
        "managed_policies": [
            {
                "name": f"Boundary-{suffix}",
                "document": {
                    "Version": "2012-10-17",
                    "Statement": [{"Effect": "Allow", "Action": "dynamodb:*", "Resource": "*"}],
                },
            },
            {
                "name": f"Reads-{suffix}",
                "path": "/game/",
                "document": {
                    "Version": "2012-10-17",
                    "Statement": [{"Effect": "Allow", "Action": "dynamodb:Query", "Resource": "*"}],
                },
            },
        ],
        "roles": [
            {
                "name": f"GameRole-{suffix}",
                "max_session_duration": 7200,
                "trust_policy": {
                    "Version": "2012-10-17",
                    "Statement": [
                        {
                            "Effect": "Allow",
                            "Principal": {
                                "Federated": f"arn:aws:iam::{account}:oidc-provider/{provider_key}"
                            },
                            "Action": "sts:AssumeRoleWithWebIdentity",
                            "Condition": {"StringEquals": {f"{provider_key}:aud": "game-app"}},
                        }
                    ],
                },
                "inline_policies": {
                    "OwnItems": {
                        "Version": "2012-10-17",
                        "Statement": [
                            {
                                "Effect": "Allow",
                                "Action": ["dynamodb:GetItem", "dynamodb:PutItem"],
                                "Resource": f"arn:aws:dynamodb:*:{account}:table/{table}",
                                "Condition": {
                                    "ForAllValues:StringEquals": {
                                        "dynamodb:LeadingKeys": [f"${{{provider_key}:sub}}"]
                                    }
                                },
                            }
                        ],
                    }
                },
                "managed_policies": [f"Reads-{suffix}"],
                "permissions_boundary": f"Boundary-{suffix}",
                "tags": {"team": "game"},
            }
        ],
        "tables": [
            {
                "TableName": table,
                "KeySchema": [{"AttributeName": "UserId", "KeyType": "HASH"}],
                "AttributeDefinitions": [{"AttributeName": "UserId", "AttributeType": "S"}],
                "BillingMode": "PAY_PER_REQUEST",
            }
        ],
    }


def test_apply_creates_then_reports_no_changes(
    server: ServerProcess, iam: Any, dynamodb: Any, tmp_path: Path
) -> None:
    suffix = uuid.uuid4().hex[:6]
    spec = declaration(suffix, server.account_id)
    path = tmp_path / "dynafed.yaml"
    path.write_text(yaml.safe_dump(spec, sort_keys=False))

    first = run_apply(server, path)
    assert first.returncode == 0, first.stdout + first.stderr
    lines = first.stdout.splitlines()
    assert all(line.endswith(": created") for line in lines[:-1]), first.stdout
    assert lines[-1] == "5 created, 0 changed, 0 unchanged."

    role_name = f"GameRole-{suffix}"
    role = iam.get_role(RoleName=role_name)["Role"]
    assert role["MaxSessionDuration"] == 7200
    assert role["PermissionsBoundary"]["PermissionsBoundaryArn"].endswith(f"Boundary-{suffix}")
    assert role["Tags"] == [{"Key": "team", "Value": "game"}]
    attached = iam.list_attached_role_policies(RoleName=role_name)["AttachedPolicies"]
    assert [p["PolicyArn"] for p in attached] == [
        f"arn:aws:iam::{server.account_id}:policy/game/Reads-{suffix}"
    ]
    inline = iam.get_role_policy(RoleName=role_name, PolicyName="OwnItems")["PolicyDocument"]
    assert inline == spec["roles"][0]["inline_policies"]["OwnItems"]
    assert dynamodb.describe_table(TableName=f"Scores-{suffix}")["Table"]["KeySchema"] == [
        {"AttributeName": "UserId", "KeyType": "HASH"}
    ]

    second = run_apply(server, path)
    assert second.returncode == 0, second.stdout + second.stderr
    assert second.stdout.splitlines()[-1] == "No changes: all 5 objects are up to date."
    assert all(line.endswith(": unchanged") for line in second.stdout.splitlines()[:-1])


def test_apply_converges_changes_and_dry_run_changes_nothing(
    server: ServerProcess, iam: Any, tmp_path: Path
) -> None:
    suffix = uuid.uuid4().hex[:6]
    spec = declaration(suffix, server.account_id)
    path = tmp_path / "dynafed.json"  # JSON is accepted as well
    path.write_text(json.dumps(spec))
    assert run_apply(server, path).returncode == 0

    role = spec["roles"][0]
    role["inline_policies"]["OwnItems"]["Statement"][0]["Action"] = "dynamodb:GetItem"
    role["managed_policies"] = []
    role["tags"] = {"team": "arcade"}
    spec["oidc_providers"][0]["client_ids"] = ["game-app", "web-app"]
    spec["managed_policies"][1]["document"]["Statement"][0]["Action"] = "dynamodb:Scan"
    path.write_text(json.dumps(spec))

    dry = run_apply(server, path, "--dry-run")
    assert dry.returncode == 0, dry.stdout + dry.stderr
    assert f"role GameRole-{suffix}: would change" in dry.stdout
    assert dry.stdout.splitlines()[-1] == "0 would be created, 3 would be changed, 2 unchanged."
    assert iam.list_attached_role_policies(RoleName=f"GameRole-{suffix}")["AttachedPolicies"]

    applied = run_apply(server, path)
    assert applied.returncode == 0, applied.stdout + applied.stderr
    assert "add client id web-app" in applied.stdout
    assert "inline policy OwnItems" in applied.stdout
    assert applied.stdout.splitlines()[-1] == "0 created, 3 changed, 2 unchanged."
    assert iam.list_attached_role_policies(RoleName=f"GameRole-{suffix}")["AttachedPolicies"] == []
    reads = f"arn:aws:iam::{server.account_id}:policy/game/Reads-{suffix}"
    assert iam.get_policy(PolicyArn=reads)["Policy"]["DefaultVersionId"] == "v2"

    again = run_apply(server, path)
    assert again.stdout.splitlines()[-1] == "No changes: all 5 objects are up to date."


def test_apply_rejects_unknown_keys(server: ServerProcess, tmp_path: Path) -> None:
    path = tmp_path / "typo.yaml"
    path.write_text("roles:\n  - name: R\n    trust_polcy: {}\n")
    result = run_apply(server, path)
    assert result.returncode == 2
    assert "roles[0]: unknown key(s) trust_polcy" in result.stderr


def test_apply_reports_a_change_only_after_the_server_accepted_it(
    server: ServerProcess, tmp_path: Path
) -> None:
    # The first table is created; the server refuses the second (its key names an attribute
    # it does not define): it must not read as created, and nothing after it runs.
    suffix = uuid.uuid4().hex[:8]
    good = {
        "TableName": f"Good-{suffix}",
        "KeySchema": [{"AttributeName": "k", "KeyType": "HASH"}],
        "AttributeDefinitions": [{"AttributeName": "k", "AttributeType": "S"}],
        "BillingMode": "PAY_PER_REQUEST",
    }
    refused = {**good, "TableName": f"Refused-{suffix}",
               "KeySchema": [{"AttributeName": "missing", "KeyType": "HASH"}]}  # fmt: skip
    after = {**good, "TableName": f"After-{suffix}"}
    path = tmp_path / "refused.json"
    path.write_text(json.dumps({"tables": [good, refused, after]}))
    result = run_apply(server, path)
    assert result.returncode == 1, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == f"table Good-{suffix}: created"
    assert lines[1].startswith(f"table Refused-{suffix}: create failed: ValidationException: ")
    assert len(lines) == 2, result.stdout
    assert f"Refused-{suffix}: created" not in result.stdout


def test_apply_honours_the_aws_environment_the_banner_exports(
    server: ServerProcess, tmp_path: Path
) -> None:
    """Run from any directory with the variables `dynafed serve` prints exported, as any AWS
    tool would be: no data directory, no dynafed-specific variable, no flag."""
    spec = tmp_path / "declared.json"
    table = {
        "TableName": "FromTheEnvironment",
        "AttributeDefinitions": [{"AttributeName": "Id", "AttributeType": "S"}],
        "KeySchema": [{"AttributeName": "Id", "KeyType": "HASH"}],
        "BillingMode": "PAY_PER_REQUEST",
    }
    spec.write_text(json.dumps({"tables": [table]}))
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "DYNAFED_"))}
    env.update(
        {
            "AWS_ENDPOINT_URL": server.endpoint,
            "AWS_REGION": server.region,
            "AWS_ACCESS_KEY_ID": server.access_key,
            "AWS_SECRET_ACCESS_KEY": server.secret_key,
            "AWS_CONFIG_FILE": "/dev/null",
            "AWS_SHARED_CREDENTIALS_FILE": "/dev/null",
        }
    )
    result = subprocess.run(
        [sys.executable, "-m", "dynafed.cli", "apply", str(spec)],
        env=env, cwd=tmp_path, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert not (tmp_path / ".dynafed").exists()
    tables = client(server, "dynamodb").list_tables()["TableNames"]
    assert "FromTheEnvironment" in tables


def people(suffix: str) -> dict[str, Any]:
    """Groups, users with keys, and an instance profile around a role."""
    read_only = "arn:aws:iam::aws:policy/AmazonDynamoDBReadOnlyAccess"
    trust = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": "ec2.amazonaws.com"},
                "Action": "sts:AssumeRole",
            }
        ],
    }
    return {
        "roles": [{"name": f"Web-{suffix}", "trust_policy": trust}],
        "instance_profiles": [{"name": f"WebProfile-{suffix}", "role": f"Web-{suffix}"}],
        "groups": [
            {
                "name": f"readers-{suffix}",
                "path": "/teams/",
                "managed_policies": [read_only],
                "inline_policies": {
                    "list": {
                        "Version": "2012-10-17",
                        "Statement": [
                            {"Effect": "Allow", "Action": "dynamodb:ListTables", "Resource": "*"}
                        ],
                    }
                },
            }
        ],
        "users": [
            {
                "name": f"ci-{suffix}",
                "groups": [f"readers-{suffix}"],
                "tags": {"purpose": "ci"},
                "access_key": True,
            },
            {"name": f"ops-{suffix}", "path": "/ops/"},
        ],
    }


def test_apply_declares_groups_users_keys_and_instance_profiles(
    server: ServerProcess, iam: Any, tmp_path: Path
) -> None:
    suffix = uuid.uuid4().hex[:6]
    path = tmp_path / "people.yaml"
    path.write_text(yaml.safe_dump(people(suffix), sort_keys=False))
    keys_file = tmp_path / "keys.jsonl"

    first = run_apply(server, path, "--keys-file", str(keys_file))
    assert first.returncode == 0, first.stdout + first.stderr
    assert first.stdout.splitlines()[-1] == "5 created, 0 changed, 0 unchanged."
    assert oct(keys_file.stat().st_mode & 0o777) == "0o600"
    (record,) = [json.loads(line) for line in keys_file.read_text().splitlines()]
    assert record["UserName"] == f"ci-{suffix}"
    assert record["SecretAccessKey"] not in first.stdout  # the secret went to the file only
    assert record["AccessKeyId"] in first.stdout

    # The key works, with the group's AWS managed policy and inline policy.
    ci = client(
        server,
        "dynamodb",
        access_key=record["AccessKeyId"],
        secret_key=record["SecretAccessKey"],
    )
    assert isinstance(ci.list_tables()["TableNames"], list)
    profile = iam.get_instance_profile(InstanceProfileName=f"WebProfile-{suffix}")
    assert [r["RoleName"] for r in profile["InstanceProfile"]["Roles"]] == [f"Web-{suffix}"]
    assert iam.get_user(UserName=f"ops-{suffix}")["User"]["Path"] == "/ops/"

    second = run_apply(server, path, "--keys-file", str(keys_file))
    assert second.stdout.splitlines()[-1] == "No changes: all 5 objects are up to date."
    assert len(keys_file.read_text().splitlines()) == 1  # no second key

    # Leaving the group in the file takes the user out of it on the server.
    changed = people(suffix)
    changed["users"][0]["groups"] = []
    path.write_text(yaml.safe_dump(changed, sort_keys=False))
    third = run_apply(server, path)
    assert f"user ci-{suffix}: changed (leave group readers-{suffix})" in third.stdout
    assert iam.list_groups_for_user(UserName=f"ci-{suffix}")["Groups"] == []
