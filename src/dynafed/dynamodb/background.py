"""The DynamoDB service's background work: index backfills (secondary and TTL expiry
indexes), the TTL sweeper, the 24-hour trim of stream records and the folding of
point-in-time recovery logs older than their window.

One daemon thread per server. It backfills newly added global secondary indexes promptly
(it looks for scheduled backfills every `backfill_poll` seconds; a look is one small storage
read) and sweeps expired items every `ttl_interval` seconds. All state lives in storage, so
several nodes may run workers against one database: every step re-checks inside its own
write transaction and is idempotent. `stop` returns once the current batch has finished.
"""

from __future__ import annotations

import logging
import threading

from dynafed.core.clock import Clock
from dynafed.dynamodb import backfill, point_in_time, ttl
from dynafed.dynamodb.streams import lifecycle as stream_lifecycle
from dynafed.storage.port import Storage, StorageClosedError

DEFAULT_TTL_INTERVAL = 60.0
DEFAULT_BACKFILL_POLL = 0.2

log = logging.getLogger(__name__)


class BackgroundWorker:
    def __init__(
        self,
        storage: Storage,
        clock: Clock,
        *,
        ttl_interval: float = DEFAULT_TTL_INTERVAL,
        backfill_poll: float = DEFAULT_BACKFILL_POLL,
    ) -> None:
        self._storage = storage
        self._clock = clock
        self._ttl_interval = ttl_interval
        self._backfill_poll = backfill_poll
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None
        self._next_sweep = clock.now() + ttl_interval

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(
                target=self._run, name="dynafed-dynamodb-background", daemon=True
            )
            self._thread.start()

    def stop(self) -> None:
        self._stopping.set()
        if self._thread is not None:
            self._thread.join()
            self._thread = None

    def _run(self) -> None:
        while not self._stopping.wait(self._backfill_poll):
            try:
                self.run_once()
            except StorageClosedError:
                return
            except Exception:  # keep the worker alive; the next round retries
                log.exception("DynamoDB background work failed")

    def run_once(self) -> None:
        """Backfill what is scheduled, and sweep TTL if its interval has passed."""
        stopping = self._stopping.is_set
        backfill.run_pending(self._storage, stopping=stopping)
        ttl.build_pending(self._storage, stopping)
        now = self._clock.now()
        if now >= self._next_sweep and not stopping():
            self._next_sweep = now + self._ttl_interval
            ttl.sweep(self._storage, now, stopping)
            stream_lifecycle.trim(self._storage, now, stopping)
            point_in_time.fold(self._storage, self._clock, stopping)
