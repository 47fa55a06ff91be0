"""Sign-ins run on threads of their own, and a full queue answers at once."""

from __future__ import annotations

import asyncio
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
