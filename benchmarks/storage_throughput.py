"""Write throughput of the SQLite storage: group commit vs one commit per write.

Each writer thread does `storage.write(put one item)` in a loop for a fixed time; every
write is durable (WAL, synchronous=FULL) when it returns. `max_batch=1` makes the same
writer thread COMMIT (and fsync) after every write, which is what batching saves.

    .venv/bin/python benchmarks/storage_throughput.py [--seconds 2] [--threads 1,4,16,64]
"""

from __future__ import annotations

import argparse
import tempfile
import threading
import time
from pathlib import Path

from dynafed.storage.sqlite import DEFAULT_MAX_BATCH, SqliteStorage

ITEM = {"id": {"S": "user-0001"}, "name": {"S": "x" * 100}, "n": {"N": "42"}}


def writes_per_second(path: Path, *, threads: int, max_batch: int, seconds: float) -> float:
    storage = SqliteStorage(path, max_batch=max_batch)
    counts = [0] * threads
    deadline = time.monotonic() + seconds

    def writer(t: int) -> None:
        n = 0
        while time.monotonic() < deadline:
            key = f"{t}-{n}".encode()
            storage.write(lambda txn, key=key: txn.put_item("bench", key, b"", ITEM, 130))
            n += 1
        counts[t] = n

    started = time.monotonic()
    pool = [threading.Thread(target=writer, args=(t,)) for t in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    elapsed = time.monotonic() - started
    storage.close()
    return sum(counts) / elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=2.0)
    parser.add_argument("--threads", default="1,4,16,64")
    args = parser.parse_args()
    print(f"{'threads':>7} {'1 commit/write':>15} {'group commit':>13} {'speed-up':>8}")
    for threads in (int(n) for n in args.threads.split(",")):
        rates = []
        for max_batch in (1, DEFAULT_MAX_BATCH):
            with tempfile.TemporaryDirectory(dir=".") as tmp:
                rates.append(
                    writes_per_second(
                        Path(tmp) / "bench.sqlite3",
                        threads=threads,
                        max_batch=max_batch,
                        seconds=args.seconds,
                    )
                )
        single, grouped = rates
        print(f"{threads:>7} {single:>13.0f}/s {grouped:>11.0f}/s {grouped / single:>7.1f}x")


if __name__ == "__main__":
    main()
