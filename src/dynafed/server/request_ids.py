"""Request ids (`x-amzn-RequestId`) without a random draw per request.

Each id is a per-process random prefix followed by a counter, shaped like the UUIDs AWS's
Query-protocol services return (8-4-4-4-12 hex digits, version nibble 4). Ids are unique
within a process by the counter and across processes and restarts by the 80 random bits
of the prefix; a forked worker draws a prefix of its own. One `uuid4()` per request cost
about a sixth of a GetItem's CPU time (it reads the kernel's random source each time).
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Callable

PREFIX_BYTES = 10
"""80 random bits: the first 20 hex digits (with the version nibble forced)."""


class RequestIds:
    """`next_id()` → a fresh id; `random_bytes(n)` is the process's random source."""

    def __init__(self, random_bytes: Callable[[int], bytes]) -> None:
        self._random_bytes = random_bytes
        self._reseed()
        if hasattr(os, "register_at_fork"):  # a forked worker must not reuse the parent's
            os.register_at_fork(after_in_child=self._reseed)

    def _reseed(self) -> None:
        raw = self._random_bytes(PREFIX_BYTES).hex()
        # 8-4-4-4-... with version 4 and the RFC 4122 variant, as uuid4 text has.
        variant = "89ab"[int(raw[15], 16) & 3]
        self._prefix = f"{raw[:8]}-{raw[8:12]}-4{raw[13:16]}-{variant}{raw[17:20]}-"
        self._counter = itertools.count(1)

    def next_id(self) -> str:
        # The counter's 48 bits wrap after 2^48 requests: a new prefix is drawn first.
        number = next(self._counter)
        if number >= 1 << 48:
            self._reseed()
            number = next(self._counter)
        return f"{self._prefix}{number:012x}"
