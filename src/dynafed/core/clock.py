"""Time and randomness come in from outside so pure code stays deterministic under test."""

from __future__ import annotations

import secrets
import time
from typing import Protocol


class Clock(Protocol):
    def now(self) -> float:
        """Seconds since the epoch."""
        ...


class SystemClock:
    now = staticmethod(time.time)
    """`time.time` itself: no Python frame per call (every request reads the clock)."""


class FixedClock:
    """A clock tests move by hand."""

    def __init__(self, now: float) -> None:
        self._now = now

    def now(self) -> float:
        return self._now

    def advance(self, seconds: float) -> None:
        self._now += seconds


def random_token(nbytes: int = 16) -> str:
    return secrets.token_hex(nbytes)
