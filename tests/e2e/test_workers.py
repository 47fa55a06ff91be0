"""`dynafed serve --workers N`: several processes answer on one port, over one storage.

Workers share nothing but the socket and the storage, like nodes of a cluster; on SQLite
their writes take turns on the file lock. What a user checks: every acknowledged write is
there whichever worker answers the next request, the server still stops cleanly on SIGTERM,
and a worker that dies is replaced.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from tests.support.clients import client
from tests.support.server_process import ServerProcess, start_server

TABLE = "Workers"
WRITERS = 8
WRITES_EACH = 40


@pytest.fixture
def two_workers(tmp_path: Path) -> Iterator[ServerProcess]:
    server = start_server(tmp_path / "data", "--workers", "2")
    # The first worker to start answers the start-up check; wait for the other one too.
    assert wait_for(lambda: "".join(server.output).count("serving") == 2)
    yield server
    server.stop()


def workers_of(server: ServerProcess) -> list[int]:
    listing = subprocess.run(
        ["ps", "--ppid", str(server.process.pid), "-o", "pid="],
        capture_output=True,
        text=True,
        check=False,
    )
    return [int(pid) for pid in listing.stdout.split()]


def gone(pid: int) -> bool:
    """Exited (a zombie waiting for whoever adopted it counts as exited)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return True
    return "\nState:\tZ" in status


def wait_for(condition: Any, timeout: float = 20) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


def create_table(server: ServerProcess) -> None:
    dynamodb = client(server, "dynamodb")
    dynamodb.create_table(
        TableName=TABLE,
        KeySchema=[{"AttributeName": "k", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "k", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )


def test_acknowledged_writes_are_read_back_from_any_worker(two_workers: ServerProcess) -> None:
    assert len(workers_of(two_workers)) == 2
    create_table(two_workers)

    def write_and_read(writer: int) -> set[str]:
        dynamodb = client(two_workers, "dynamodb")  # its own connections
        request_ids = set()
        for n in range(WRITES_EACH):
            key = {"k": {"S": f"{writer}-{n}"}}
            dynamodb.put_item(TableName=TABLE, Item={**key, "n": {"N": str(n)}})
            answer = dynamodb.get_item(TableName=TABLE, Key=key, ConsistentRead=True)
            assert answer["Item"]["n"] == {"N": str(n)}
            request_ids.add(answer["ResponseMetadata"]["RequestId"])
        return request_ids

    with ThreadPoolExecutor(WRITERS) as pool:
        request_ids = set().union(*pool.map(write_and_read, range(WRITERS)))
    dynamodb = client(two_workers, "dynamodb")
    assert dynamodb.scan(TableName=TABLE, Select="COUNT")["Count"] == WRITERS * WRITES_EACH
    described = dynamodb.describe_table(TableName=TABLE)["Table"]
    assert described["ItemCount"] == WRITERS * WRITES_EACH
    assert len(request_ids) == WRITERS * WRITES_EACH  # unique across the workers too


def test_sigterm_stops_every_worker(two_workers: ServerProcess) -> None:
    workers = workers_of(two_workers)
    assert two_workers.stop(signal.SIGTERM) == 0
    assert all(gone(pid) for pid in workers)
    assert wait_for(lambda: "".join(two_workers.output).count("storage closed") == 2)


def test_a_worker_that_dies_is_replaced(two_workers: ServerProcess) -> None:
    create_table(two_workers)
    victim = workers_of(two_workers)[0]
    time.sleep(5)  # past the start-up grace: a later death is a crash, not a failed start
    os.kill(victim, signal.SIGKILL)
    assert wait_for(lambda: gone(victim) and len(workers_of(two_workers)) == 2)
    dynamodb = client(two_workers, "dynamodb")
    for n in range(20):  # every answer comes from a live worker
        dynamodb.put_item(TableName=TABLE, Item={"k": {"S": f"after-{n}"}})
    assert dynamodb.scan(TableName=TABLE, Select="COUNT")["Count"] == 20


def test_workers_stop_when_the_parent_is_killed(two_workers: ServerProcess) -> None:
    workers = workers_of(two_workers)
    two_workers.process.kill()
    two_workers.process.wait()
    assert wait_for(lambda: all(gone(pid) for pid in workers))


def test_the_demo_is_seeded_by_one_process_only(tmp_path: Path) -> None:
    with pytest.raises(RuntimeError, match="--demo seeds its data from one process"):
        start_server(tmp_path / "data", "--workers", "2", "--demo", timeout=10)


def test_memory_storage_is_refused_with_several_workers(tmp_path: Path) -> None:
    with pytest.raises(RuntimeError, match="memory:// storage lives in one process"):
        start_server(tmp_path / "data", "--workers", "2", "--storage", "memory://", timeout=10)


def test_workers_on_a_new_file_start_together_every_time(tmp_path: Path) -> None:
    """Each worker opens the SQLite file as it starts; a new file must not trip them up."""
    for attempt in range(5):
        server = start_server(tmp_path / f"data-{attempt}", "--workers", "2")
        try:
            assert len(workers_of(server)) == 2
            assert client(server, "dynamodb").list_tables()["TableNames"] == []
        finally:
            assert server.stop(signal.SIGTERM) == 0


@pytest.mark.parametrize("cpus", ["all", "one"])
def test_by_default_one_worker_per_core_it_may_use(tmp_path: Path, cpus: str) -> None:
    allowed = sorted(os.sched_getaffinity(0))
    prefix = ("taskset", "-c", str(allowed[0])) if cpus == "one" else ()
    expected = 1 if cpus == "one" else min(len(allowed), 8)
    server = start_server(tmp_path / "data", command_prefix=prefix, default_workers=True)
    try:
        assert wait_for(lambda: f"workers:    {expected}\n" in "".join(server.output))
        if expected > 1:
            assert wait_for(lambda: "".join(server.output).count("serving") == expected)
        assert len(workers_of(server)) == (expected if expected > 1 else 0)
        create_table(server)
        assert client(server, "dynamodb").list_tables()["TableNames"] == [TABLE]
    finally:
        assert server.stop() == 0


def test_the_demo_keeps_to_one_process_by_default(tmp_path: Path) -> None:
    server = start_server(tmp_path / "data", "--demo", default_workers=True)
    try:
        assert wait_for(lambda: "workers:    1\n" in "".join(server.output))
        assert workers_of(server) == []
    finally:
        assert server.stop() == 0
