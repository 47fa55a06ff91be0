"""Raw sockets for requests no HTTP client would send: a broken path, a head that never
ends, a connection that says nothing. Every wait is on an event (data, close) with a
generous bound, never a sleep."""

from __future__ import annotations

import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

from tests.support.server_process import ServerProcess

PATIENCE = 20.0
"""Seconds to wait for the server to answer or close: far beyond any limit under test."""


def connect(server: ServerProcess, timeout: float = PATIENCE) -> socket.socket:
    address = urlsplit(server.endpoint)
    assert address.hostname is not None and address.port is not None
    return socket.create_connection((address.hostname, address.port), timeout=timeout)


@dataclass
class Ending:
    """What came back on a connection until the server closed it."""

    data: bytes
    reset: bool
    """The server closed with unread data (RST) rather than an orderly close."""

    @property
    def status(self) -> int | None:
        if not self.data.startswith(b"HTTP/1.1 "):
            return None
        return int(self.data[9:12])


def until_closed(sock: socket.socket, timeout: float = PATIENCE) -> Ending:
    """Everything the server sends until it closes the connection; fails if it does not
    within `timeout` seconds of silence."""
    sock.settimeout(timeout)
    received = bytearray()
    while True:
        try:
            chunk = sock.recv(65536)
        except ConnectionResetError:
            return Ending(bytes(received), reset=True)
        except TimeoutError:
            raise AssertionError(
                f"the server kept the connection open for {timeout} s; got {bytes(received)!r}"
            ) from None
        if not chunk:
            return Ending(bytes(received), reset=False)
        received += chunk


def one_response(sock: socket.socket) -> tuple[int, bytes]:
    """Read one response with a Content-Length body, leaving the connection open."""
    received = bytearray()
    while b"\r\n\r\n" not in received:
        chunk = sock.recv(65536)
        assert chunk, f"closed before a whole response: {bytes(received)!r}"
        received += chunk
    head, _, body = bytes(received).partition(b"\r\n\r\n")
    length = next(
        int(line.split(b":", 1)[1])
        for line in head.split(b"\r\n")[1:]
        if line.lower().startswith(b"content-length:")
    )
    while len(body) < length:
        chunk = sock.recv(65536)
        assert chunk, "closed in the middle of a response body"
        body += chunk
    return int(head[9:12]), body


def request(server: ServerProcess, head: bytes) -> Ending:
    """Send `head` (a request line and headers, ending with the blank line) on a new
    connection that asks to be closed, and read until the server closes it."""
    with connect(server) as sock:
        sock.sendall(head)
        return until_closed(sock)


def get(
    target: bytes,
    method: bytes = b"GET",
    headers: bytes = b"",
    body: bytes = b"",
    host: bytes = b"localhost",
) -> bytes:
    """A whole request for `target` as sent, byte for byte, asking to close after it."""
    length = b"Content-Length: %d\r\n" % len(body)
    return (
        method + b" " + target + b" HTTP/1.1\r\nHost: " + host + b"\r\n" + headers + length
        + b"Connection: close\r\n\r\n" + body
    )  # fmt: skip


def resident_kib(pid: int, field: str = "VmRSS") -> int:
    """A process's resident memory (`VmRSS`) or its peak (`VmHWM`), from /proc."""
    with open(f"/proc/{pid}/status", encoding="ascii") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise AssertionError(f"no {field} in /proc/{pid}/status")
