#!/usr/bin/env python3
"""Median round-trip latency of GetItem and PutItem with boto3 on loopback, dynafed vs peers.

One client, one request at a time (what an application's test suite sees), the same requests
against every target in the same run. Figures are ratios dynafed ÷ peer; the machine is shared
and noisy, so absolute numbers matter less than the ratios.

    .venv/bin/python benchmarks/boto3_latency.py [--requests 500] [--targets dynafed,moto,...]
"""

from __future__ import annotations

import argparse
import secrets
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from loadbench.loader import client
from loadbench.processes import free_port, start, stop
from loadbench.signing import Credentials
from loadbench.targets import all_targets

REGION = "us-east-1"
TABLE = "LatencyScores"


def _create_table(dynamodb: Any) -> None:
    dynamodb.create_table(
        TableName=TABLE,
        AttributeDefinitions=[
            {"AttributeName": "UserId", "AttributeType": "S"},
            {"AttributeName": "GameTitle", "AttributeType": "S"},
        ],
        KeySchema=[
            {"AttributeName": "UserId", "KeyType": "HASH"},
            {"AttributeName": "GameTitle", "KeyType": "RANGE"},
        ],
        BillingMode="PAY_PER_REQUEST",
    )
    deadline = time.monotonic() + 30
    while dynamodb.describe_table(TableName=TABLE)["Table"]["TableStatus"] != "ACTIVE":
        if time.monotonic() > deadline:
            raise RuntimeError("table never became ACTIVE")
        time.sleep(0.1)


def _item(index: int) -> dict[str, Any]:
    return {
        "UserId": {"S": f"player-{index % 200}"},
        "GameTitle": {"S": f"game-{index}"},
        "TopScore": {"N": str(index * 7)},
        "Wins": {"N": "3"},
    }


def _timed(call: Any, count: int) -> list[float]:
    samples = []
    for index in range(count):
        started = time.perf_counter()
        call(index)
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def measure(dynamodb: Any, count: int) -> dict[str, float]:
    _create_table(dynamodb)
    for index in range(50):  # warm connections and caches
        dynamodb.put_item(TableName=TABLE, Item=_item(index))
    put = _timed(lambda i: dynamodb.put_item(TableName=TABLE, Item=_item(i)), count)

    def get(index: int) -> None:
        key = {k: v for k, v in _item(index).items() if k in ("UserId", "GameTitle")}
        assert "Item" in dynamodb.get_item(TableName=TABLE, Key=key)

    got = _timed(get, count)
    return {"PutItem": statistics.median(put), "GetItem": statistics.median(got)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=500)
    parser.add_argument("--targets", default="dynafed,moto,dynalite-disk,ddb-local")
    args = parser.parse_args()
    admin = Credentials("AKIABENCHADMIN000000", secrets.token_hex(20))
    targets = all_targets(admin)
    results: dict[str, dict[str, float]] = {}
    for name in args.targets.split(","):
        target = targets[name]
        reason = target.unavailable()
        if reason:
            print(f"{name}: unavailable ({reason})")
            continue
        with tempfile.TemporaryDirectory() as scratch:
            port = free_port()
            server = start(
                name,
                target.argv(port, Path(scratch)),
                port=port,
                log_path=Path(scratch) / "server.log",
                cpus=None,
                env=target.env,
                cwd=target.cwd,
            )
            try:
                dynamodb = client(f"http://127.0.0.1:{port}", REGION, admin)
                results[name] = measure(dynamodb, args.requests)
            finally:
                stop(server)
        print(f"{name}: " + ", ".join(f"{op} {ms:.2f} ms" for op, ms in results[name].items()))
    if "dynafed" in results:
        print("\n| target | GetItem p50 ms | PutItem p50 ms | dynafed ÷ target (Get, Put) |")
        print("|---|---|---|---|")
        ours = results["dynafed"]
        for name, figures in results.items():
            ratio = (ours["GetItem"] / figures["GetItem"], ours["PutItem"] / figures["PutItem"])
            print(
                f"| {name} | {figures['GetItem']:.2f} | {figures['PutItem']:.2f} | "
                f"{ratio[0]:.2f}, {ratio[1]:.2f} |"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
