#!/usr/bin/env python3
"""p99 DynamoDB latency idle and during a flood of failed sign-ins (security issue 10).

Starts `dynafed serve`, makes a user pool and a table, then measures GetItem and UpdateItem
round trips with boto3, one at a time: first idle, then while `--flood-clients` clients
(a separate process, each from its own loopback address) keep sending wrong passwords to
the sign-in page. The worst case for the server: each attempt names a new user (so no
lockout answers it cheaply) and the server's per-address budget is lifted
(`--serve-args`), so every attempt costs an Argon2 hash, as from a large botnet. Goal: p99
during the flood at most 2x idle. The flood is bounded in time and in requests.

    .venv/bin/python benchmarks/signin_flood.py [--requests 1000] [--flood-clients 32]
        [--serve-args "--signin-failures-per-minute 1000000"]
"""

from __future__ import annotations

import argparse
import http.client
import multiprocessing
import os
import secrets
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from multiprocessing.synchronize import Event
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent))

from loadbench.loader import client
from loadbench.processes import free_port, start, stop
from loadbench.signing import Credentials

REGION = "us-east-1"
TABLE = "FloodScores"
POOL = "us-east-1_Flood"
CALLBACK = "http://127.0.0.1/callback"
CHALLENGE = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
PYTHON = sys.executable


def _users(data_dir: Path, *args: str) -> str:
    command = [PYTHON, "-m", "dynafed.cli", "users", "--data-dir", str(data_dir), *args]
    return subprocess.run(command, capture_output=True, text=True, check=True).stdout


def _make_pool(data_dir: Path) -> str:
    _users(data_dir, "create-pool", POOL)
    client_id = _users(data_dir, "add-client", POOL, "web", "--callback-url", CALLBACK).split()[1]
    _users(data_dir, "add", POOL, "alice", "--password", "alice-password")
    return client_id


def _make_table(dynamodb: Any) -> None:
    dynamodb.create_table(
        TableName=TABLE,
        AttributeDefinitions=[{"AttributeName": "UserId", "AttributeType": "S"}],
        KeySchema=[{"AttributeName": "UserId", "KeyType": "HASH"}],
        BillingMode="PAY_PER_REQUEST",
    )
    for n in range(100):
        dynamodb.put_item(TableName=TABLE, Item={"UserId": {"S": f"p{n}"}, "Wins": {"N": "0"}})


def _percentile(samples: list[float], share: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def _measure(dynamodb: Any, count: int) -> dict[str, list[float]]:
    samples: dict[str, list[float]] = {"GetItem": [], "UpdateItem": []}
    for n in range(count):
        key = {"UserId": {"S": f"p{n % 100}"}}
        started = time.perf_counter()
        dynamodb.get_item(TableName=TABLE, Key=key)
        samples["GetItem"].append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        dynamodb.update_item(
            TableName=TABLE,
            Key=key,
            UpdateExpression="ADD Wins :one",
            ExpressionAttributeValues={":one": {"N": "1"}},
        )
        samples["UpdateItem"].append((time.perf_counter() - started) * 1000)
    return samples


def _attacker(
    port: int, client_id: str, n: int, stop: Event, budget: int, out: Counter[int]
) -> None:
    path = f"/idp/{POOL}/oauth2/authorize"
    source = (f"127.0.{1 + n // 200}.{1 + n % 200}", 0)
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60, source_address=source)
    form = {
        "client_id": client_id,
        "redirect_uri": CALLBACK,
        "response_type": "code",
        "scope": "openid",
        "code_challenge": CHALLENGE,
        "code_challenge_method": "S256",
    }
    headers = {"content-type": "application/x-www-form-urlencoded"}
    for attempt in range(budget):
        if stop.is_set():
            break
        guess = {"username": f"user-{n}-{attempt}", "password": f"wrong-{n}-{attempt}"}
        body = urlencode({**form, **guess})
        connection.request("POST", path, body=body, headers=headers)
        response = connection.getresponse()
        response.read()
        out[response.status] += 1
    connection.close()


