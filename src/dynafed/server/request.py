"""A request as the edge read it (server.http_connection): what SigV4 checks, and more."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import parse_qsl

from dynafed.auth.sigv4 import HttpRequest


@dataclass(slots=True, kw_only=True)
class Request(HttpRequest):
    """`HttpRequest` (method, path and query as received, headers, body, first-value header
    lookups), which the authenticator checks as it is, plus what only the edge needs."""

    path: str
    """`raw_path` percent-decoded, for routing."""
    client_host: str | None = None
    scheme: str = "http"

    def query_params(self) -> dict[str, str]:
        if not self.raw_query:
            return {}
        return dict(parse_qsl(self.raw_query, keep_blank_values=True))
