"""Sign-ins run on threads of their own, and a full queue answers at once."""

from __future__ import annotations

import asyncio
import os
import threading

from dynafed.server.signin_pool import SignInPool


def test_work_beyond_threads_and_queue_is_refused_at_once_and_places_come_back() -> None:
    pool = SignInPool(threads=1, queue=1)
    release = threading.Event()
    started = threading.Event()

    def blocked() -> str:
        started.set()
        assert release.wait(30)
        return "done"

    async def scenario() -> list[str | None]:
        running = asyncio.ensure_future(pool.run(blocked))
        assert await asyncio.to_thread(started.wait, 30)
        queued = asyncio.ensure_future(pool.run(lambda: "queued"))
        await asyncio.sleep(0)  # one loop turn: the task takes its place, then awaits
        refused = await pool.run(lambda: "never")  # both places are taken
        release.set()
        finished = [await running, await queued]
        after = await pool.run(lambda: "after")  # the places were given back
        return [*finished, refused, after]

    try:
        assert asyncio.run(scenario()) == ["done", "queued", None, "after"]
    finally:
        release.set()
        pool.close()


def test_the_work_runs_on_a_sign_in_thread() -> None:
    pool = SignInPool(threads=1, queue=0)
    try:
        name = asyncio.run(pool.run(lambda: threading.current_thread().name))
        assert name is not None and name.startswith("dynafed-signin")
    finally:
        pool.close()


def test_sign_ins_run_at_a_lower_priority_on_the_last_half_of_the_cores() -> None:
    """Argon2 takes caches and memory bandwidth as well as CPU: requests keep cores of their
    own (Linux, where a thread's priority and cores are its own)."""
    cores = sorted(os.sched_getaffinity(0))
    pool = SignInPool(threads=1, queue=0)
    try:
        seen = asyncio.run(
            pool.run(lambda: (os.sched_getaffinity(0), os.getpriority(os.PRIO_PROCESS, 0)))
        )
    finally:
        pool.close()
    assert seen is not None
    affinity, nice = seen
    expected = set(cores[len(cores) // 2 :]) if len(cores) > 1 else set(cores)
    assert affinity == expected
    assert nice >= os.getpriority(os.PRIO_PROCESS, 0) + 10 or nice == 19
    assert os.sched_getaffinity(0) == set(cores)  # the rest of the process is untouched
