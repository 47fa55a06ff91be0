"""One HTTP/1.1 connection: requests parsed by httptools, each read whole, answered by the
app's `respond`, and sent back with one write.

uvicorn still runs the server around this protocol (sockets, signals, graceful shutdown,
lifespan events); only its per-request ASGI plumbing is gone. A scope dictionary,
`receive`/`send` messages, an event and a cycle object per request, and a second copy of
the headers cost about a fifth of a GetItem's time on one core (docs/benchmarks.md,
"Our own HTTP protocol"). What uvicorn's protocol did and this one does the same way:

- keep-alive: HTTP/1.1 keeps the connection unless the request says `Connection: close`;
  HTTP/1.0 closes it; an idle connection is closed after `keep_alive_timeout` seconds;
- pipelined requests are answered one at a time, in order (reading pauses meanwhile);
- `Expect: 100-continue` gets `100 Continue` when the request's turn comes;
- the `date` and `server` headers (uvicorn keeps their values current);
- graceful shutdown: an idle connection is closed at once, a busy one after its answer;
- a HEAD answer carries the length of the body it leaves out.

The edge's limits (server.http_limits) are enforced where the bytes arrive: the request
line, each header and the whole head are capped (414, 431), a head or body that does not
arrive in time closes the connection (408 for a head), connections beyond the cap get 503, a
malformed path 400 (`malformed_path`, below). A body over the app's `max_body_bytes` is
answered by the app's `too_large` without being read, and the connection closed.
"""

from __future__ import annotations

import asyncio
import http
import logging
import re
from collections import deque
from collections.abc import Awaitable
from typing import Any, ClassVar, Protocol, cast
from urllib.parse import unquote, unquote_to_bytes

import httptools

from dynafed import metrics
from dynafed.server.forwarded import TrustedProxies
from dynafed.server.http_limits import HttpLimits
from dynafed.server.request import Request
from dynafed.server.services import Response

log = logging.getLogger(__name__)

CONTINUE = b"HTTP/1.1 100 Continue\r\n\r\n"
INVALID_REQUEST = "Invalid HTTP request received."
_STATUS_LINES = {
    status.value: f"HTTP/1.1 {status.value} {status.phrase}\r\n".encode()
    for status in http.HTTPStatus
}


# A path that cannot name anything (a NUL or other control character once decoded, a broken
# `%` escape, bytes that are not UTF-8, a `..` segment) is refused here, so no endpoint has
# to survive it: the file system, the identity provider and SigV4's canonical path all see
# only clean paths.
_BROKEN_ESCAPE = re.compile(rb"%(?![0-9A-Fa-f]{2})")
_CONTROL = re.compile(rb"[\x00-\x1f\x7f]")


def malformed_path(target: bytes) -> str | None:
    """Why the path of the request target `target` (as sent) is refused, or None."""
    if b"%" not in target and b"/." not in target:
        return None  # nothing to decode, no dot segment: the common case costs two scans
    try:
        path = httptools.parse_url(target).path or b""
    except httptools.HttpParserInvalidURLError:
        return "the request target is not a URL"
    if _BROKEN_ESCAPE.search(path):
        return "the request path has a broken percent-escape"
    decoded = unquote_to_bytes(path)
    if _CONTROL.search(decoded):
        return "the request path has a control character"
    try:
        decoded.decode("utf-8")
    except UnicodeDecodeError:
        return "the request path is not UTF-8"
    if b".." in decoded.split(b"/"):
        return "the request path has a '..' segment"
    return None


class Responder(Protocol):
    """What a connection needs of the app (server.app.DynafedApp)."""

    @property
    def max_body_bytes(self) -> int: ...

    def respond(self, request: Request) -> Awaitable[Response]: ...

    def too_large(self, request: Request) -> Response: ...


class ServerState(Protocol):
    """What a connection shares with uvicorn's server (uvicorn.server.ServerState)."""

    total_requests: int
    connections: set[Any]
    tasks: set[asyncio.Task[None]]
    default_headers: list[tuple[bytes, bytes]]


