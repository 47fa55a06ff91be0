"""Reliability trials: the server is hurt the way machines hurt it, and every trial counts
what a user would: requests sent, writes acknowledged, acknowledged writes lost, updates
applied twice, and answers with HTTP 500.

Each trial starts real servers and drives them with boto3. `run.py` (`make chaos`) repeats
them and prints the table; `tests/e2e/test_chaos.py` runs one short trial of each inside
`make test`. Waits are event-driven (a count of acknowledged writes reached, a process
ended), never sleeps.

- `sigkill`: writers put unique items and `ADD` a counter without SDK retries; after a
  random number of acknowledged writes the server gets SIGKILL; a new server on the same
  data finds every acknowledged item, and a counter neither below the acknowledged updates
  nor above the ones sent (SQLite, PostgreSQL).
- `connection kills`: PostgreSQL's server processes of the node are ended again and again
  (`pg_terminate_backend`) and a proxy cuts connections right after a COMMIT, while clients
  with botocore's standard retries `ADD` a counter: it must equal the acknowledged updates.
- `frozen database`: the proxy stops forwarding; writes answer the retryable 503 within the
  bound, then work again once it forwards.
- `disk full`: SQLite on a tmpfs filled to ENOSPC; writes answer 503, reads work, and writes
  work again once space is freed (needs a private mount namespace: skipped, and said so,
  where the machine does not allow one).
- `slowloris`: hundreds of connections send half a request head and stall; a client still
  gets its answers meanwhile.
"""

from __future__ import annotations

import random
import secrets
import signal
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import boto3
import psycopg
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from tests.support import small_disk
from tests.support.dynamodb_tables import create_table
from tests.support.server_process import (
    POSTGRES_URL,
    ServerProcess,
    new_postgres_schema,
    postgres_storage_url,
    start_server,
)
from tests.support.tcp_proxy import TcpProxy, tcp_proxy

WRITERS = 3
PATIENCE = 60.0


@dataclass
class Trial:
    """What one trial counted."""

    requests: int = 0
    acknowledged: int = 0
    lost: int = 0
    doubled: int = 0
    server_errors: int = 0
    """Answers with HTTP 500 (a 503 is the retryable answer the promises allow)."""
    failures: list[str] | None = None

    @property
    def passed(self) -> bool:
        return not (self.lost or self.doubled or self.server_errors or self.failures)

    def fail(self, why: str) -> None:
        self.failures = [*(self.failures or []), why]


def dynamodb_client(server: ServerProcess, retries: int = 1, read_timeout: float = 30) -> Any:
    return boto3.session.Session(
        aws_access_key_id=server.access_key,
        aws_secret_access_key=server.secret_key,
        region_name=server.region,
    ).client(
        "dynamodb",
        endpoint_url=server.endpoint,
        config=Config(
            retries={"max_attempts": retries, "mode": "standard"},
            connect_timeout=5,
            read_timeout=read_timeout,
        ),
    )


class Tally:
    """Counts shared by the writer threads of a trial."""

    def __init__(self) -> None:
        self.changed = threading.Condition()
        self.requests = 0
        self.acknowledged_keys: list[str] = []
        self.adds_sent = 0
        self.adds_acknowledged = 0
        self.server_errors = 0
        self.stop = False

    @property
    def acknowledged(self) -> int:
        return len(self.acknowledged_keys) + self.adds_acknowledged

    def wait_for(self, acknowledged: int) -> bool:
        with self.changed:
            return self.changed.wait_for(
                lambda: self.stop or self.acknowledged >= acknowledged, timeout=PATIENCE
            )

    def note_error(self, error: Exception) -> None:
        with self.changed:
            if isinstance(error, ClientError):
                status = error.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
                if status == 500:
                    self.server_errors += 1


