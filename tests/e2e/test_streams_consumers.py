"""A table's stream consumed by what users already run (issue 14, "A consumer that users
already run"): boto3's `dynamodbstreams` client in a polling loop, the AWS SDK for
JavaScript v3's `@aws-sdk/client-dynamodb-streams` in Node (pinned in
tests/e2e/js/package.json; tests/e2e/js/streams_consumer.mjs), and `dynafed streams tail`.

Each consumer starts before the writes and reads while they happen, on a server whose
shards roll over every few records and whose streams have two lanes (two open shards), so
it follows the lineage (docs/streams.md, "The shard model") to see every record once, each
item's in write order (all of them here: they share one partition key, so one lane)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from typing import Any

import pytest

from tests.e2e.test_enforcement_js_sdk import JS_DIR, ensure_node_modules
from tests.e2e.test_streams import key, new_table, stream_arn
from tests.support.clients import client
from tests.support.server_process import ServerProcess, running_server
from tests.support.stream_poller import StreamPoller

pytestmark = pytest.mark.e2e

SHARD_RECORDS = 4
LANES = 2
WRITES = 10
SHARDS = -(-WRITES // SHARD_RECORDS) + LANES - 1
"""The written lane's shards, and the other lanes' first (empty) ones."""
DEADLINE_SECONDS = 30


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    data_dir = tmp_path_factory.mktemp("dynafed-stream-consumers")
    args = ("--stream-shard-records", str(SHARD_RECORDS), "--stream-lanes", str(LANES))
    with running_server(data_dir, *args) as running:
        yield running


def write_changes(dynamodb: Any, table: str) -> None:
    """WRITES records: inserts, then a change and a removal of the first item."""
    for n in range(WRITES - 2):
        dynamodb.put_item(TableName=table, Item={**key("item", n), "v": {"N": str(n)}})
    dynamodb.put_item(TableName=table, Item={**key("item", 0), "v": {"N": "100"}})
    dynamodb.delete_item(TableName=table, Key=key("item", 0))


EXPECTED = [("INSERT", str(n)) for n in range(WRITES - 2)] + [("MODIFY", "0"), ("REMOVE", "0")]


def test_a_boto3_polling_loop_reads_every_record_in_order(server: ServerProcess) -> None:
    dynamodb = client(server, "dynamodb")
    table = new_table(dynamodb, "NEW_AND_OLD_IMAGES")
    consumer = StreamPoller([client(server, "dynamodbstreams")], stream_arn(dynamodb, table))
    consumer.poll()  # subscribed before anything is written
    writer = threading.Thread(target=write_changes, args=(dynamodb, table))
    writer.start()
    done = threading.Event()
    for _ in range(DEADLINE_SECONDS * 50):
        if len(consumer.records()) >= WRITES:
            break
        if not consumer.poll():
            done.wait(0.02)  # a consumer's pause between empty polls
    writer.join()
    records = consumer.records()
    assert [(r["eventName"], r["dynamodb"]["Keys"]["sk"]["N"]) for r in records] == EXPECTED
    assert len(consumer.shards) == SHARDS
    modify = records[-2]["dynamodb"]
    assert modify["OldImage"]["v"] == {"N": "0"} and modify["NewImage"]["v"] == {"N": "100"}


def test_the_javascript_sdk_v3_streams_client_reads_every_record(server: ServerProcess) -> None:
    ensure_node_modules()
    dynamodb = client(server, "dynamodb")
    table = new_table(dynamodb, "NEW_IMAGE")
    scenario = {
        "endpoint": server.endpoint,
        "region": server.region,
        "accessKeyId": server.access_key,
        "secretAccessKey": server.secret_key,
        "table": table,
        "expected": WRITES,
    }
    node = subprocess.Popen(
        [shutil.which("node") or "node", str(JS_DIR / "streams_consumer.mjs")],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=JS_DIR,
    )
    try:
        assert node.stdin is not None and node.stdout is not None
        node.stdin.write(json.dumps(scenario))
        node.stdin.close()
        node.stdin = None  # sent and closed: `communicate` has nothing more to send
        assert node.stdout.readline() == "polling\n"  # it holds its iterators: now write
        write_changes(dynamodb, table)
        output, errors = node.communicate(timeout=DEADLINE_SECONDS + 30)
    finally:
        if node.poll() is None:
            node.kill()
            node.wait()
    assert node.returncode == 0, errors
    result = json.loads(output)
    records = result["records"]
    assert [(r["eventName"], r["keys"]["sk"]["N"]) for r in records] == EXPECTED
    assert result["streamArn"] == stream_arn(dynamodb, table)
    assert result["listed"] == [result["streamArn"]]
    assert result["shards"] == SHARDS
    numbers = [int(r["sequenceNumber"]) for r in records]
    assert numbers == sorted(numbers)
    assert records[-2]["newImage"]["v"] == {"N": "100"}
    assert all(r.get("oldImage") is None for r in records)  # NEW_IMAGE: no old images
    assert records[-1].get("newImage") is None  # nor a new one for a removal
    assert result["errors"] == {
        "forgedIterator": {"ok": False, "name": "ValidationException", "status": 400},
        "unknownStream": {"ok": False, "name": "ResourceNotFoundException", "status": 400},
        "unknownShard": {"ok": False, "name": "ResourceNotFoundException", "status": 400},
    }


def tail_command(server: ServerProcess, table: str, *args: str) -> list[str]:
    return [
        sys.executable,
        "-m",
        "dynafed.cli",
        "streams",
        "tail",
        table,
        "--endpoint-url",
        server.endpoint,
        "--region",
        server.region,
        "--poll-interval",
        "0.05",
        *args,
    ]


def tail_env(server: ServerProcess) -> dict[str, str]:
    return {
        **os.environ,
        "DYNAFED_ADMIN_ACCESS_KEY_ID": server.access_key,
        "DYNAFED_ADMIN_SECRET_ACCESS_KEY": server.secret_key,
    }


def test_streams_tail_prints_new_records_as_json_lines(server: ServerProcess) -> None:
    dynamodb = client(server, "dynamodb")
    table = new_table(dynamodb, "KEYS_ONLY")
    dynamodb.put_item(TableName=table, Item=key("before-tail"))  # not new: not printed
    tail = subprocess.Popen(
        tail_command(server, table, "--max-records", str(WRITES)),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=tail_env(server),
    )
    try:
        assert tail.stderr is not None
        started = tail.stderr.readline()
        assert started.startswith(f"tailing {stream_arn(dynamodb, table)} from new records")
        write_changes(dynamodb, table)
        output, progress = tail.communicate(timeout=DEADLINE_SECONDS)
    finally:
        if tail.poll() is None:
            tail.kill()
            tail.wait()
    assert tail.returncode == 0, progress
    records = [json.loads(line) for line in output.splitlines()]
    assert [(r["eventName"], r["dynamodb"]["Keys"]["sk"]["N"]) for r in records] == EXPECTED
    assert records[0]["dynamodb"]["Keys"]["pk"] == {"S": "item"}
    assert records[0]["eventSource"] == "aws:dynamodb"
    assert "T" in records[0]["dynamodb"]["ApproximateCreationDateTime"]  # ISO-8601 text
    assert "read to its end" in progress  # it followed the lineage across shards


def test_streams_tail_from_start_stops_at_the_end_of_an_ended_stream(
    server: ServerProcess,
) -> None:
    dynamodb = client(server, "dynamodb")
    table = new_table(dynamodb, "NEW_IMAGE")
    write_changes(dynamodb, table)
    dynamodb.delete_table(TableName=table)
    # The table is gone, so the tail finds no stream to read.
    gone = subprocess.run(
        tail_command(server, table, "--from-start"),
        capture_output=True,
        text=True,
        env=tail_env(server),
        timeout=DEADLINE_SECONDS,
        check=False,
    )
    assert gone.returncode == 1 and "ResourceNotFoundException" in gone.stderr

    table = new_table(dynamodb, "NEW_IMAGE")
    write_changes(dynamodb, table)
    dynamodb.update_table(TableName=table, StreamSpecification={"StreamEnabled": False})
    ended = subprocess.run(
        tail_command(server, table, "--from-start"),
        capture_output=True,
        text=True,
        env=tail_env(server),
        timeout=DEADLINE_SECONDS,
        check=False,
    )
    assert ended.returncode == 0, ended.stderr
    records = [json.loads(line) for line in ended.stdout.splitlines()]
    assert [(r["eventName"], r["dynamodb"]["Keys"]["sk"]["N"]) for r in records] == EXPECTED
    assert "DISABLED and was read to its end" in ended.stderr
