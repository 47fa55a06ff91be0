"""A request as the edge read it (server.http_connection), and its view for SigV4."""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import parse_qsl

from dynafed.auth.sigv4 import HttpRequest


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


def sigv4_view(request: Request) -> HttpRequest:
    return HttpRequest(
        method=request.method,
        raw_path=request.raw_path,
        raw_query=request.raw_query,
        headers=request.headers,
        body=request.body,
        first_values=request.header_index(),
    )
