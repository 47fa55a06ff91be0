"""Threads of their own for sign-ins (password hashing), with a bounded wait list.

An Argon2 check costs tens to hundreds of milliseconds of CPU and 64 MiB. Run on the shared
request workers, a flood of bad sign-ins once held every worker and left DynamoDB and STS
requests queued behind it for seconds. Sign-ins run here instead: `threads` at a time, at
most `queue` more waiting; beyond that the caller is told at once to answer "busy" rather
than queue without bound. On Linux the threads also run at a lower CPU priority (nice +10)
and on the last half of the process's cores only, so when sign-ins and requests compete,
the requests go first and always have cores Argon2's memory traffic does not touch:
sign-in latency absorbs the load, DynamoDB and STS latency do not.
"""

from __future__ import annotations

import asyncio
import os
import sys
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TypeVar

DEFAULT_THREADS = 2
DEFAULT_QUEUE = 32
"""At ~0.1-0.2 s per hash on two threads, the last one queued waits about 2-3 s."""
NICE_INCREMENT = 10

T = TypeVar("T")


def _lower_priority() -> None:
    # On Linux a nice value belongs to the thread (its id as a PRIO_PROCESS target), and the
    # threads Argon2 starts for its lanes inherit it. Elsewhere it would slow the whole
    # process, so leave it.
    if sys.platform == "linux":
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), NICE_INCREMENT)
        # Argon2 is memory-hard: besides CPU it takes caches and memory bandwidth from
        # whatever shares its cores. Keep it to the last half of the cores this process may
        # use (on two cores, one), so requests always find a core it does not touch.
        cores = sorted(os.sched_getaffinity(0))
        if len(cores) > 1:
            os.sched_setaffinity(0, cores[len(cores) // 2 :])


class SignInPool:
    def __init__(self, threads: int = DEFAULT_THREADS, queue: int = DEFAULT_QUEUE) -> None:
        self._executor = ThreadPoolExecutor(
            threads, thread_name_prefix="dynafed-signin", initializer=_lower_priority
        )
        # Taken on the event loop, given back on a sign-in thread when the work is done.
        self._places = threading.BoundedSemaphore(threads + queue)

    async def run(self, work: Callable[..., T], *args: object) -> T | None:
        """`work(*args)` on a sign-in thread; None at once when every place is taken."""
        if not self._places.acquire(blocking=False):
            return None
        try:
            future: Future[T] = self._executor.submit(work, *args)
        except BaseException:
            self._places.release()
            raise
        future.add_done_callback(lambda _: self._places.release())
        return await asyncio.wrap_future(future)

    def close(self) -> None:
        self._executor.shutdown(wait=True, cancel_futures=True)
