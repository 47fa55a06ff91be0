"""PostgreSQL write isolation: advisory key locks vs SERIALIZABLE with retry.

Runs each workload for a fixed time from N threads on a fresh schema and reports committed
writes per second and how many `fn` runs were retries. Evidence for
docs/decisions/postgres-write-isolation.md.

    .venv/bin/python benchmarks/storage_postgres_isolation.py \
        [--url postgresql://postgres@127.0.0.1:5432/test] [--threads 8] [--seconds 3]
"""

from __future__ import annotations

import argparse
import secrets
import threading
import time
from collections.abc import Callable

import psycopg

from dynafed.storage.port import WriteTxn
from dynafed.storage.postgres import PostgresStorage
from dynafed.storage.postgres_txn import Isolation

T = "bench"
Workload = Callable[[int, int], Callable[[WriteTxn], None]]  # (thread, i) -> fn


def number(txn: WriteTxn, key: bytes) -> int:
    found = txn.get_item(T, key, b"")
    return 0 if found is None else int(found["n"]["N"])


def put_number(txn: WriteTxn, key: bytes, value: int) -> None:
    txn.put_item(T, key, b"", {"n": {"N": str(value)}}, 10)


def blind_put(thread: int, i: int) -> Callable[[WriteTxn], None]:
    return lambda txn: put_number(txn, b"%d-%d" % (thread, i), i)


def own_key_increment(thread: int, i: int) -> Callable[[WriteTxn], None]:
    key = b"own-%d-%d" % (thread, i % 100)
    return lambda txn: put_number(txn, key, number(txn, key) + 1)


def hot_key_increment(thread: int, i: int) -> Callable[[WriteTxn], None]:
    key = b"hot-%d" % (i % 2)
    return lambda txn: put_number(txn, key, number(txn, key) + 1)


def transfer(thread: int, i: int) -> Callable[[WriteTxn], None]:
    a, b = b"acct-%d" % ((thread + i) % 10), b"acct-%d" % ((thread * 7 + i * 3 + 1) % 10)
    if a == b:
        b = b"acct-%d" % ((thread + i + 1) % 10)

    def fn(txn: WriteTxn) -> None:
        x, y = number(txn, a), number(txn, b)
        put_number(txn, a, x - 1)
        put_number(txn, b, y + 1)

    return fn


WORKLOADS: dict[str, Workload] = {
    "blind put, own keys": blind_put,
    "read-modify-write, own keys": own_key_increment,
    "increment, 2 hot keys": hot_key_increment,
    "2-item transfer, 10 accounts": transfer,
}


def run(url: str, isolation: Isolation, workload: Workload, threads: int, seconds: float) -> str:
    schema = f"dynafed_bench_{secrets.token_hex(4)}"
    storage = PostgresStorage(url, schema=schema, isolation=isolation, max_size=threads)
    commits = [0] * threads
    runs = [0] * threads
    deadline = time.monotonic() + seconds

    def worker(t: int) -> None:
        i = 0
        while time.monotonic() < deadline:
            fn = workload(t, i)

            def counted(txn: WriteTxn, fn: Callable[[WriteTxn], None] = fn) -> None:
                runs[t] += 1
                fn(txn)

            storage.write(counted)
            commits[t] += 1
            i += 1

    started = time.monotonic()
    pool = [threading.Thread(target=worker, args=(t,)) for t in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    elapsed = time.monotonic() - started
    storage.close()
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f'DROP SCHEMA "{schema}" CASCADE')
    retries = sum(runs) - sum(commits)
    return f"{sum(commits) / elapsed:>8.0f}/s {100 * retries / max(sum(runs), 1):>6.1f}% retried"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="postgresql://postgres@127.0.0.1:5432/test")
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=3.0)
    args = parser.parse_args()
    print(f"{args.threads} threads, {args.seconds:g} s per run")
    print(f"{'workload':<30} {'locks':>25} {'serializable':>25}")
    for name, workload in WORKLOADS.items():
        results = [
            run(args.url, isolation, workload, args.threads, args.seconds)
            for isolation in ("locks", "serializable")
        ]
        print(f"{name:<30} {results[0]:>25} {results[1]:>25}")


if __name__ == "__main__":
    main()
