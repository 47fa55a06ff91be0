"""Time to Live end to end: a server started with a short `--ttl-sweep-interval` deletes
expired items in the background, and their index entries with them.

Behaviour follows the Developer Guide page "Time to Live (TTL)": an item expires when its TTL
attribute, a Number of epoch seconds, is before the current time; other types are ignored;
expired items stay readable until the background process deletes them."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.support.clients import client
from tests.support.dynamodb_tables import create_table, index
from tests.support.server_process import ServerProcess, running_server

pytestmark = pytest.mark.e2e

SWEEP_SECONDS = 0.2


@pytest.fixture(scope="module")
def sweeping_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    data_dir: Path = tmp_path_factory.mktemp("dynafed-ttl")
    with running_server(data_dir, "--ttl-sweep-interval", str(SWEEP_SECONDS)) as server:
        yield server


def keys_of(dynamodb: Any, table: str, **extra: Any) -> set[str]:
    items = dynamodb.scan(TableName=table, **extra)["Items"]
    return {item["pk"]["S"] for item in items}


def wait_until(predicate: Any, timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(SWEEP_SECONDS / 2)
    raise AssertionError("condition not reached before the timeout")


def test_expired_items_are_swept_with_their_index_entries(
    sweeping_server: ServerProcess,
) -> None:
    dynamodb = client(sweeping_server, "dynamodb")
    table = create_table(
        dynamodb,
        "Sessions",
        ("pk", "S"),
        attributes={"user": "S"},
        GlobalSecondaryIndexes=[index("ByUser", "user")],
    )
    now = int(time.time())
    items = {
        "expired": {"N": str(now - 60)},
        "expired-fraction": {"N": f"{now - 1}.5"},
        "future": {"N": str(now + 3600)},
        "not-a-number": {"S": str(now - 60)},
        "ancient": {"N": str(now - 6 * 365 * 24 * 3600)},
    }
    for name, expires in items.items():
        dynamodb.put_item(
            TableName=table,
            Item={"pk": {"S": name}, "user": {"S": "ann"}, "expires": expires},
        )
    dynamodb.put_item(TableName=table, Item={"pk": {"S": "no-ttl"}, "user": {"S": "ann"}})
    # Before TTL is switched on nothing is deleted, however old the timestamps.
    time.sleep(SWEEP_SECONDS * 3)
    assert len(keys_of(dynamodb, table)) == 6
    dynamodb.update_time_to_live(
        TableName=table,
        TimeToLiveSpecification={"Enabled": True, "AttributeName": "expires"},
    )
    survivors = {"future", "not-a-number", "ancient", "no-ttl"}
    wait_until(lambda: keys_of(dynamodb, table) == survivors)
    assert keys_of(dynamodb, table, IndexName="ByUser") == survivors
    described = dynamodb.describe_table(TableName=table)["Table"]
    assert described["ItemCount"] == 4
    assert described["GlobalSecondaryIndexes"][0]["ItemCount"] == 4


def test_items_written_already_expired_are_swept_too(sweeping_server: ServerProcess) -> None:
    dynamodb = client(sweeping_server, "dynamodb")
    table = create_table(dynamodb, "Cache", ("pk", "S"))
    dynamodb.update_time_to_live(
        TableName=table, TimeToLiveSpecification={"Enabled": True, "AttributeName": "ttl"}
    )
    dynamodb.put_item(
        TableName=table, Item={"pk": {"S": "stale"}, "ttl": {"N": str(int(time.time()) - 5)}}
    )
    dynamodb.put_item(TableName=table, Item={"pk": {"S": "fresh"}, "ttl": {"N": "99999999999"}})
    wait_until(lambda: keys_of(dynamodb, table) == {"fresh"})
