"""uvicorn's httptools protocol, sending each response with one `send()`.

uvicorn writes a response's head and its body as two transport writes, and uvloop sends
each at once: two system calls per response, the second a few microseconds after the
first. This protocol hands uvicorn a transport that gathers the writes of one loop
iteration and sends them together at the end of the response (or, for anything written
outside a response, e.g. `100 Continue`, at the end of the iteration). Bytes and order are
unchanged; only the number of `send()` calls drops.
"""

from __future__ import annotations

import asyncio
from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol


class _GatheringTransport:
    """A transport whose `write`s are joined into one write per flush."""

    __slots__ = ("_loop", "_pending", "_scheduled", "_transport")

    def __init__(self, transport: asyncio.Transport, loop: asyncio.AbstractEventLoop) -> None:
        self._transport = transport
        self._loop = loop
        self._pending: list[bytes] = []
        self._scheduled = False

    def write(self, data: bytes) -> None:
        self._pending.append(data)
        if not self._scheduled:
            self._scheduled = True
            self._loop.call_soon(self._flush_soon)

    def writelines(self, lines: Any) -> None:
        for data in lines:
            self.write(data)

    def flush(self) -> None:
        pending = self._pending
        if pending:
            data = pending[0] if len(pending) == 1 else b"".join(pending)
            pending.clear()
            self._transport.write(data)

    def _flush_soon(self) -> None:
        self._scheduled = False
        self.flush()

    def close(self) -> None:
        self.flush()
        self._transport.close()

    def __getattr__(self, name: str) -> Any:  # everything else is the real transport's
        return getattr(self._transport, name)


class GatheringHttpToolsProtocol(HttpToolsProtocol):
    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self.transport = _GatheringTransport(transport, self.loop)  # type: ignore[assignment]

    def on_response_complete(self) -> None:
        flush = getattr(self.transport, "flush", None)
        if flush is not None:
            flush()  # the whole response in one send(), before keep-alive bookkeeping
        super().on_response_complete()
