"""Several server processes on one listening socket: `dynafed serve --workers N`.

One Python process serves requests on one core (the GIL). With more cores, N forked workers
share the socket the parent bound (the kernel hands each new connection to one of them) and
each builds its own app: storage connections, writer thread, caches. Nothing else is
shared, which the storage design already allows: every node of a cluster reads the same
documents (storage/port.py), so N workers on one machine behave like N nodes.

- PostgreSQL: as several nodes.
- SQLite: WAL lets every worker read at once. Writes from several processes are serialized
  by SQLite's file lock, which each worker's group-commit writer takes with BEGIN IMMEDIATE;
  the writers queue for it on a lock file first (storage/writer_turns.py), so the next one
  starts the moment a commit ends. Durability is unchanged (synchronous=FULL, nothing is
  acknowledged before its COMMIT). Each worker groups its own writes.

The parent forks the workers before any thread exists, then only waits: SIGTERM is passed
on to every worker (each finishes its requests in flight and closes its storage); Ctrl-C
reaches the workers from the terminal directly. A worker that exits unexpectedly is
replaced, unless it failed right after starting (a bad storage URL, say), which stops the
server. A worker whose parent disappears (kill -9) stops itself.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading
import time
import traceback
from collections.abc import Callable

STARTUP_GRACE_SECONDS = 5.0
"""A worker that exits this soon after starting failed to start: restarting cannot help."""
ORPHAN_CHECK_SECONDS = 1.0


MOST_WORKERS_BY_DEFAULT = 8
"""`--workers auto` stops here: past it, a SQLite file's single writer and the database's
connections limit what more processes add, and each costs its memory."""


def workers_for_cores() -> int:
    """`--workers auto`: one worker per core this process may run on (its CPU affinity, so
    `taskset` and container CPU sets are honoured), at most `MOST_WORKERS_BY_DEFAULT`."""
    return max(1, min(len(os.sched_getaffinity(0)), MOST_WORKERS_BY_DEFAULT))


class WorkersFailed(Exception):
    """A worker exited while starting; the server stopped."""


def run_workers(
    count: int, serve_one: Callable[[], None], on_exit: Callable[[int], None] | None = None
) -> None:
    """Fork `count` processes running `serve_one()` and wait for them; returns once all
    have stopped after SIGTERM (or Ctrl-C). `on_exit(pid)` is told of each worker that
    exited."""
    supervisor = _Supervisor(serve_one, on_exit)
    signal.signal(signal.SIGTERM, supervisor.stop)
    signal.signal(signal.SIGINT, supervisor.interrupted)
    for _ in range(count):
        supervisor.start()
    supervisor.wait()


class _Supervisor:
    def __init__(
        self, serve_one: Callable[[], None], on_exit: Callable[[int], None] | None
    ) -> None:
        self._serve_one = serve_one
        self._on_exit = on_exit
        self._started_at: dict[int, float] = {}
        self._stopping = False
        self._failed: str | None = None

    def start(self) -> None:
        pid = os.fork()
        if pid == 0:
            _worker(self._serve_one, parent=os.getppid())
        self._started_at[pid] = time.monotonic()

    def stop(self, signum: int = signal.SIGTERM, _frame: object = None) -> None:
        self._stopping = True
        for pid in self._started_at:
            _signal(pid, signal.SIGTERM)

    def interrupted(self, signum: int, _frame: object) -> None:
        # Ctrl-C: the terminal sent SIGINT to every worker as well (one process group);
        # a second signal would make uvicorn abandon the requests in flight.
        self._stopping = True

    def wait(self) -> None:
        while self._started_at:
            try:
                pid, status = os.wait()
            except ChildProcessError:
                break
            started = self._started_at.pop(pid, None)
            if self._on_exit is not None:
                self._on_exit(pid)
            if started is None or self._stopping:
                continue
            code = os.waitstatus_to_exitcode(status)
            if time.monotonic() - started < STARTUP_GRACE_SECONDS:
                self._failed = f"a worker exited while starting (status {code})"
                self.stop()
                continue
            line = f"dynafed: worker {pid} exited (status {code}); starting another\n"
            sys.stdout.flush()
            os.write(sys.stdout.fileno(), line.encode())  # one write: workers share the output
            self.start()
        if self._failed is not None:
            raise WorkersFailed(self._failed)


def _worker(serve_one: Callable[[], None], parent: int) -> None:
    """The child side of the fork: serve, then leave without running the parent's exit
    handlers."""
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # uvicorn installs its own handlers
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    threading.Thread(target=_stop_when_orphaned, args=(parent,), daemon=True).start()
    code = 0
    try:
        serve_one()
    except BaseException:  # reported; the process ends either way
        traceback.print_exc()
        code = 1
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)


def _stop_when_orphaned(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(ORPHAN_CHECK_SECONDS)
    os.kill(os.getpid(), signal.SIGTERM)


def _signal(pid: int, signum: int) -> None:
    with contextlib.suppress(ProcessLookupError):  # it has exited meanwhile
        os.kill(pid, signum)
