"""The few ASGI primitives the edge needs: a request snapshot and a response writer."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

from dynafed.auth.sigv4 import HttpRequest

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]


class BodyTooLarge(Exception):
    pass


class ClientGone(Exception):
    """The client disconnected before its body arrived whole: there is no request to serve
    (a truncated body must never be served as if it were the request)."""


@dataclass(slots=True)
class Request:
    method: str
    path: str
    raw_path: str
    raw_query: str
    headers: list[tuple[str, str]]
    body: bytes
    client_host: str | None = None
    scheme: str = "http"
    _first: dict[str, str] | None = field(default=None, repr=False, compare=False)
    """name -> its first value, built on the first lookup (a request looks up several)."""

    def header(self, name: str) -> str | None:
        """The first value of the header `name`, or None."""
        return self.header_index().get(name)

    def header_index(self) -> dict[str, str]:
        first = self._first
        if first is None:
            first = self._first = dict(reversed(self.headers))  # later duplicates lose
        return first

    def query_params(self) -> dict[str, str]:
        if not self.raw_query:
            return {}
        return dict(parse_qsl(self.raw_query, keep_blank_values=True))


def request_head(scope: Scope) -> Request:
    headers = [(k.decode("latin-1").lower(), v.decode("latin-1")) for k, v in scope["headers"]]
    raw_path = scope.get("raw_path") or scope["path"].encode()
    return Request(
        method=scope["method"],
        path=scope["path"],
        raw_path=raw_path.decode("latin-1").split("?", 1)[0],
        raw_query=scope.get("query_string", b"").decode("latin-1"),
        headers=headers,
        body=b"",
        client_host=scope["client"][0] if scope.get("client") else None,
        scheme=scope.get("scheme", "http"),
    )


async def read_body(receive: Receive, declared_length: int | None, limit: int) -> bytes:
    """Read the body, refusing (without reading it whole) anything over `limit` bytes."""
    if declared_length is not None and declared_length > limit:
        raise BodyTooLarge
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            raise ClientGone
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            raise BodyTooLarge
        chunks.append(chunk)
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


async def send_response(
    send: Send, status: int, body: bytes, headers: list[tuple[str, str]]
) -> None:
    raw_headers = [(k.encode("latin-1"), v.encode("latin-1")) for k, v in headers]
    raw_headers.append((b"content-length", str(len(body)).encode()))
    await send({"type": "http.response.start", "status": status, "headers": raw_headers})
    await send({"type": "http.response.body", "body": body})


def sigv4_view(request: Request) -> HttpRequest:
    return HttpRequest(
        method=request.method,
        raw_path=request.raw_path,
        raw_query=request.raw_query,
        headers=request.headers,
        body=request.body,
        first_values=request.header_index(),
    )
