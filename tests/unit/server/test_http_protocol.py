"""The gathering transport sends a response's head and body with one write, in order."""

from __future__ import annotations

import asyncio
from typing import Any

from dynafed.server.http_protocol import _GatheringTransport


class RecordingTransport:
    def __init__(self) -> None:
        self.writes: list[bytes] = []
        self.closed = False

    def write(self, data: bytes) -> None:
        self.writes.append(data)

    def close(self) -> None:
        self.closed = True

    def get_extra_info(self, name: str) -> Any:
        return ("127.0.0.1", 1234) if name == "peername" else None


def gathering() -> tuple[_GatheringTransport, RecordingTransport, asyncio.AbstractEventLoop]:
    loop = asyncio.new_event_loop()
    real = RecordingTransport()
    return _GatheringTransport(real, loop), real, loop  # type: ignore[arg-type]


def test_a_flush_sends_everything_written_as_one_write() -> None:
    transport, real, loop = gathering()
    transport.write(b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\n")
    transport.write(b"{}")
    assert real.writes == []
    transport.flush()
    assert real.writes == [b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\n{}"]
    loop.close()


def test_writes_outside_a_response_leave_by_the_end_of_the_loop_iteration() -> None:
    transport, real, loop = gathering()
    transport.write(b"HTTP/1.1 100 Continue\r\n\r\n")  # the client waits for this one
    loop.run_until_complete(asyncio.sleep(0))
    assert real.writes == [b"HTTP/1.1 100 Continue\r\n\r\n"]
    loop.close()


def test_close_sends_what_is_pending_first() -> None:
    transport, real, loop = gathering()
    transport.write(b"HTTP/1.1 400 Bad Request\r\n\r\n")
    transport.close()
    assert real.writes == [b"HTTP/1.1 400 Bad Request\r\n\r\n"] and real.closed
    loop.close()


def test_other_calls_reach_the_real_transport() -> None:
    transport, _, loop = gathering()
    assert transport.get_extra_info("peername") == ("127.0.0.1", 1234)
    loop.close()
