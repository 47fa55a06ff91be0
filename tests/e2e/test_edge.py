"""The HTTP edge as clients meet it: health, routing, SigV4 failures, error shapes, CORS."""

from __future__ import annotations

import json
import subprocess
from typing import Any

import botocore.exceptions
import pytest
import requests
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from tests.support.clients import aws_cli_env, client
from tests.support.server_process import ServerProcess


def _plain_session() -> requests.Session:
    session = requests.Session()
    session.trust_env = False
    return session


def test_health(server: ServerProcess) -> None:
    reply = _plain_session().get(server.endpoint + "/health", timeout=5)
    assert reply.status_code == 200
    assert reply.json() == {"status": "ok"}


def test_get_caller_identity_as_admin(sts: Any, server: ServerProcess) -> None:
    identity = sts.get_caller_identity()
    assert identity["Account"] == server.account_id
    assert identity["Arn"] == f"arn:aws:iam::{server.account_id}:root"


def test_aws_cli_get_caller_identity(server: ServerProcess) -> None:
    result = subprocess.run(
        ["aws", "sts", "get-caller-identity", "--endpoint-url", server.endpoint],
        env=aws_cli_env(server),
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert json.loads(result.stdout)["Account"] == server.account_id


def test_unknown_access_key_is_unrecognized(server: ServerProcess) -> None:
    stranger = client(server, "dynamodb", access_key="AKIAUNKNOWNKEY000000", secret_key="x")
    with pytest.raises(botocore.exceptions.ClientError) as caught:
        stranger.list_tables()
    error = caught.value.response["Error"]
    assert error["Code"] == "UnrecognizedClientException"
    assert error["Message"] == "The security token included in the request is invalid."
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400


def test_wrong_secret_is_invalid_signature(server: ServerProcess) -> None:
    forger = client(server, "dynamodb", secret_key="not-the-admin-secret")
    with pytest.raises(botocore.exceptions.ClientError) as caught:
        forger.list_tables()
    assert caught.value.response["Error"]["Code"] == "InvalidSignatureException"


def test_wrong_secret_on_sts_is_signature_does_not_match(server: ServerProcess) -> None:
    forger = client(server, "sts", secret_key="not-the-admin-secret")
    with pytest.raises(botocore.exceptions.ClientError) as caught:
        forger.get_caller_identity()
    assert caught.value.response["Error"]["Code"] == "SignatureDoesNotMatch"
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403


def test_unknown_key_on_sts_is_invalid_client_token_id(server: ServerProcess) -> None:
    stranger = client(server, "sts", access_key="AKIAUNKNOWNKEY000000", secret_key="x")
    with pytest.raises(botocore.exceptions.ClientError) as caught:
        stranger.get_caller_identity()
    assert caught.value.response["Error"]["Code"] == "InvalidClientTokenId"


def test_unsigned_dynamodb_request_is_missing_token(server: ServerProcess) -> None:
    reply = _plain_session().post(
        server.endpoint + "/",
        data=b"{}",
        headers={
            "X-Amz-Target": "DynamoDB_20120810.ListTables",
            "Content-Type": "application/x-amz-json-1.0",
        },
        timeout=5,
    )
    assert reply.json()["__type"].endswith("#MissingAuthenticationTokenException")


def _signed_post(server: ServerProcess, target: str, body: bytes) -> requests.Response:
    """A correctly signed DynamoDB request whose body no SDK would send."""
    request = AWSRequest(
        method="POST",
        url=server.endpoint + "/",
        data=body,
        headers={"X-Amz-Target": target, "Content-Type": "application/x-amz-json-1.0"},
    )
    SigV4Auth(
        Credentials(server.access_key, server.secret_key), "dynamodb", server.region
    ).add_auth(request)
    return _plain_session().post(
        request.url, data=request.body, headers=dict(request.headers), timeout=5
    )


def test_malformed_json_is_serialization_exception(server: ServerProcess) -> None:
    reply = _signed_post(server, "DynamoDB_20120810.ListTables", b"{not json")
    assert reply.status_code == 400
    assert reply.json()["__type"].endswith("#SerializationException")


def test_json_array_body_is_serialization_exception(server: ServerProcess) -> None:
    reply = _signed_post(server, "DynamoDB_20120810.ListTables", b"[1, 2]")
    assert reply.status_code == 400
    assert reply.json()["__type"].endswith("#SerializationException")


def test_request_body_over_the_limit_is_refused(server: ServerProcess) -> None:
    reply = _plain_session().post(
        server.endpoint + "/",
        data=b"x" * (17 * 1024 * 1024),
        headers={
            "X-Amz-Target": "DynamoDB_20120810.PutItem",
            "Content-Type": "application/x-amz-json-1.0",
        },
        timeout=30,
    )
    assert reply.status_code == 413


def test_unknown_operation(server: ServerProcess) -> None:
    reply = _signed_post(server, "DynamoDB_20120810.FlyToTheMoon", b"{}")
    assert reply.status_code == 400
    assert reply.json()["__type"].endswith("#UnknownOperationException")


def test_cors_preflight_allows_sdk_headers(server: ServerProcess) -> None:
    reply = _plain_session().options(
        server.endpoint + "/",
        headers={
            "Origin": "http://localhost:3000",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "authorization,x-amz-target,amz-sdk-request",
        },
        timeout=5,
    )
    assert reply.status_code == 200
    assert reply.headers["access-control-allow-origin"] == "http://localhost:3000"
    assert "x-amz-target" in reply.headers["access-control-allow-headers"]


def test_list_tables_round_trip(dynamodb: Any) -> None:
    assert "TableNames" in dynamodb.list_tables()


def test_json_targets_nobody_serves_get_a_json_unknown_operation(server: ServerProcess) -> None:
    """A JSON-protocol API this server does not serve answers as AWS's JSON services do
    (JSON `UnknownOperationException`, HTTP 400), so an SDK raises a typed error instead of
    failing to parse an XML one."""
    reply = _signed_post(server, "AWSNoSuchService_20990101.DoSomething", b"{}")
    assert reply.status_code == 400
    assert reply.headers["content-type"].startswith("application/x-amz-json-1.")
    assert reply.json()["__type"].endswith("UnknownOperationException")
