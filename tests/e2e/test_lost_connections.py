"""Atomic counters while PostgreSQL keeps dropping the node's connections (issue 20, item 2).

Client threads send `UpdateItem … ADD n :one` through boto3 with botocore's standard retry
mode, as an application would; meanwhile the test ends every server process of the node
(`pg_terminate_backend`, what a database restart or failover does to a node) again and
again, and a TCP proxy between node and database cuts a connection right after a COMMIT
went through it, in turn dropping the COMMIT or only its answer (a network failure at the
worst moment: `pg_terminate_backend` alone almost never lands between a commit and its
answer). A connection lost inside a write transaction, or while its COMMIT was on its way,
must neither lose the update nor, through the SDK's automatic retry of an error answer,
apply it twice. What a user checks: every call was acknowledged and the counter equals the
number of acknowledged updates.

Semantics followed: "Atomic counters" (DynamoDB Developer Guide, Working with items: an
update that fails and is retried may be applied twice only if the first attempt's outcome
was reported wrongly) and "Error retries and exponential backoff".
"""

from __future__ import annotations

import secrets
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlsplit

import boto3
import psycopg
import pytest
from botocore.config import Config

from tests.support.dynamodb_tables import create_table
from tests.support.server_process import (
    POSTGRES_URL,
    ServerProcess,
    new_postgres_schema,
    postgres_storage_url,
    running_server,
)
from tests.support.tcp_proxy import TcpProxy, tcp_proxy

pytestmark = pytest.mark.e2e

THREADS = 4
UPDATES_PER_THREAD = 30
KILL_EVERY = 3
"""Acknowledged updates between two rounds of killing every connection of the node."""
COMMIT_MARKER = b"COMMIT\x00"
"""The end of the query message that commits a write transaction (and of no other)."""
_END_ALL = (
    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
    " WHERE application_name = %s AND pid <> pg_backend_pid()"
)


@pytest.fixture(scope="module")
def app_name() -> str:
    return f"dynafed_kills_{secrets.token_hex(4)}"


@pytest.fixture(scope="module")
def proxy() -> Iterator[TcpProxy]:
    target = urlsplit(POSTGRES_URL)
    with tcp_proxy(target.hostname or "127.0.0.1", target.port or 5432) as running:
        yield running


@pytest.fixture(scope="module")
def server(
    app_name: str, proxy: TcpProxy, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[ServerProcess]:
    direct = urlsplit(postgres_storage_url(new_postgres_schema("kills"), application_name=app_name))
    netloc = f"{direct.username or 'postgres'}@127.0.0.1:{proxy.port}"
    url = direct._replace(netloc=netloc).geturl()
    with running_server(Path(tmp_path_factory.mktemp("kills")), "--storage", url) as node:
        yield node


def retrying_client(server: ServerProcess) -> object:
    return boto3.session.Session(
        aws_access_key_id=server.access_key,
        aws_secret_access_key=server.secret_key,
        region_name=server.region,
    ).client(
        "dynamodb",
        endpoint_url=server.endpoint,
        config=Config(retries={"max_attempts": 10, "mode": "standard"}, read_timeout=60),
    )


class Progress:
    """Acknowledged updates, and the kill rounds they pace."""

    def __init__(self) -> None:
        self.acknowledged = 0
        self.done = False
        self.changed = threading.Condition()

    def acknowledge(self) -> None:
        with self.changed:
            self.acknowledged += 1
            self.changed.notify_all()

    def finish(self) -> None:
        with self.changed:
            self.done = True
            self.changed.notify_all()


def kill_connections(app_name: str, proxy: TcpProxy, progress: Progress) -> int:
    """After each KILL_EVERY acknowledged updates: end every server process of the node, and
    have the proxy cut the next COMMIT's connection."""
    rounds = 0
    seen = 0
    with psycopg.connect(POSTGRES_URL, autocommit=True) as conn:
        while True:
            with progress.changed:
                due = seen + KILL_EVERY
                progress.changed.wait_for(
                    lambda due=due: progress.done or progress.acknowledged >= due,
                    timeout=60,
                )
                if progress.done:
                    return rounds
                # One round per KILL_EVERY updates even when several were acknowledged while
                # the last round ran: the rounds stay paced by the updates, not by timing.
                seen = due
            proxy.cut_at(COMMIT_MARKER, deliver=rounds % 2 == 0)
            conn.execute(_END_ALL, (app_name,))
            rounds += 1


def test_add_counters_are_neither_lost_nor_doubled_while_connections_are_killed(
    server: ServerProcess, app_name: str, proxy: TcpProxy
) -> None:
    setup = retrying_client(server)
    table = create_table(setup, "Kills", ("id", "S"))
    key = {"id": {"S": "counter"}}
    progress = Progress()
    server_errors: list[int] = []

    def count_server_errors(response: object, **_: object) -> None:
        http = response[0] if isinstance(response, tuple) else None
        if http is not None and http.status_code >= 500:
            server_errors.append(http.status_code)

    def work(_: int) -> None:
        dynamodb = retrying_client(server)
        dynamodb.meta.events.register("needs-retry.dynamodb.UpdateItem", count_server_errors)  # type: ignore[attr-defined]
        for _ in range(UPDATES_PER_THREAD):
            dynamodb.update_item(  # type: ignore[attr-defined]
                TableName=table,
                Key=key,
                UpdateExpression="ADD n :one",
                ExpressionAttributeValues={":one": {"N": "1"}},
            )
            progress.acknowledge()

    with ThreadPoolExecutor(THREADS + 1) as pool:
        killer = pool.submit(kill_connections, app_name, proxy, progress)
        try:
            list(pool.map(work, range(THREADS)))
        finally:
            progress.finish()
        rounds = killer.result()

    item = setup.get_item(TableName=table, Key=key, ConsistentRead=True)["Item"]  # type: ignore[attr-defined]
    assert progress.acknowledged == THREADS * UPDATES_PER_THREAD
    assert int(item["n"]["N"]) == progress.acknowledged, (
        f"{int(item['n']['N']) - progress.acknowledged} updates applied twice"
    )
    # The connections were killed all along the run (not a count of exact rounds: the last
    # updates may be acknowledged together while a round runs).
    assert rounds >= THREADS * UPDATES_PER_THREAD // KILL_EVERY // 2
    assert proxy.cuts >= rounds // 2
    assert 500 not in server_errors, "a lost connection was answered with a 500"
    settled = sum("connection lost during COMMIT" in line for line in server.output)
    print(
        f"{rounds} kill rounds, {proxy.cuts} COMMITs cut, {progress.acknowledged} acknowledged"
        f" updates, {len(server_errors)} 5xx answers retried by the SDK, {settled} lost COMMITs"
        " settled"
    )
