"""`X-Forwarded-For` / `X-Forwarded-Proto` decide `aws:SourceIp` / `aws:SecureTransport`
only when a proxy named in `--trusted-proxies` sends them.

uvicorn believed them from 127.0.0.1 by default, so any process on the server's machine
could claim any source address or HTTPS and pass a policy's `IpAddress` or
`Bool aws:SecureTransport` condition. Proven through policy decisions: a role allows
ListTables only from 203.0.113.0/24 (or only over HTTPS); the caller, on loopback, forges
the header that would satisfy it.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from typing import Any

import botocore.exceptions
import pytest

from dynafed.cli import build_parser
from tests.support.clients import client
from tests.support.server_process import ServerProcess, start_server

FROM_DOCUMENTATION_NET = {"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}}
OVER_HTTPS = {"Bool": {"aws:SecureTransport": "true"}}
FORGED_ADDRESS = {"X-Forwarded-For": "203.0.113.9"}
FORGED_HTTPS = {"X-Forwarded-Proto": "https"}


@pytest.fixture(scope="module")
def behind_proxy(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    """A server told that a proxy on 127.0.0.1 fronts it."""
    process = start_server(
        tmp_path_factory.mktemp("dynafed-proxied"), "--trusted-proxies", "127.0.0.1"
    )
    yield process
    process.stop()


def _role_session(server: ServerProcess, condition: dict[str, Any], headers: dict[str, str]) -> Any:
    """A DynamoDB client on a role that may ListTables only under `condition`, sending
    `headers` on every request."""
    iam, sts = client(server, "iam"), client(server, "sts")
    name = f"Forwarded{uuid.uuid4().hex[:8]}"
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
    iam.put_role_policy(RoleName=name, PolicyName="forwarded", PolicyDocument=json.dumps(policy))
    credentials = sts.assume_role(
        RoleArn=f"arn:aws:iam::{server.account_id}:role/{name}", RoleSessionName="probe"
    )["Credentials"]
    dynamodb = client(
        server,
        "dynamodb",
        access_key=credentials["AccessKeyId"],
        secret_key=credentials["SecretAccessKey"],
        session_token=credentials["SessionToken"],
    )

    def add_headers(request: Any, **_: Any) -> None:
        for header, value in headers.items():
            request.headers[header] = value

    dynamodb.meta.events.register("before-sign.dynamodb.ListTables", add_headers)
    return dynamodb


def _denied(dynamodb: Any) -> None:
    with pytest.raises(botocore.exceptions.ClientError) as caught:
        dynamodb.list_tables()
    assert caught.value.response["Error"]["Code"] == "AccessDeniedException"


def test_a_forged_x_forwarded_for_does_not_change_the_source_ip(server: ServerProcess) -> None:
    _denied(_role_session(server, FROM_DOCUMENTATION_NET, FORGED_ADDRESS))


def test_a_forged_x_forwarded_proto_does_not_make_the_request_secure(
    server: ServerProcess,
) -> None:
    _denied(_role_session(server, OVER_HTTPS, FORGED_HTTPS))


def test_a_trusted_proxy_s_forwarded_headers_decide(behind_proxy: ServerProcess) -> None:
    forwarded = _role_session(behind_proxy, FROM_DOCUMENTATION_NET, FORGED_ADDRESS)
    assert "TableNames" in forwarded.list_tables()
    https = _role_session(behind_proxy, OVER_HTTPS, FORGED_HTTPS)
    assert "TableNames" in https.list_tables()
    _denied(_role_session(behind_proxy, FROM_DOCUMENTATION_NET, {}))  # the header decides


def test_trusted_proxies_are_addresses_or_networks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DYNAFED_TRUSTED_PROXIES", raising=False)
    parsed = build_parser().parse_args(["serve", "--trusted-proxies", "10.0.0.1, 192.168.0.0/16"])
    assert parsed.trusted_proxies == ("10.0.0.1", "192.168.0.0/16")
    assert build_parser().parse_args(["serve"]).trusted_proxies == ()
    with pytest.raises(SystemExit):
        build_parser().parse_args(["serve", "--trusted-proxies", "proxy.internal"])
