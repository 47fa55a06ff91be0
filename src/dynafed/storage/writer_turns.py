"""Whose turn it is to write an SQLite file, among the processes serving it.

SQLite lets one connection write at a time, and a connection that finds the file locked
waits by sleeping and retrying (busy_timeout): 1 ms, then 2, 5, 10 … With several server
processes (`serve --workers`) each committing batches back to back, the loser of every race
slept past the moment the lock came free, so two workers wrote less than one. Taking turns
on an advisory file lock first (flock on a file beside the database) parks the waiting
writer in the kernel, which wakes it the moment the other one commits.

The lock orders dynafed's own writers only; SQLite's lock stays the one that guarantees
safety, so a tool that writes without it (the sqlite3 shell) is still safe, merely unordered.
A separate file, because closing any descriptor of the database file itself would drop the
POSIX locks SQLite holds on it in this process.
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path
from types import TracebackType


class WriterTurns:
    """An exclusive advisory lock on `<database>-writer`, held around each write batch."""

    def __init__(self, database: Path) -> None:
        self.path = database.with_name(database.name + "-writer")
        self._fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)

    def __enter__(self) -> None:
        fcntl.flock(self._fd, fcntl.LOCK_EX)

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        fcntl.flock(self._fd, fcntl.LOCK_UN)

    def close(self) -> None:
        fd, self._fd = self._fd, -1
        if fd >= 0:
            os.close(fd)
