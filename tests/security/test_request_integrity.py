"""SigV4 binds the whole request: the body, the service and the operation.

Attacks 1-3 of the outside review: a body swapped under a signature whose
`x-amz-content-sha256` is trusted, a signature for one service spent on another, and an
operation header left out of the signature. AWS's answers: a signature over another body or
scope does not match (DynamoDB `InvalidSignatureException`, STS/IAM `SignatureDoesNotMatch`),
and a scope naming another service is "Credential should be scoped to correct service"."""

from __future__ import annotations

import hashlib
from typing import Any

import pytest
import requests
from botocore.exceptions import ClientError

from tests.security.raw_sigv4 import dynamodb_request, query_request, sign
from tests.support.clients import client
from tests.support.server_process import ServerProcess

pytestmark = pytest.mark.e2e

LIST_TABLES = b"{}"


def _error(response: requests.Response) -> tuple[int, str]:
    """(status, code) of a JSON-protocol or Query-protocol error answer."""
    if response.headers.get("content-type", "").startswith("text/xml"):
        code = response.text.split("<Code>", 1)[1].split("</Code>", 1)[0]
    else:
        code = response.json()["__type"].rsplit("#", 1)[-1]
    return response.status_code, code


def _role_names(server: ServerProcess) -> set[str]:
    return {role["RoleName"] for role in client(server, "iam").list_roles()["Roles"]}


def test_control_a_hand_signed_request_is_accepted(server: ServerProcess) -> None:
    """The attacks below differ from this request only in what they attack."""
    declared = hashlib.sha256(LIST_TABLES).hexdigest()
    signed = dynamodb_request(server, "ListTables", LIST_TABLES, payload_hash=declared)
    answer = signed.send()
    assert answer.status_code == 200, answer.text
    assert "TableNames" in answer.json()


def test_a_body_swapped_under_a_declared_payload_hash_is_refused(server: ServerProcess) -> None:
    """Item 1: the headers of one signed IAM call (from a proxy log, say) must not carry
    another action in the body."""
    body = b"Action=ListRoles&Version=2010-05-08"
    signed = query_request(server, "iam", body, payload_hash=hashlib.sha256(body).hexdigest())
    assert signed.send().status_code == 200
    swapped = (
        b"Action=CreateRole&Version=2010-05-08&RoleName=Smuggled&AssumeRolePolicyDocument="
        b"%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%5D%7D"
    )
    assert _error(signed.send(body=swapped)) == (403, "SignatureDoesNotMatch")
    assert "Smuggled" not in _role_names(server)


def test_a_dynamodb_body_swap_is_refused(server: ServerProcess, dynamodb: Any) -> None:
    body = b'{"Limit": 1}'
    signed = dynamodb_request(
        server, "ListTables", body, payload_hash=hashlib.sha256(body).hexdigest()
    )
    answer = signed.send(body=b'{"Limit": 2}')
    assert _error(answer) == (400, "InvalidSignatureException")
    assert "x-amz-content-sha256" in answer.json()["message"]


def test_unsigned_payload_is_refused_on_a_header_signature(server: ServerProcess) -> None:
    signed = dynamodb_request(server, "ListTables", LIST_TABLES, payload_hash="UNSIGNED-PAYLOAD")
    assert _error(signed.send()) == (400, "InvalidSignatureException")


def test_a_signature_for_sts_does_not_serve_dynamodb(server: ServerProcess) -> None:
    """Item 2: the credential scope must name the service that serves the request."""
    signed = dynamodb_request(server, "ListTables", LIST_TABLES, service="sts")
    answer = signed.send()
    assert _error(answer) == (400, "InvalidSignatureException")
    assert (
        answer.json()["message"] == "Credential should be scoped to correct service: 'dynamodb'. "
    )


