"""`serve --test-clock-file`: a clock for end-to-end tests of time limits that are otherwise
testable only in process (a Streams shard iterator's 15 minutes, the 24-hour trim of stream
records, TTL deletions).

The Streams API and the background worker (TTL sweeps, stream trimming, index backfills,
point-in-time log folding) read the time as the system clock plus the number of seconds
written in the file (0 while it is missing or empty); a test moves that time forward by
rewriting the file, without restarting the server. Everything else keeps the system clock:
SigV4 (a client signs with the real time), STS and IAM credentials, sessions and tokens. It is
a command-line option only, with no environment variable or settings file behind it, so a
deployment cannot turn it on by accident, and the server says so at start."""

from __future__ import annotations

import os
import time
from pathlib import Path


class OffsetFileClock:
    """The system clock plus the seconds in `path`, re-read whenever the file changes."""

    def __init__(self, path: Path) -> None:
        self._path = path
        self._seen: tuple[int, int] | None = None
        self._offset = 0.0

    def now(self) -> float:
        return time.time() + self._current_offset()

    def _current_offset(self) -> float:
        try:
            stat = os.stat(self._path)
        except FileNotFoundError:
            self._seen, self._offset = None, 0.0
            return 0.0
        seen = (stat.st_mtime_ns, stat.st_size)
        if seen != self._seen:
            text = self._path.read_text().strip()
            self._offset = float(text) if text else 0.0
            self._seen = seen
        return self._offset