def _flood(
    port: int, client_id: str, clients: int, budget: int, started: Event, stop: Event, queue: Any
) -> None:
    """The flood's own process, so its HTTP work never shares the measuring client's GIL,
    at a low CPU priority and on the last core: a real attacker's CPU is not the server's."""
    os.nice(10)
    cores = sorted(os.sched_getaffinity(0))
    os.sched_setaffinity(0, cores[-1:])
    counts: Counter[int] = Counter()
    threads = [
        threading.Thread(target=_attacker, args=(port, client_id, n, stop, budget, counts))
        for n in range(clients)
    ]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    started.set()
    for thread in threads:
        thread.join()
    queue.put((dict(counts), time.perf_counter() - began))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=1000, help="samples per phase and op")
    parser.add_argument("--flood-clients", type=int, default=32)
    parser.add_argument("--flood-max-seconds", type=float, default=120.0)
    parser.add_argument(
        "--serve-args",
        default="--signin-failures-per-minute 1000000",
        help="extra `dynafed serve` options ('' for a build without the sign-in budget)",
    )
    args = parser.parse_args()
    admin = Credentials("AKIABENCHADMIN000000", secrets.token_hex(20))
    env = {
        "DYNAFED_ADMIN_ACCESS_KEY_ID": admin.access_key_id,
        "DYNAFED_ADMIN_SECRET_ACCESS_KEY": admin.secret_access_key,
    }
    with tempfile.TemporaryDirectory() as scratch:
        data_dir, port = Path(scratch) / "data", free_port()
        serve_args = args.serve_args.split()
        # One process, as the documented figures were measured, unless asked otherwise:
        # `serve` defaults to a worker per core.
        workers = [] if "--workers" in serve_args else ["--workers", "1"]
        argv = [PYTHON, "-m", "dynafed.cli", "serve", *workers, *serve_args, "--port"]
        server = start(
            "dynafed",
            [*argv, str(port), "--data-dir", str(data_dir)],
            port=port,
            log_path=Path(scratch) / "log",
            cpus=None,
            env=env,
        )
        try:
            client_id = _make_pool(data_dir)
            dynamodb = client(server.endpoint, REGION, admin)
            _make_table(dynamodb)
            _measure(dynamodb, 100)  # warm connections and caches
            idle = _measure(dynamodb, args.requests)
            started, stopping = multiprocessing.Event(), multiprocessing.Event()
            results: Any = multiprocessing.Queue()
            budget = 10_000  # attempts per client: the bound in requests
            flood = multiprocessing.Process(
                target=_flood,
                args=(port, client_id, args.flood_clients, budget, started, stopping, results),
            )
            flood.start()
            started.wait(30)
            timer = threading.Timer(args.flood_max_seconds, stopping.set)  # the bound in time
            timer.start()
            flooded = _measure(dynamodb, args.requests)
            stopping.set()
            timer.cancel()
            counts, seconds = results.get(timeout=180)
            flood.join(60)
        finally:
            stop(server)
    load = os.getloadavg()
    print(f"machine: {os.cpu_count()} CPUs, load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    total = sum(counts.values())
    print(
        f"flood: {args.flood_clients} clients, {total} sign-ins in {seconds:.1f} s "
        f"({total / seconds:.1f}/s), answers by status {dict(sorted(counts.items()))}"
    )
    print("| op | idle p50 ms | idle p99 ms | flood p50 ms | flood p99 ms | p99 flood ÷ idle |")
    print("|---|---|---|---|---|---|")
    for op in ("GetItem", "UpdateItem"):
        i99, f99 = _percentile(idle[op], 0.99), _percentile(flooded[op], 0.99)
        print(
            f"| {op} | {statistics.median(idle[op]):.2f} | {i99:.2f} | "
            f"{statistics.median(flooded[op]):.2f} | {f99:.2f} | {f99 / i99:.2f} |"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
