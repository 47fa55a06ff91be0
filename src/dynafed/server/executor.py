"""The worker-thread pool requests run their blocking work on.

`asyncio`'s `run_in_executor` does not carry the caller's context variables into the
thread (unlike `asyncio.to_thread`); this pool does, so what the edge set for a request
(its id, core/current_request.py) is seen by the code that runs it. Copying a context is
a reference copy: nothing per variable."""

from __future__ import annotations

import contextvars
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, ParamSpec, TypeVar

P = ParamSpec("P")
T = TypeVar("T")


class ContextExecutor(ThreadPoolExecutor):
    def submit(self, fn: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs) -> Future[T]:
        context = contextvars.copy_context()
        run: Callable[..., Any] = context.run
        return super().submit(run, fn, *args, **kwargs)