class _Refused(Exception):
    """Raised in a parser callback to stop parsing; the request is answered and closed."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


class HttpConnection(asyncio.Protocol):
    """The protocol uvicorn instantiates once per connection (`serving` makes the class)."""

    responder: ClassVar[Responder]
    limits: ClassVar[HttpLimits] = HttpLimits()
    proxies: ClassVar[TrustedProxies | None] = None
    """None when no proxy is trusted (forwarded headers are then never looked at)."""

    @classmethod
    def serving(
        cls, responder: Responder, limits: HttpLimits, proxies: TrustedProxies
    ) -> type[HttpConnection]:
        trusted = proxies if proxies else None
        return type(
            "HttpConnection", (cls,), {"responder": responder, "limits": limits, "proxies": trusted}
        )

    def __init__(
        self,
        config: Any,
        server_state: ServerState,
        app_state: dict[str, Any],
        _loop: asyncio.AbstractEventLoop | None = None,
    ) -> None:
        # The signature is uvicorn's protocol contract; `config` is a uvicorn.Config.
        self._loop = _loop or asyncio.get_event_loop()
        self._state = server_state
        self._keep_alive_timeout = float(config.timeout_keep_alive)
        self._parser = httptools.HttpRequestParser(self)
        # Answer the first of pipelined requests even if the client closes its side early.
        self._parser.set_dangerous_leniencies(lenient_data_after_close=True)
        self._transport: asyncio.Transport | None = None
        self._peer: str | None = None

        # The request being read.
        self._url = b""
        self._raw_headers: list[tuple[bytes, bytes]] = []
        self._request: Request | None = None
        self._request_read = False
        """The whole of `_request` has arrived (or its body was refused)."""
        self._keep_alive = True
        self._body: list[bytes] = []
        self._body_size = 0
        self._body_refused = False
        """Answered before its body arrived (too large): the rest of it is skipped."""
        self._expects_continue = False
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

        # Answering.
        self._answering = False
        self._waiting: deque[tuple[Request, bool, bool]] = deque()
        """Pipelined requests waiting for their turn: (request, keep-alive, too large)."""
        self._continue_due = False
        self._write_paused = False
        self._reading_paused = False
        self._shutting_down = False

        # One timer per connection, re-armed lazily when it fires: moving the deadline on
        # each request or body part costs a clock read, not a timer.
        self._deadline: float | None = None
        self._deadline_timer: asyncio.TimerHandle | None = None
        self._idle = False
        """Between an answer and the next request's first byte (keep-alive)."""

    # --- connection events -------------------------------------------------------------

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        metrics.OPEN_CONNECTIONS.inc()
        self._state.connections.add(self)
        self._transport = transport = cast(asyncio.Transport, transport)  # uvloop's TCP
        peer = transport.get_extra_info("peername")
        self._peer = str(peer[0]) if isinstance(peer, tuple) and peer else None
        if len(self._state.connections) > self.limits.max_connections:
            self._refuse(503, "Too many connections; try again later.")
            return
        self._set_deadline(self.limits.read_timeout)  # one that never sends a byte is closed

    def connection_lost(self, exc: Exception | None) -> None:
        metrics.OPEN_CONNECTIONS.dec()
        self._state.connections.discard(self)
        self._deadline = None
        if self._deadline_timer is not None:
            self._deadline_timer.cancel()
            self._deadline_timer = None
        self._waiting.clear()

    def data_received(self, data: bytes) -> None:
        transport = self._transport
        if transport is None or transport.is_closing():
            return  # refused or closed: nothing more is read
        self._body_in_read = 0
        try:
            self._parser.feed_data(data)
        except httptools.HttpParserUpgrade:
            return  # no protocol upgrades here: the request was answered as plain HTTP
        except httptools.HttpParserError as error:
            refused = error.__context__
            if isinstance(refused, _Refused):
                self._refuse(refused.status, refused.reason)
            else:
                self._refuse(400, INVALID_REQUEST)
            return
        if self._head_open:
            self._head_reads += len(data) - self._body_in_read
            if self._head_reads > self.limits.max_head_bytes:
                self._refuse(431, "The request's headers are too large.")

    def pause_writing(self) -> None:
        self._write_paused = True
        self._update_reading()

    def resume_writing(self) -> None:
        self._write_paused = False
        self._update_reading()

    def shutdown(self) -> None:
        """uvicorn's graceful shutdown: close when idle, else after the answer to the
        request in hand (one whose head has arrived counts, its body still to come)."""
        self._shutting_down = True
        in_hand = self._answering or (self._request is not None and not self._request_read)
        if not in_hand and self._transport is not None:
            self._transport.close()

    # --- parser callbacks ---------------------------------------------------------------

    def on_message_begin(self) -> None:
        self._url = b""
        self._raw_headers = []
        self._request = None
        self._request_read = False
        self._body = []
        self._body_size = 0
        self._body_refused = False
        self._expects_continue = False
        self._head_open = True
        self._head_size = self._head_reads = 0
        if self._deadline is None or self._idle:  # a new connection's deadline stands
            self._idle = False
            self._set_deadline(self.limits.read_timeout)

    def on_url(self, url: bytes) -> None:
        self._url += url
        if len(self._url) > self.limits.max_request_line_bytes:
            raise _Refused(414, "The request line is too long.")

    def on_header(self, name: bytes, value: bytes) -> None:
        size = len(name) + len(value) + 4  # "name: value\r\n"
        if size > self.limits.max_header_bytes:
            raise _Refused(431, "A request header is too large.")
        self._head_size += size
        if len(self._url) + self._head_size > self.limits.max_head_bytes:
            raise _Refused(431, "The request's headers are too large.")
        self._raw_headers.append((name, value))  # decoded all at once at the head's end

    def on_headers_complete(self) -> None:
        self._head_open = False
        problem = malformed_path(self._url)
        if problem is not None:
            raise _Refused(400, f"Malformed request: {problem}.")
        request = self._request = self._request_head()
        parser = self._parser
        self._keep_alive = parser.get_http_version() != "1.0" and parser.should_keep_alive()
        self._set_deadline(self.limits.read_timeout)  # now for the body: each part restarts it
        expect = request.header("expect")
        self._expects_continue = expect is not None and expect.lower() == "100-continue"
        declared = request.header("content-length")
        if declared and declared.isdigit() and int(declared) > self.responder.max_body_bytes:
            self._refuse_body(request)  # closes a connection that waits for 100 Continue
            return
        if self._expects_continue:
            if self._answering or self._waiting:
                self._continue_due = True  # once the answers before it are sent
            else:
                self._write(CONTINUE)

    def on_body(self, body: bytes) -> None:
        self._body_in_read += len(body)
        self._set_deadline(self.limits.read_timeout)
        if self._body_refused:
            return
        self._body_size += len(body)
        if self._body_size > self.responder.max_body_bytes:
            assert self._request is not None
            self._body = []
            self._refuse_body(self._request)
            return
        self._body.append(body)

    def on_message_complete(self) -> None:
        self._deadline = None  # the request is read: answering it takes what it takes
        self._request_read = True
        request = self._request
        if self._body_refused or request is None:
            self._idle_unless_busy()  # its answer may have gone before the body ended
            return
        body = self._body
        request.body = body[0] if len(body) == 1 else b"".join(body)
        self._continue_due = False
        self._dispatch(request, self._keep_alive, False)

    def _request_head(self) -> Request:
        url = httptools.parse_url(self._url)
        raw_path = url.path or b"/"
        try:
            path = raw_path.decode("ascii")
        except UnicodeDecodeError:
            raise _Refused(400, INVALID_REQUEST) from None
        if "%" in path:
            path = unquote(path)
        headers = [(n.decode("latin-1").lower(), v.decode("latin-1")) for n, v in self._raw_headers]
        client, scheme = self._peer, "http"
        if self.proxies is not None:
            client, scheme = self.proxies.client_and_scheme(client, scheme, headers)
        return Request(
            method=self._parser.get_method().decode("ascii"),
            path=path,
            raw_path=raw_path.decode("latin-1"),
            raw_query=(url.query or b"").decode("latin-1"),
            headers=headers,
            body=b"",
            client_host=client,
            scheme=scheme,
        )

    # --- answering ----------------------------------------------------------------------

    def _start(self, request: Request, keep_alive: bool, too_large: bool) -> None:
        self._answering = True
        if too_large:
            self._send(self.responder.too_large(request), False, keep_alive)
            return
        task = self._loop.create_task(self._answer(request, keep_alive))
        self._state.tasks.add(task)
        task.add_done_callback(self._state.tasks.discard)

    async def _answer(self, request: Request, keep_alive: bool) -> None:
        try:
            response = await self.responder.respond(request)
        except Exception:
            log.exception("unexpected error answering %s %s", request.method, request.path)
            body = b"Internal Server Error"
            response = 500, body, [("content-type", "text/plain; charset=utf-8")]
            keep_alive = False
        self._send(response, request.method == "HEAD", keep_alive)

    def _refuse_body(self, request: Request) -> None:
        """Answer a request whose body is too large without keeping the body: what of it
        arrives is skipped, so a client that sends it all still reads the answer. One that
        waits for `100 Continue` will not send it: its connection is closed."""
        self._body_refused = self._request_read = True
        self._dispatch(request, self._keep_alive and not self._expects_continue, True)

    def _dispatch(self, request: Request, keep_alive: bool, too_large: bool) -> None:
        """Answer now, or after the pipelined requests before it (reading pauses meanwhile)."""
        if self._answering or self._waiting:
            self._waiting.append((request, keep_alive, too_large))
            self._update_reading()
        else:
            self._start(request, keep_alive, too_large)

    def _send(self, response: Response, head_only: bool, keep_alive: bool) -> None:
        self._answering = False
        self._state.total_requests += 1
        transport = self._transport
        if transport is None or transport.is_closing():
            return  # the client went away meanwhile
        keep_alive = keep_alive and not self._shutting_down
        status, body, headers = response
        parts = [_STATUS_LINES.get(status) or f"HTTP/1.1 {status} \r\n".encode()]
        parts += [name + b": " + value + b"\r\n" for name, value in self._state.default_headers]
        parts += [f"{name}: {value}\r\n".encode("latin-1") for name, value in headers]
        parts.append(b"content-length: %d\r\n" % len(body))
        if not keep_alive:
            parts.append(b"connection: close\r\n")
        parts.append(b"\r\n")
        if not head_only:
            parts.append(body)
        transport.write(b"".join(parts))
        if not keep_alive:
            transport.close()
        elif self._waiting:
            waiting = self._waiting.popleft()
            self._update_reading()
            self._start(*waiting)
        else:
            if self._continue_due:
                self._continue_due = False
                transport.write(CONTINUE)
            self._idle_unless_busy()

    def _idle_unless_busy(self) -> None:
        """Start the keep-alive clock, unless a request is being answered or read."""
        if not (self._answering or self._waiting or self._head_open) and self._deadline is None:
            self._idle = True
            self._set_deadline(self._keep_alive_timeout)

    def _write(self, data: bytes) -> None:
        if self._transport is not None and not self._transport.is_closing():
            self._transport.write(data)

    def _update_reading(self) -> None:
        transport = self._transport
        if transport is None or transport.is_closing():
            return
        pause = self._write_paused or bool(self._waiting)
        if pause != self._reading_paused:
            self._reading_paused = pause
            if pause:
                transport.pause_reading()
            else:
                transport.resume_reading()

    # --- deadlines and refusals ---------------------------------------------------------

    def _set_deadline(self, seconds: float) -> None:
        deadline = self._deadline = self._loop.time() + seconds
        timer = self._deadline_timer
        if timer is not None and timer.when() > deadline:
            timer.cancel()  # a keep-alive deadline may come before the armed one
            timer = None
        if timer is None:
            self._deadline_timer = self._loop.call_at(deadline, self._deadline_passed)

    def _deadline_passed(self) -> None:
        self._deadline_timer = None
        deadline = self._deadline
        transport = self._transport
        if deadline is None or transport is None or transport.is_closing():
            return
        if self._loop.time() < deadline:
            self._deadline_timer = self._loop.call_at(deadline, self._deadline_passed)
        elif self._head_open:
            self._refuse(408, "The request's headers did not arrive in time.")
        else:
            transport.close()  # idle, nothing sent yet, or a body that stopped arriving

    def _refuse(self, status: int, reason: str) -> None:
        body = reason.encode()
        head = (
            f"HTTP/1.1 {status} {http.HTTPStatus(status).phrase}\r\n"
            f"content-type: text/plain; charset=utf-8\r\n"
            f"content-length: {len(body)}\r\nconnection: close\r\n\r\n"
        )
        self._deadline = None
        if self._transport is not None:
            self._transport.write(head.encode() + body)
            self._transport.close()
