"""A node whose PostgreSQL stops answering (issue 20, item 1).

The database is the real test server behind a TCP proxy that the test freezes: it stops
forwarding without closing anything, as a hung database or a path that swallows packets
looks to a client. What a user checks, with boto3: requests answer DynamoDB's retryable
`ServiceUnavailable` (HTTP 503) within the configured bound instead of hanging, the SDK
retries it, `/health/live` stays 200 while `/health/ready` says 503, and everything works
again once the database answers.

Semantics followed: "Error handling with DynamoDB" (Developer Guide): ServiceUnavailable,
HTTP 503, a temporary state, OK to retry.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

import boto3
import pytest
import requests
from botocore.config import Config
from botocore.exceptions import ClientError

from tests.support.clients import client
from tests.support.dynamodb_tables import create_table
from tests.support.server_process import (
    POSTGRES_URL,
    ServerProcess,
    new_postgres_schema,
    running_server,
)
from tests.support.tcp_proxy import TcpProxy, tcp_proxy

pytestmark = pytest.mark.e2e

STATEMENT_TIMEOUT = 1
POOL_TIMEOUT = 1
BOUND = 8.0
"""Seconds a request may take to fail while the database is frozen: the node's deadline on
an answer (statement_timeout + 1 s), a pool wait, and slack for a loaded machine."""


@pytest.fixture(scope="module")
def proxy() -> Iterator[TcpProxy]:
    target = urlsplit(POSTGRES_URL)
    with tcp_proxy(target.hostname or "127.0.0.1", target.port or 5432) as running:
        yield running


@pytest.fixture(scope="module")
def server(proxy: TcpProxy, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    target = urlsplit(POSTGRES_URL)
    query = urlencode(
        {
            "schema": new_postgres_schema("unreachable"),
            "statement_timeout": STATEMENT_TIMEOUT,
            "pool_timeout": POOL_TIMEOUT,
            "connect_timeout": 2,
            "pool_min_size": 2,
            "pool_max_size": 4,
        }
    )
    netloc = f"{target.username or 'postgres'}@127.0.0.1:{proxy.port}"
    url = target._replace(netloc=netloc, query=query).geturl()
    with running_server(Path(tmp_path_factory.mktemp("unreachable")), "--storage", url) as node:
        yield node


@pytest.fixture
def thawed(proxy: TcpProxy) -> Iterator[TcpProxy]:
    yield proxy
    proxy.thaw()


def health(server: ServerProcess, path: str) -> int:
    session = requests.Session()
    session.trust_env = False
    return session.get(server.endpoint + path, timeout=BOUND + 5).status_code


def unavailable_in_time(call: Any) -> ClientError:
    started = time.monotonic()
    with pytest.raises(ClientError) as raised:
        call()
    elapsed = time.monotonic() - started
    assert elapsed < BOUND, f"answered after {elapsed:.1f} s"
    error = raised.value
    assert error.response["Error"]["Code"] == "ServiceUnavailable"
    assert error.response["ResponseMetadata"]["HTTPStatusCode"] == 503
    assert error.response["ResponseMetadata"]["RequestId"]
    return error


def test_a_frozen_database_answers_retryable_503s_in_time_and_recovers(
    server: ServerProcess, thawed: TcpProxy
) -> None:
    dynamodb = client(server, "dynamodb")
    table = create_table(dynamodb, "Frozen", ("id", "S"))
    key = {"id": {"S": "a"}}
    dynamodb.put_item(TableName=table, Item={**key, "n": {"N": "1"}})
    assert health(server, "/health/ready") == 200

    thawed.freeze()
    unavailable_in_time(lambda: dynamodb.get_item(TableName=table, Key=key))
    unavailable_in_time(lambda: dynamodb.put_item(TableName=table, Item={**key, "n": {"N": "2"}}))
    unavailable_in_time(lambda: dynamodb.get_item(TableName=table, Key=key))
    retrying = boto3.session.Session(
        aws_access_key_id=server.access_key,
        aws_secret_access_key=server.secret_key,
        region_name=server.region,
    ).client(
        "dynamodb",
        endpoint_url=server.endpoint,
        config=Config(retries={"max_attempts": 2, "mode": "standard"}, read_timeout=30),
    )
    with pytest.raises(ClientError) as raised:
        retrying.get_item(TableName=table, Key=key)
    assert raised.value.response["ResponseMetadata"]["RetryAttempts"] == 2  # both retries
    assert health(server, "/health/live") == 200
    started = time.monotonic()
    assert health(server, "/health/ready") == 503
    assert time.monotonic() - started < BOUND

    thawed.thaw()
    deadline = time.monotonic() + 30
    while health(server, "/health/ready") != 200:  # the pool reconnects after a backoff
        assert time.monotonic() < deadline, "never ready again after the thaw"
    dynamodb.put_item(TableName=table, Item={**key, "n": {"N": "3"}})
    assert dynamodb.get_item(TableName=table, Key=key)["Item"]["n"] == {"N": "3"}


def test_a_write_to_a_table_the_node_has_not_seen_does_not_stall_the_node(
    server: ServerProcess, thawed: TcpProxy
) -> None:
    """Preparing a write against a table not seen yet reads the table first. That read waits
    on the frozen database on a worker thread, not on the event loop: the node keeps
    answering everything that needs no database meanwhile."""
    dynamodb = client(server, "dynamodb")
    thawed.freeze()
    with ThreadPoolExecutor(1) as running:
        put = running.submit(
            unavailable_in_time,
            lambda: dynamodb.put_item(TableName="NeverSeen", Item={"id": {"S": "a"}}),
        )
        slowest = 0.0
        while not put.done():  # the put waits for the node's deadline (about 2 s)
            started = time.monotonic()
            assert health(server, "/health/live") == 200
            slowest = max(slowest, time.monotonic() - started)
        put.result()
    assert slowest < 1.0, f"/health/live took {slowest:.2f} s while a write waited"


def test_iam_answers_its_own_retryable_503_when_the_database_is_frozen(
    server: ServerProcess, thawed: TcpProxy
) -> None:
    iam = client(server, "iam")
    thawed.freeze()
    started = time.monotonic()
    with pytest.raises(ClientError) as raised:
        iam.get_role(RoleName="anything")
    assert time.monotonic() - started < BOUND
    assert raised.value.response["Error"]["Code"] == "ServiceUnavailable"
    assert raised.value.response["ResponseMetadata"]["HTTPStatusCode"] == 503


@pytest.mark.parametrize(
    ("service", "call"),
    [
        ("cognito-identity", lambda c: c.list_identity_pools(MaxResults=10)),
        ("cognito-idp", lambda c: c.list_user_pools(MaxResults=10)),
    ],
)
def test_cognito_answers_internal_error_in_time_when_the_database_is_frozen(
    server: ServerProcess, thawed: TcpProxy, service: str, call: Any
) -> None:
    """Cognito documents no 503: its own failures are InternalErrorException (HTTP 500),
    which the SDKs retry; like every other API, it answers within the bound."""
    cognito = client(server, service)
    thawed.freeze()
    started = time.monotonic()
    with pytest.raises(ClientError) as raised:
        call(cognito)
    assert time.monotonic() - started < BOUND
    assert raised.value.response["Error"]["Code"] == "InternalErrorException"
    assert raised.value.response["ResponseMetadata"]["HTTPStatusCode"] == 500
