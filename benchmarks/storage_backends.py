"""Storage-level throughput of GetItem-, PutItem- and Query-shaped calls, SQLite vs PostgreSQL.

No HTTP, no parsing: just the storage port as the services call it, from N threads for a
fixed time each. Writes are durable on both backends (SQLite FULL sync; PostgreSQL's
default synchronous_commit=on).

    .venv/bin/python benchmarks/storage_backends.py [--threads 1,8] [--seconds 2] \
        [--postgres postgresql://postgres@127.0.0.1:5432/test]
"""

from __future__ import annotations

import argparse
import secrets
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

import psycopg

from dynafed.storage.port import KeyRange, Storage, WriteTxn
from dynafed.storage.postgres import PostgresStorage
from dynafed.storage.sqlite import SqliteStorage

T = "bench"
ITEM = {"pk": {"S": "user-0001"}, "sk": {"S": "order-0001"}, "body": {"S": "x" * 200}}
PARTITIONS = 100
PER_PARTITION = 20


def seed(storage: Storage) -> None:
    def fill(txn: WriteTxn, partition: bytes) -> None:
        for s in range(PER_PARTITION):
            txn.put_item(T, partition, b"s%03d" % s, ITEM, 250)

    for p in range(PARTITIONS):
        storage.write(lambda txn, p=p: fill(txn, b"p%03d" % p))


def get_item(storage: Storage, t: int, i: int) -> None:
    with storage.read() as view:
        view.get_item(T, b"p%03d" % (i % PARTITIONS), b"s%03d" % (i % PER_PARTITION))


def put_item(storage: Storage, t: int, i: int) -> None:
    key = b"w%02d-%d" % (t, i)
    storage.write(lambda txn: txn.put_item(T, key, b"", ITEM, 250))


def query_10(storage: Storage, t: int, i: int) -> None:
    with storage.read() as view:
        rows = view.query(T, b"p%03d" % (i % PARTITIONS), KeyRange(low=b"s005"))
        for _ in zip(range(10), rows, strict=False):
            pass


OPERATIONS: dict[str, Callable[[Storage, int, int], None]] = {
    "GetItem": get_item,
    "PutItem": put_item,
    "Query (10 items)": query_10,
}


def ops_per_second(
    storage: Storage, op: Callable[[Storage, int, int], None], threads: int, seconds: float
) -> float:
    counts = [0] * threads
    deadline = time.monotonic() + seconds

    def worker(t: int) -> None:
        i = 0
        while time.monotonic() < deadline:
            op(storage, t, i)
            i += 1
        counts[t] = i

    started = time.monotonic()
    pool = [threading.Thread(target=worker, args=(t,)) for t in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    return sum(counts) / (time.monotonic() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", default="1,8")
    parser.add_argument("--seconds", type=float, default=2.0)
    parser.add_argument("--postgres", default="postgresql://postgres@127.0.0.1:5432/test")
    args = parser.parse_args()
    thread_counts = [int(n) for n in args.threads.split(",")]
    schema = f"dynafed_bench_{secrets.token_hex(4)}"
    with tempfile.TemporaryDirectory(dir=".") as tmp:
        backends: dict[str, Storage] = {
            "sqlite": SqliteStorage(Path(tmp) / "bench.sqlite3"),
            "postgres": PostgresStorage(args.postgres, schema=schema, max_size=max(thread_counts)),
        }
        try:
            print(f"{'operation':<18} {'threads':>7} " + " ".join(f"{b:>12}" for b in backends))
            for storage in backends.values():
                seed(storage)
            for name, op in OPERATIONS.items():
                for threads in thread_counts:
                    rates = [
                        ops_per_second(s, op, threads, args.seconds) for s in backends.values()
                    ]
                    print(f"{name:<18} {threads:>7} " + " ".join(f"{r:>10.0f}/s" for r in rates))
        finally:
            for storage in backends.values():
                storage.close()
            with psycopg.connect(args.postgres, autocommit=True) as conn:
                conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


if __name__ == "__main__":
    main()
