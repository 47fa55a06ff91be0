"""An acknowledged write survives `kill -9` of the server (issue 2, storage durability)."""

from __future__ import annotations

import signal
import threading
import time
from pathlib import Path

import botocore.exceptions

from tests.support.clients import client
from tests.support.server_process import start_server

TABLE = "Durability"
WRITERS = 8


def _create_table(dynamodb: object) -> None:
    dynamodb.create_table(  # type: ignore[attr-defined]
        TableName=TABLE,
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        BillingMode="PAY_PER_REQUEST",
    )


def test_acknowledged_writes_survive_sigkill(tmp_path: Path) -> None:
    server = start_server(tmp_path)
    acknowledged: list[str] = []
    lock = threading.Lock()
    stop = threading.Event()
    try:
        _create_table(client(server, "dynamodb"))

        def writer(worker: int) -> None:
            dynamodb = client(server, "dynamodb")
            sequence = 0
            while not stop.is_set():
                key = f"w{worker}-{sequence}"
                try:
                    dynamodb.put_item(
                        TableName=TABLE, Item={"pk": {"S": key}, "n": {"N": str(sequence)}}
                    )
                except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError):
                    return  # the server died under us: this write was never acknowledged
                with lock:
                    acknowledged.append(key)
                sequence += 1

        threads = [threading.Thread(target=writer, args=(i,)) for i in range(WRITERS)]
        for thread in threads:
            thread.start()
        deadline = time.monotonic() + 20
        while len(acknowledged) < 300 and time.monotonic() < deadline:
            time.sleep(0.05)
        server.process.send_signal(signal.SIGKILL)  # writes are still in flight
        server.process.wait(10)
        stop.set()
        for thread in threads:
            thread.join(30)
    finally:
        server.stop()
    assert len(acknowledged) >= 300

    restarted = start_server(tmp_path)
    try:
        dynamodb = client(restarted, "dynamodb")
        missing = [
            key
            for key in acknowledged
            if "Item" not in dynamodb.get_item(TableName=TABLE, Key={"pk": {"S": key}})
        ]
        assert missing == []
    finally:
        restarted.stop()


def test_sigterm_shuts_down_cleanly_and_keeps_data(tmp_path: Path) -> None:
    server = start_server(tmp_path)
    dynamodb = client(server, "dynamodb")
    _create_table(dynamodb)
    dynamodb.put_item(TableName=TABLE, Item={"pk": {"S": "kept"}})
    # uvicorn re-raises the signal after its graceful shutdown, so the status is -SIGTERM.
    assert server.stop(signal.SIGTERM) in (0, -signal.SIGTERM)
    assert any("dynafed stopped" in line for line in server.output)

    restarted = start_server(tmp_path)
    try:
        item = client(restarted, "dynamodb").get_item(TableName=TABLE, Key={"pk": {"S": "kept"}})
        assert item["Item"] == {"pk": {"S": "kept"}}
    finally:
        restarted.stop()
