"""What one client can make the server hold: caps on a request's head, read deadlines and a
connection cap, enforced in the protocol where the bytes arrive.

uvicorn's httptools protocol buffers a request's head without bound and waits for it, and
for a connection that sends nothing, forever. This protocol refuses instead:

- a request target longer than `max_request_line_bytes`: 414, connection closed;
- one header line longer than `max_header_bytes`, or a head longer than `max_head_bytes`:
  431, closed. The sizes are AWS's own front door's (Application Load Balancer quotas,
  "HTTP headers": request line 16K, single header 16K, whole request header 64K,
  https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-limits.html);
- a head not complete `read_timeout` seconds after its first byte (or after the
  connection opened, for one that sends nothing): 408, closed; a body that stops arriving
  for that long: closed;
- a connection beyond `max_connections` open in this process: 503, closed at once;
- a malformed path (server.request_target): 400, closed.

A refused connection is closed without reading on, so a connection holds at most
`max_head_bytes` of an unfinished head (plus the one read that crossed the cap; uvloop
reads at most 256 KiB at a time), and the server at most `max_connections` of them.
Idle keep-alive connections are closed by uvicorn (`timeout_keep_alive`).
"""

from __future__ import annotations

import asyncio
import http
from dataclasses import dataclass
from typing import Any, ClassVar

import httptools

from dynafed import metrics
from dynafed.server.http_protocol import GatheringHttpToolsProtocol
from dynafed.server.request_target import malformed_path


@dataclass(frozen=True, slots=True)
class HttpLimits:
    """The limits one server process applies (from `Settings`, server/runner.py)."""

    max_request_line_bytes: int = 16 * 1024
    max_header_bytes: int = 16 * 1024
    max_head_bytes: int = 64 * 1024
    read_timeout: float = 10.0
    max_connections: int = 1024


class _Refused(Exception):
    """Raised in a parser callback to stop parsing; the request is answered and closed."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


class LimitedHttpToolsProtocol(GatheringHttpToolsProtocol):
    """uvicorn's httptools protocol (one send() per response) with the limits above."""

    limits: ClassVar[HttpLimits] = HttpLimits()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._head_open = False
        """Between a message's first byte and the end of its head."""
        self._head_size = 0
        """Bytes of the current head parsed so far: its URL and its complete headers."""
        self._head_reads = 0
        """Bytes of the current head received so far, counted by reads: a header still
        incomplete sits in the parser's buffer, unseen by `_head_size`."""
        self._body_in_read = 0
        """Body bytes of the read being parsed: the rest of a read that ends inside a head
        belongs to that head (or, rarely, to a pipelined request before it: counted too)."""
        self._deadline: float | None = None
        self._deadline_timer: asyncio.TimerHandle | None = None

    @classmethod
    def with_limits(cls, limits: HttpLimits) -> type[LimitedHttpToolsProtocol]:
        """This protocol, as the class uvicorn instantiates once per connection."""
        return type("LimitedHttpToolsProtocol", (cls,), {"limits": limits})

    # --- connection events -------------------------------------------------------------

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        metrics.OPEN_CONNECTIONS.inc()
        super().connection_made(transport)
        if len(self.connections) > self.limits.max_connections:
            self._refuse(503, "Too many connections; try again later.")
            return
        self._set_deadline()  # a connection that never sends a byte is closed too

    def connection_lost(self, exc: Exception | None) -> None:
        metrics.OPEN_CONNECTIONS.dec()
        if self._deadline_timer is not None:
            self._deadline_timer.cancel()
            self._deadline_timer = None
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        if self.transport.is_closing():
            return  # refused: nothing more is read
        self._unset_keepalive_if_required()
        self._body_in_read = 0
        try:
            self.parser.feed_data(data)
        except httptools.HttpParserUpgrade:
            if self._should_upgrade():
                self.handle_websocket_upgrade()
            else:
                self._unsupported_upgrade_warning()
            return
        except httptools.HttpParserError as error:
            refused = error.__context__
            if isinstance(refused, _Refused):
                self._refuse(refused.status, refused.reason)
            else:
                self.logger.warning("Invalid HTTP request received.")
                self.send_400_response("Invalid HTTP request received.")
            return
        if self._head_open:
            self._head_reads += len(data) - self._body_in_read
            if self._head_reads > self.limits.max_head_bytes:
                self._refuse(431, "The request's headers are too large.")

    # --- parser callbacks ---------------------------------------------------------------

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._head_open = True
        self._head_size = self._head_reads = 0
        if self._deadline is None:  # the connection's own deadline, if any, stands
            self._set_deadline()

    def on_url(self, url: bytes) -> None:
        super().on_url(url)
        if len(self.url) > self.limits.max_request_line_bytes:
            raise _Refused(414, "The request line is too long.")

    def on_header(self, name: bytes, value: bytes) -> None:
        size = len(name) + len(value) + 4  # "name: value\r\n"
        if size > self.limits.max_header_bytes:
            raise _Refused(431, "A request header is too large.")
        self._head_size += size
        if len(self.url) + self._head_size > self.limits.max_head_bytes:
            raise _Refused(431, "The request's headers are too large.")
        super().on_header(name, value)

    def on_headers_complete(self) -> None:
        self._head_open = False
        problem = malformed_path(self.url)
        if problem is not None:
            raise _Refused(400, f"Malformed request: {problem}.")
        self._set_deadline()  # now for the body: each part of it restarts the clock
        super().on_headers_complete()

    def on_body(self, body: bytes) -> None:
        self._body_in_read += len(body)
        self._set_deadline()
        super().on_body(body)

    def on_message_complete(self) -> None:
        self._deadline = None  # the request is read: answering it takes what it takes
        super().on_message_complete()

    # --- deadlines and refusals ---------------------------------------------------------

    def _set_deadline(self) -> None:
        # One timer per connection, re-armed lazily when it fires: moving the deadline on
        # each request or body part costs a clock read, not a timer.
        self._deadline = self.loop.time() + self.limits.read_timeout
        if self._deadline_timer is None:
            self._deadline_timer = self.loop.call_at(self._deadline, self._deadline_passed)

    def _deadline_passed(self) -> None:
        self._deadline_timer = None
        deadline = self._deadline
        if deadline is None or self.transport.is_closing():
            return
        if self.loop.time() < deadline:
            self._deadline_timer = self.loop.call_at(deadline, self._deadline_passed)
        elif self._head_open:
            self._refuse(408, "The request's headers did not arrive in time.")
        else:
            self.transport.close()  # nothing sent yet, or a body that stopped arriving

    def _refuse(self, status: int, reason: str) -> None:
        body = reason.encode()
        phrase = http.HTTPStatus(status).phrase
        head = (
            f"HTTP/1.1 {status} {phrase}\r\ncontent-type: text/plain; charset=utf-8\r\n"
            f"content-length: {len(body)}\r\nconnection: close\r\n\r\n"
        )
        self._deadline = None
        self.transport.write(head.encode() + body)
        self.transport.close()
