"""Compressed answers: DynamoDB gzips a response for a client that says it accepts gzip
(`Accept-Encoding`, as browsers always do for the JavaScript SDK), with `x-amz-crc32` over
the bytes sent. Requests are never compressed by AWS's SDKs for these services (no operation
carries the model's `requestcompression`); boto3 does not ask for gzip."""

from __future__ import annotations

import gzip
import json
import zlib
from typing import Any

import pytest
import urllib3
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from tests.support.dynamodb_tables import unique
from tests.support.server_process import ServerProcess

pytestmark = pytest.mark.e2e

HTTP = urllib3.PoolManager()


def _signed(
    server: ServerProcess, operation: str, body: dict[str, Any], accept_encoding: str | None
) -> urllib3.BaseHTTPResponse:
    headers = {
        "X-Amz-Target": f"DynamoDB_20120810.{operation}",
        "Content-Type": "application/x-amz-json-1.0",
    }
    if accept_encoding is not None:
        headers["Accept-Encoding"] = accept_encoding
    request = AWSRequest(
        method="POST", url=server.endpoint + "/", data=json.dumps(body), headers=headers
    )
    credentials = Credentials(server.access_key, server.secret_key)
    SigV4Auth(credentials, "dynamodb", server.region).add_auth(request)
    return HTTP.request(
        "POST",
        request.url,
        body=request.body,
        headers=dict(request.headers),
        decode_content=False,  # the bytes as sent, to check them
        timeout=10,
    )


@pytest.fixture(scope="module")
def table(dynamodb: Any) -> str:
    name = unique("Gzip")
    dynamodb.create_table(
        TableName=name,
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        BillingMode="PAY_PER_REQUEST",
    )
    for number in range(40):
        dynamodb.put_item(
            TableName=name, Item={"pk": {"S": f"item-{number:03}"}, "v": {"S": "x" * 64}}
        )
    return name


def test_a_large_answer_is_gzipped_for_a_client_that_accepts_it(
    server: ServerProcess, table: str
) -> None:
    reply = _signed(server, "Scan", {"TableName": table}, "gzip, deflate")
    assert reply.status == 200
    assert reply.headers["Content-Encoding"] == "gzip"
    assert reply.headers["x-amz-crc32"] == str(zlib.crc32(reply.data))
    answer = json.loads(gzip.decompress(reply.data))
    assert answer["Count"] == 40


@pytest.mark.parametrize("accept_encoding", [None, "identity", "gzip;q=0", "br"])
def test_no_gzip_unless_asked(
    server: ServerProcess, table: str, accept_encoding: str | None
) -> None:
    reply = _signed(server, "Scan", {"TableName": table}, accept_encoding)
    assert "Content-Encoding" not in reply.headers
    assert json.loads(reply.data)["Count"] == 40


def test_a_small_answer_is_not_worth_compressing(server: ServerProcess, table: str) -> None:
    reply = _signed(
        server, "GetItem", {"TableName": table, "Key": {"pk": {"S": "item-001"}}}, "gzip"
    )
    assert "Content-Encoding" not in reply.headers
    assert json.loads(reply.data)["Item"]["pk"] == {"S": "item-001"}