def test_a_signature_for_dynamodb_does_not_serve_sts(server: ServerProcess) -> None:
    body = b"Action=GetCallerIdentity&Version=2011-06-15"
    answer = query_request(server, "dynamodb", body).send()
    assert _error(answer) == (403, "SignatureDoesNotMatch")
    assert "scoped to correct service: 'sts'" in answer.text


def test_a_signature_for_sts_does_not_serve_cognito_identity(server: ServerProcess) -> None:
    headers = {
        "content-type": "application/x-amz-json-1.1",
        "x-amz-target": "AWSCognitoIdentityService.ListIdentityPools",
    }
    signed = sign(server, body=b'{"MaxResults": 10}', headers=headers, service="sts")
    answer = signed.send()
    assert answer.status_code == 400
    assert answer.json()["__type"] == "InvalidSignatureException"


def test_a_presigned_get_caller_identity_url_is_no_dynamodb_credential(
    server: ServerProcess, sts: Any
) -> None:
    url = sts.generate_presigned_url("get_caller_identity", ExpiresIn=300)
    # botocore presigns the Query-protocol POST with its form moved into the URL.
    assert requests.post(url, timeout=30).status_code == 200  # the URL itself works
    answer = requests.post(
        url,
        headers={
            "content-type": "application/x-amz-json-1.0",
            "x-amz-target": "DynamoDB_20120810.ListTables",
        },
        data=b"",
        timeout=30,
    )
    assert _error(answer) == (400, "InvalidSignatureException")


def test_a_presigned_url_cannot_carry_a_body(server: ServerProcess, sts: Any) -> None:
    """botocore presigns with UNSIGNED-PAYLOAD: such a URL binds no body, so it may not
    bring one (a form body would otherwise choose the action)."""
    url = sts.generate_presigned_url("get_caller_identity", ExpiresIn=300)
    answer = requests.post(
        url,
        headers={"content-type": "application/x-www-form-urlencoded"},
        data=b"Action=AssumeRole&Version=2011-06-15&RoleArn=arn:aws:iam::123456789012:role/x"
        b"&RoleSessionName=smuggled",
        timeout=30,
    )
    assert _error(answer) == (403, "SignatureDoesNotMatch")


def test_an_unsigned_operation_header_is_refused(server: ServerProcess, dynamodb: Any) -> None:
    """Item 3: with `x-amz-target` outside SignedHeaders, one signed request could be
    replayed as any operation on the same body."""
    dynamodb.create_table(
        TableName="Precious",
        AttributeDefinitions=[{"AttributeName": "Id", "AttributeType": "S"}],
        KeySchema=[{"AttributeName": "Id", "KeyType": "HASH"}],
        BillingMode="PAY_PER_REQUEST",
    )
    body = b'{"TableName": "Precious"}'
    signed = dynamodb_request(server, "DescribeTable", body, unsigned=("x-amz-target",))
    assert "x-amz-target" not in signed.signed_headers
    answer = signed.send()
    assert _error(answer) == (400, "InvalidSignatureException")
    assert "'x-amz-target' must be a signed header" in answer.json()["message"]
    signed.headers["x-amz-target"] = "DynamoDB_20120810.DeleteTable"
    assert _error(signed.send()) == (400, "InvalidSignatureException")
    assert dynamodb.describe_table(TableName="Precious")["Table"]["TableStatus"] == "ACTIVE"


def test_sdk_clients_still_work_on_every_service(server: ServerProcess) -> None:
    """The checks refuse only what no SDK sends."""
    client(server, "dynamodb").list_tables()
    assert client(server, "sts").get_caller_identity()["Account"] == server.account_id
    client(server, "iam").list_roles()
    client(server, "cognito-identity").list_identity_pools(MaxResults=10)


def test_a_wrong_secret_still_fails(server: ServerProcess) -> None:
    signed = dynamodb_request(server, "ListTables", LIST_TABLES, secret_key="not-the-secret")
    assert _error(signed.send()) == (400, "InvalidSignatureException")
    with pytest.raises(ClientError):
        client(server, "dynamodb", secret_key="not-the-secret").list_tables()