def _writer(dynamodb: Any, table: str, name: str, tally: Tally) -> None:
    """Alternately put a new item and ADD 1 to the counter, until the server goes away."""
    n = 0
    while not tally.stop:
        key = f"{name}-{n:06d}"
        n += 1
        try:
            with tally.changed:
                tally.requests += 1
            dynamodb.put_item(TableName=table, Item={"pk": {"S": key}})
            with tally.changed:
                tally.acknowledged_keys.append(key)
                tally.requests += 1
                tally.adds_sent += 1
                tally.changed.notify_all()
            dynamodb.update_item(
                TableName=table,
                Key={"pk": {"S": "counter"}},
                UpdateExpression="ADD n :one",
                ExpressionAttributeValues={":one": {"N": "1"}},
            )
            with tally.changed:
                tally.adds_acknowledged += 1
                tally.changed.notify_all()
        except (ClientError, BotoCoreError) as error:
            tally.note_error(error)  # type: ignore[arg-type]
            if not isinstance(error, ClientError):
                return  # the server is gone: this writer's part is over


def sigkill(backend: str, workdir: Path, rng: random.Random) -> Trial:
    """Writers on one server, SIGKILL after a random number of acknowledged writes, then a
    new server on the same data checks every acknowledged write."""
    data_dir = workdir / f"kill-{secrets.token_hex(4)}"
    args: tuple[str, ...] = ()
    if backend == "postgres":
        args = ("--storage", postgres_storage_url(new_postgres_schema("chaos")))
    elif backend != "sqlite":
        raise ValueError(backend)
    server = start_server(data_dir, *args)
    trial = Trial()
    tally = Tally()
    try:
        table = create_table(dynamodb_client(server), "Chaos", ("pk", "S"))
        threads = [
            threading.Thread(
                target=_writer, args=(dynamodb_client(server), table, f"w{i}", tally), daemon=True
            )
            for i in range(WRITERS)
        ]
        for thread in threads:
            thread.start()
        if not tally.wait_for(rng.randrange(20, 120)):
            trial.fail("writes did not get under way")
        server.process.send_signal(signal.SIGKILL)
        server.process.wait(PATIENCE)
        with tally.changed:
            tally.stop = True
        for thread in threads:
            thread.join(PATIENCE)
    finally:
        server.stop()
    restarted = start_server(data_dir, *args)
    try:
        _check_kept(dynamodb_client(restarted), table, tally, trial)
    finally:
        restarted.stop()
    return trial


def _check_kept(dynamodb: Any, table: str, tally: Tally, trial: Trial) -> None:
    present: set[str] = set()
    counter = 0
    request: dict[str, Any] = {"TableName": table, "ConsistentRead": True}
    while True:
        page = dynamodb.scan(**request)
        for item in page["Items"]:
            if item["pk"]["S"] == "counter":
                counter = int(item["n"]["N"])
            else:
                present.add(item["pk"]["S"])
        if "LastEvaluatedKey" not in page:
            break
        request["ExclusiveStartKey"] = page["LastEvaluatedKey"]
    trial.requests = tally.requests
    trial.acknowledged = tally.acknowledged
    trial.lost = sum(key not in present for key in tally.acknowledged_keys)
    trial.lost += max(0, tally.adds_acknowledged - counter)
    trial.doubled = max(0, counter - tally.adds_sent)
    trial.server_errors = tally.server_errors


_END_ALL = (
    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
    " WHERE application_name = %s AND pid <> pg_backend_pid()"
)
COMMIT_MARKER = b"COMMIT\x00"


@contextmanager
def _proxied_node(workdir: Path, **options: Any) -> Iterator[tuple[ServerProcess, TcpProxy, str]]:
    target = urlsplit(POSTGRES_URL)
    app_name = f"dynafed_chaos_{secrets.token_hex(4)}"
    with tcp_proxy(target.hostname or "127.0.0.1", target.port or 5432) as proxy:
        direct = urlsplit(
            postgres_storage_url(new_postgres_schema("chaos"), application_name=app_name, **options)
        )
        netloc = f"{direct.username or 'postgres'}@127.0.0.1:{proxy.port}"
        url = direct._replace(netloc=netloc).geturl()
        server = start_server(workdir / f"proxied-{secrets.token_hex(4)}", "--storage", url)
        try:
            yield server, proxy, app_name
        finally:
            proxy.thaw()
            server.stop()


