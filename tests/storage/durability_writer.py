"""Helper process for test_sqlite_durability.py: writes forever, reporting each ack.

Usage: python durability_writer.py <database file> <threads>
Each thread writes keys "<thread>-<n>" and prints the key once `write` has returned, i.e.
once the storage acknowledged it. The test kills this process with SIGKILL mid-stream.
"""

from __future__ import annotations

import sys
import threading
from itertools import count

from dynafed.storage.sqlite import SqliteStorage

TABLE = "durability"


def main() -> None:
    storage = SqliteStorage(sys.argv[1])
    print_lock = threading.Lock()

    def writer(thread: int) -> None:
        for n in count():
            key = f"{thread}-{n}"
            storage.write(
                lambda txn, key=key: txn.put_item(TABLE, key.encode(), b"", {"k": {"S": key}}, 8)
            )
            with print_lock:
                sys.stdout.write(key + "\n")
                sys.stdout.flush()

    threads = [threading.Thread(target=writer, args=(t,)) for t in range(int(sys.argv[2]))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


if __name__ == "__main__":
    main()
