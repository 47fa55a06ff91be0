"""`GET /metrics` and request ids in the audit log (issue 20, item 9).

What an operator checks: after a few real requests from boto3, the Prometheus text at
`/metrics` (parsed with prometheus-client's own parser) counts them by service, operation
and outcome, times them, counts the authorization decisions allowed and denied and the
token exchanges, and shows storage latency and open connections; an error answer's
`x-amzn-RequestId` finds its line in the audit log.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from botocore.exceptions import ClientError
from prometheus_client.parser import text_string_to_metric_families

from tests.support.clients import client
from tests.support.dynamodb_tables import create_table
from tests.support.iam_users import (
    allow,
    create_user_with_key,
    policy,
    unique,
    user_client,
    wait_for,
)
from tests.support.server_process import ServerProcess, running_server

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def audit_log(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("audit") / "audit.jsonl"


@pytest.fixture(scope="module")
def server(audit_log: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    data = tmp_path_factory.mktemp("metrics")
    with running_server(data, "--audit-log", str(audit_log)) as node:
        yield node


Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]


def scrape(server: ServerProcess) -> Samples:
    session = requests.Session()
    session.trust_env = False
    answer = session.get(server.endpoint + "/metrics", timeout=10)
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/plain")
    samples: Samples = {}
    for family in text_string_to_metric_families(answer.text):
        for sample in family.samples:
            samples[(sample.name, frozenset(sample.labels.items()))] = sample.value
    return samples


def value(samples: Samples, name: str, **labels: str) -> float:
    return samples.get((name, frozenset(labels.items())), 0.0)


def grew(before: Samples, after: Samples, name: str, **labels: str) -> float:
    return value(after, name, **labels) - value(before, name, **labels)


def test_requests_decisions_exchanges_and_storage_are_counted(server: ServerProcess) -> None:
    dynamodb, iam, sts = (client(server, s) for s in ("dynamodb", "iam", "sts"))
    table = create_table(dynamodb, "Metrics", ("id", "S"))
    user = create_user_with_key(
        iam,
        unique("metrics"),
        policy(allow("dynamodb:GetItem", f"arn:aws:dynamodb:*:*:table/{table}")),
    )
    as_user = user_client(server, "dynamodb", user)
    key = {"id": {"S": "a"}}
    before = scrape(server)

    dynamodb.put_item(TableName=table, Item=key)
    for _ in range(3):
        dynamodb.get_item(TableName=table, Key=key)
    with pytest.raises(ClientError):
        dynamodb.get_item(TableName="no-such-table", Key=key)
    as_user.get_item(TableName=table, Key=key)  # allowed by the user's policy
    with pytest.raises(ClientError):
        as_user.put_item(TableName=table, Item=key)  # denied: not in the policy
    with pytest.raises(ClientError):
        sts.assume_role_with_web_identity(
            RoleArn=f"arn:aws:iam::{server.account_id}:role/none",
            RoleSessionName="metrics",
            WebIdentityToken="not-a-token-at-all",
        )
    after = scrape(server)

    requests_total = "dynafed_requests_total"
    assert (
        grew(before, after, requests_total, service="dynamodb", operation="GetItem", outcome="ok")
        == 4
    )
    assert (
        grew(before, after, requests_total, service="dynamodb", operation="PutItem", outcome="ok")
        == 1
    )
    not_found = {
        "service": "dynamodb",
        "operation": "GetItem",
        "outcome": "ResourceNotFoundException",
    }
    assert grew(before, after, requests_total, **not_found) == 1
    denied = {"service": "dynamodb", "operation": "PutItem", "outcome": "AccessDeniedException"}
    assert grew(before, after, requests_total, **denied) == 1
    assert (
        grew(
            before, after, "dynafed_request_seconds_count", service="dynamodb", operation="GetItem"
        )
        == 5
    )
    assert grew(before, after, "dynafed_authorization_decisions_total", decision="allow") >= 1
    assert grew(before, after, "dynafed_authorization_decisions_total", decision="deny") == 1
    exchange = {"action": "AssumeRoleWithWebIdentity", "outcome": "InvalidIdentityToken"}
    assert grew(before, after, "dynafed_token_exchanges_total", **exchange) == 1
    sts_label = {
        "service": "sts",
        "operation": "AssumeRoleWithWebIdentity",
        "outcome": "InvalidIdentityToken",
    }
    assert grew(before, after, requests_total, **sts_label) == 1
    assert grew(before, after, "dynafed_storage_seconds_count", operation="read") >= 5
    assert grew(before, after, "dynafed_storage_seconds_count", operation="write") >= 1
    assert value(after, "dynafed_open_connections") >= 1


def test_made_up_operations_do_not_make_new_series(server: ServerProcess) -> None:
    session = requests.Session()
    session.trust_env = False
    for n in range(3):
        session.post(
            server.endpoint,
            data=b"{}",
            headers={"x-amz-target": f"DynamoDB_20120810.Invented{n}"},
            timeout=10,
        )
    operations = {
        dict(labels)["operation"]
        for name, labels in scrape(server)
        if name == "dynafed_requests_total" and dict(labels).get("service") == "dynamodb"
    }
    assert not any(o.startswith("Invented") for o in operations)
    assert "other" in operations


def test_an_error_answers_request_id_finds_its_audit_line(
    server: ServerProcess, audit_log: Path
) -> None:
    iam = client(server, "iam")
    user = create_user_with_key(iam, unique("audited"), policy(allow("dynamodb:ListTables")))
    with pytest.raises(ClientError) as raised:
        user_client(server, "dynamodb", user).describe_table(TableName="anything")
    request_id = raised.value.response["ResponseMetadata"]["RequestId"]
    assert raised.value.response["Error"]["Code"] == "AccessDeniedException"
    lines: list[dict[str, Any]] = [
        json.loads(line) for line in audit_log.read_text(encoding="utf-8").splitlines()
    ]
    mine = [line for line in lines if line.get("request_id") == request_id]
    assert len(mine) == 1
    assert mine[0]["decision"] == "Deny"
    assert mine[0]["action"] == "dynamodb:DescribeTable"


def test_with_several_workers_every_scrape_counts_all_of_them(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    """`--workers 2`: whichever worker answers `/metrics` (new connections go to either),
    it reports the requests both answered."""
    with running_server(tmp_path_factory.mktemp("workers"), "--workers", "2") as node:
        session = requests.Session()
        session.trust_env = False
        table = create_table(client(node, "dynamodb"), "Workers", ("id", "S"))
        for n in range(20):
            client(node, "dynamodb").get_item(TableName=table, Key={"id": {"S": str(n)}})

        def serving_workers() -> set[str]:
            return {
                line.split()[2]
                for line in node.output
                if line.startswith("dynafed worker ") and line.rstrip().endswith("serving")
            }

        # The server answers once one worker is up; the other may still be starting.
        wait_for(lambda: len(serving_workers()) == 2, 30, "both workers serving")
        counts = set()
        for _ in range(6):  # a fresh connection each time: either worker may answer
            answer = session.get(
                node.endpoint + "/metrics", headers={"connection": "close"}, timeout=10
            )
            samples = {
                (s.name, frozenset(s.labels.items())): s.value
                for family in text_string_to_metric_families(answer.text)
                for s in family.samples
            }
            counts.add(
                value(
                    samples,
                    "dynafed_requests_total",
                    service="dynamodb",
                    operation="GetItem",
                    outcome="ok",
                )
            )
        assert counts == {20.0}