def connection_kills(workdir: Path, rng: random.Random, updates: int = 60) -> Trial:
    """Counter updates with the SDK's standard retries while the node's database connections
    are ended and cut after COMMITs; the counter must equal the acknowledged updates."""
    trial = Trial()
    with _proxied_node(workdir) as (server, proxy, app_name):
        setup = dynamodb_client(server, retries=10, read_timeout=60)
        table = create_table(setup, "Kills", ("pk", "S"))
        key = {"pk": {"S": "counter"}}
        tally = Tally()

        def count_5xx(response: object, **_: object) -> None:
            http = response[0] if isinstance(response, tuple) else None
            if http is not None and http.status_code == 500:
                with tally.changed:
                    tally.server_errors += 1

        finished = []

        def work(share: int) -> None:
            try:
                update(share)
            finally:
                with tally.changed:
                    finished.append(share)
                    tally.stop = len(finished) == WRITERS  # ends the killer's wait
                    tally.changed.notify_all()

        def update(share: int) -> None:
            dynamodb = dynamodb_client(server, retries=10, read_timeout=60)
            dynamodb.meta.events.register("needs-retry.dynamodb.UpdateItem", count_5xx)
            for _ in range(share):
                with tally.changed:
                    tally.requests += 1
                dynamodb.update_item(
                    TableName=table,
                    Key=key,
                    UpdateExpression="ADD n :one",
                    ExpressionAttributeValues={":one": {"N": "1"}},
                )
                with tally.changed:
                    tally.adds_acknowledged += 1
                    tally.changed.notify_all()

        workers = [
            threading.Thread(target=work, args=(updates // WRITERS,), daemon=True)
            for _ in range(WRITERS)
        ]
        for worker in workers:
            worker.start()
        rounds = 0
        with psycopg.connect(POSTGRES_URL, autocommit=True) as conn:
            while not tally.stop:
                if not tally.wait_for(tally.acknowledged + rng.randrange(1, 5)):
                    trial.fail("updates stopped being acknowledged")
                    break
                proxy.cut_at(COMMIT_MARKER, deliver=rounds % 2 == 0)
                conn.execute(_END_ALL, (app_name,))
                rounds += 1
        for worker in workers:
            worker.join(PATIENCE)
        counter = int(
            setup.get_item(TableName=table, Key=key, ConsistentRead=True)["Item"]["n"]["N"]
        )
        trial.requests = tally.requests
        trial.acknowledged = tally.adds_acknowledged
        trial.lost = max(0, tally.adds_acknowledged - counter)
        trial.doubled = max(0, counter - tally.adds_acknowledged)
        trial.server_errors = tally.server_errors
        if tally.adds_acknowledged != (updates // WRITERS) * WRITERS:
            trial.fail("an update was never acknowledged")
    return trial


def frozen_database(workdir: Path, rng: random.Random, bound: float = 8.0) -> Trial:
    """While the database does not answer, a write answers 503 within `bound` seconds and
    a read of a cached table too; once it answers again, writes succeed."""
    trial = Trial()
    with _proxied_node(workdir, statement_timeout="1", pool_timeout="1", connect_timeout="2") as (
        server,
        proxy,
        _,
    ):
        dynamodb = dynamodb_client(server)
        table = create_table(dynamodb, "Frozen", ("pk", "S"))
        dynamodb.put_item(TableName=table, Item={"pk": {"S": "before"}})
        trial.acknowledged += 1
        proxy.freeze()
        for n in range(rng.randrange(2, 5)):
            started = time.monotonic()
            trial.requests += 1
            try:
                dynamodb.put_item(TableName=table, Item={"pk": {"S": f"frozen-{n}"}})
                trial.fail("a write succeeded while the database was frozen")
            except ClientError as error:
                status = error.response["ResponseMetadata"]["HTTPStatusCode"]
                trial.server_errors += status == 500
                if status != 503:
                    trial.fail(f"answered {status}, not 503, while frozen")
            if time.monotonic() - started > bound:
                trial.fail(f"a write took {time.monotonic() - started:.1f}s while frozen")
        proxy.thaw()
        deadline = time.monotonic() + PATIENCE
        while True:  # the pool reconnects on its own: no restart
            trial.requests += 1
            try:
                dynamodb.put_item(TableName=table, Item={"pk": {"S": "after"}})
                trial.acknowledged += 1
                break
            except ClientError as error:
                status = error.response["ResponseMetadata"]["HTTPStatusCode"]
                trial.server_errors += status == 500
                if time.monotonic() > deadline:
                    trial.fail("writes did not resume after the database came back")
                    break
        got = dynamodb.get_item(TableName=table, Key={"pk": {"S": "before"}}, ConsistentRead=True)
        trial.lost += "Item" not in got
    return trial


def disk_full(workdir: Path, rng: random.Random) -> Trial | None:
    """None where the machine allows no private mount namespace."""
    if not small_disk.available():
        return None
    trial = Trial()
    mount_point = workdir / f"disk-{secrets.token_hex(4)}"
    mount_point.mkdir()
    with small_disk.small_disk(mount_point) as disk:
        server = start_server(disk.mount_point, command_prefix=disk.command_prefix)
        try:
            dynamodb = dynamodb_client(server)
            table = create_table(dynamodb, "Full", ("pk", "S"))
            kept = [f"k{n}" for n in range(rng.randrange(3, 10))]
            for key in kept:
                trial.requests += 1
                dynamodb.put_item(TableName=table, Item={"pk": {"S": key}})
                trial.acknowledged += 1
            disk.fill()
            big = "x" * 380_000
            for n in range(3):
                trial.requests += 1
                try:
                    dynamodb.put_item(
                        TableName=table, Item={"pk": {"S": f"big{n}"}, "d": {"S": big}}
                    )
                    trial.fail("a write grew the full disk")
                except ClientError as error:
                    status = error.response["ResponseMetadata"]["HTTPStatusCode"]
                    trial.server_errors += status == 500
                    if status != 503:
                        trial.fail(f"answered {status}, not 503, on a full disk")
            for key in kept:
                trial.requests += 1
                got = dynamodb.get_item(TableName=table, Key={"pk": {"S": key}})
                trial.lost += "Item" not in got
            disk.free()
            trial.requests += 1
            dynamodb.put_item(TableName=table, Item={"pk": {"S": "after"}, "d": {"S": big}})
            trial.acknowledged += 1
        finally:
            code = server.stop()
        if code != 0:
            trial.fail(f"SIGTERM ended the server with status {code}")
    return trial


def slowloris(workdir: Path, rng: random.Random, connections: int = 300) -> Trial:
    """Connections that send half a request head and stall must not stop a client."""
    trial = Trial()
    server = start_server(workdir / f"slow-{secrets.token_hex(4)}")
    stalled: list[socket.socket] = []
    try:
        host, port = urlsplit(server.endpoint).hostname, urlsplit(server.endpoint).port
        for _ in range(connections):
            sock = socket.create_connection((host or "127.0.0.1", port or 80), timeout=5)
            sock.sendall(b"POST / HTTP/1.1\r\nHost: x\r\nX-Slow: ")
            stalled.append(sock)
        dynamodb = dynamodb_client(server)
        table = create_table(dynamodb, "Slow", ("pk", "S"))
        for n in range(rng.randrange(5, 20)):
            trial.requests += 2
            dynamodb.put_item(TableName=table, Item={"pk": {"S": f"k{n}"}})
            trial.acknowledged += 1
            got = dynamodb.get_item(TableName=table, Key={"pk": {"S": f"k{n}"}})
            trial.lost += "Item" not in got
    except (ClientError, BotoCoreError, OSError) as error:
        trial.fail(f"a client was not served while connections stalled: {error}")
    finally:
        for sock in stalled:
            sock.close()
        server.stop()
    return trial


Scenario = Callable[[Path, random.Random], Trial | None]
SCENARIOS: dict[str, Scenario] = {
    "SIGKILL under writes, SQLite": lambda w, r: sigkill("sqlite", w, r),
    "SIGKILL under writes, PostgreSQL": lambda w, r: sigkill("postgres", w, r),
    "connection kills, PostgreSQL": connection_kills,
    "frozen database, PostgreSQL": frozen_database,
    "disk full, SQLite": disk_full,
    "slowloris": slowloris,
}
