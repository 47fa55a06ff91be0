"""A SQLite node on a disk that fills up (issue 20, item 5).

The disk is real: a tmpfs of a few MiB in a private mount namespace (tests/support/
small_disk.py), filled with a file until the kernel answers ENOSPC, so SQLite meets the full
disk the way it would in production. What a user checks, with boto3: while the disk is full,
writes answer DynamoDB's retryable `ServiceUnavailable` (HTTP 503) and reads keep answering;
once space is freed, writes succeed again without a restart; SIGTERM while full stops the
server cleanly; a start that cannot use the disk says so in one line naming the file and the
cause, with exit status 2.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.support import server_process, small_disk
from tests.support.clients import client
from tests.support.dynamodb_tables import create_table
from tests.support.server_process import (
    ACCOUNT_ID,
    ADMIN_ACCESS_KEY,
    ADMIN_SECRET_KEY,
    REGION,
    ServerProcess,
    start_server,
)

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(server_process.test_storage() != "sqlite", reason="SQLite's disk"),
    pytest.mark.skipif(not small_disk.available(), reason="needs a private mount namespace"),
]

BIG = "x" * 380_000
"""Larger than whatever the WAL already holds, so a write must grow a file."""


@pytest.fixture
def disk(tmp_path: Path) -> Iterator[small_disk.SmallDisk]:
    mount_point = tmp_path / "disk"
    mount_point.mkdir()
    with small_disk.small_disk(mount_point) as mounted:
        yield mounted


def serve_on(disk: small_disk.SmallDisk) -> ServerProcess:
    return start_server(disk.mount_point, command_prefix=disk.command_prefix)


def put_big(dynamodb: Any, table: str, key: str) -> None:
    dynamodb.put_item(TableName=table, Item={"pk": {"S": key}, "data": {"S": BIG}})


def unavailable(call: Any, **kwargs: Any) -> dict[str, Any]:
    with pytest.raises(ClientError) as caught:
        call(**kwargs)
    response: dict[str, Any] = caught.value.response
    return response


def test_while_full_writes_are_retryable_and_reads_work_then_writes_resume(
    disk: small_disk.SmallDisk,
) -> None:
    server = serve_on(disk)
    try:
        dynamodb = client(server, "dynamodb")
        table = create_table(dynamodb, "Full", ("pk", "S"))
        for n in range(5):
            dynamodb.put_item(TableName=table, Item={"pk": {"S": f"k{n}"}, "n": {"N": str(n)}})

        disk.fill()
        response = unavailable(put_big, dynamodb=dynamodb, table=table, key="big")
        assert response["ResponseMetadata"]["HTTPStatusCode"] == 503
        assert response["Error"]["Code"] == "ServiceUnavailable"
        # A second write and a transaction meet the same full disk, and answer the same.
        again = unavailable(put_big, dynamodb=dynamodb, table=table, key="big-2")
        assert again["Error"]["Code"] == "ServiceUnavailable"

        item = dynamodb.get_item(TableName=table, Key={"pk": {"S": "k3"}})["Item"]
        assert item["n"] == {"N": "3"}
        assert dynamodb.scan(TableName=table)["Count"] == 5  # nothing half-written
        assert table in dynamodb.list_tables()["TableNames"]

        disk.free()
        put_big(dynamodb, table, "big")
        stored = dynamodb.get_item(TableName=table, Key={"pk": {"S": "big"}})["Item"]
        assert stored["data"] == {"S": BIG}
        assert dynamodb.scan(TableName=table, Select="COUNT")["Count"] == 6
        assert server.process.poll() is None  # the same process throughout
    finally:
        server.stop()
    assert "Traceback" not in "".join(server.output)


def test_sigterm_while_full_stops_cleanly_and_keeps_every_acknowledged_write(
    disk: small_disk.SmallDisk,
) -> None:
    server = serve_on(disk)
    dynamodb = client(server, "dynamodb")
    table = create_table(dynamodb, "FullStop", ("pk", "S"))
    dynamodb.put_item(TableName=table, Item={"pk": {"S": "kept"}})
    disk.fill()
    unavailable(put_big, dynamodb=dynamodb, table=table, key="lost")

    assert server.stop() == 0
    output = "".join(server.output)
    assert "Traceback" not in output, output

    disk.free()
    restarted = serve_on(disk)
    try:
        again = client(restarted, "dynamodb")
        assert again.get_item(TableName=table, Key={"pk": {"S": "kept"}})["Item"]
        assert "Item" not in again.get_item(TableName=table, Key={"pk": {"S": "lost"}})
    finally:
        restarted.stop()


def serve_once(disk: small_disk.SmallDisk) -> subprocess.CompletedProcess[str]:
    """`dynafed serve` expected to refuse to start: its exit status and what it said."""
    return subprocess.run(
        [
            *disk.command_prefix,
            sys.executable,
            "-m",
            "dynafed.cli",
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            "0",
            "--data-dir",
            str(disk.mount_point),
            "--region",
            REGION,
            "--account-id",
            ACCOUNT_ID,
        ],
        capture_output=True,
        text=True,
        env={
            **os.environ,
            "DYNAFED_ADMIN_ACCESS_KEY_ID": ADMIN_ACCESS_KEY,
            "DYNAFED_ADMIN_SECRET_ACCESS_KEY": ADMIN_SECRET_KEY,
        },
        timeout=60,
        check=False,
    )


def test_a_start_on_a_full_disk_names_the_file_and_the_cause(
    disk: small_disk.SmallDisk,
) -> None:
    serve_on(disk).stop()  # a database, stopped cleanly: its WAL and index are gone
    disk.fill()
    refused = serve_once(disk)
    assert refused.returncode == 2, refused
    database = disk.mount_point / "dynafed.sqlite3"
    assert refused.stderr.splitlines() == [
        f"dynafed serve: cannot use the database {database}: the disk is full"
    ]
    disk.free()
    serve_on(disk).stop()


def test_a_start_on_a_full_disk_without_keys_names_the_file_it_could_not_write(
    disk: small_disk.SmallDisk,
) -> None:
    disk.fill()
    refused = subprocess.run(
        [
            *disk.command_prefix,
            sys.executable,
            "-m",
            "dynafed.cli",
            "serve",
            "--port",
            "0",
            "--data-dir",
            str(disk.mount_point),
        ],
        capture_output=True,
        text=True,
        env={k: v for k, v in os.environ.items() if not k.startswith("DYNAFED_ADMIN_")},
        timeout=60,
        check=False,
    )
    assert refused.returncode == 2, refused
    keys = disk.mount_point / "admin-credentials.json"
    assert refused.stderr.splitlines() == [f"dynafed serve: cannot write {keys}: the disk is full"]
    assert not disk.outside("admin-credentials.json").exists()  # nothing half-written


def test_a_start_on_a_read_only_file_system_names_the_file_and_the_cause(
    disk: small_disk.SmallDisk,
) -> None:
    serve_on(disk).stop()
    disk.remount("ro")
    refused = serve_once(disk)
    assert refused.returncode == 2, refused
    assert refused.stderr.splitlines() == [
        f"dynafed serve: --data-dir {disk.mount_point} is on a read-only file system: "
        f"remount it read-write or choose another --data-dir"
    ]
