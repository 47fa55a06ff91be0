"""The production transport for `JwksCache`: a small stdlib HTTP GET with timeouts.

It refuses anything but `https://` (and `http://` to loopback hosts), never follows
redirects (a redirect could lead to a URL we would refuse), reads at most `max_bytes`, and
turns every transport failure into `FetchFailed`, which the cache reports as
`IDPCommunicationError`.
"""

from __future__ import annotations

import ssl
import urllib.error
import urllib.request
from email.message import Message
from typing import Any
from urllib.parse import urlsplit

from dynafed.identity.idp_url import is_allowed_idp_url, is_loopback_host
from dynafed.identity.jwks import FetchFailed, FetchResult


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None  # urllib then hands the 3xx response back as an HTTPError


class UrllibFetcher:
    def __init__(
        self,
        timeout: float = 5.0,
        max_bytes: int = 512 * 1024,
        ca_file: str | None = None,
        allow_loopback_http: bool = True,
    ) -> None:
        self._timeout = timeout
        self._max_bytes = max_bytes
        self._allow_loopback_http = allow_loopback_http
        tls = urllib.request.HTTPSHandler(context=ssl.create_default_context(cafile=ca_file))
        # Loopback traffic must not go through a proxy from the environment.
        self._direct = urllib.request.build_opener(
            urllib.request.ProxyHandler({}), _NoRedirects(), tls
        )
        self._default = urllib.request.build_opener(_NoRedirects(), tls)

    def __call__(self, url: str) -> FetchResult:
        if not is_allowed_idp_url(url, self._allow_loopback_http):
            raise FetchFailed(f"refusing to fetch {url}")
        host = urlsplit(url).hostname or ""
        opener = self._direct if is_loopback_host(host) else self._default
        request = urllib.request.Request(url, headers={"Accept": "application/json"})
        try:
            with opener.open(request, timeout=self._timeout) as response:
                return response.status, _headers(response.headers), self._read(response)
        except urllib.error.HTTPError as answer:
            # Error bodies matter to OAuth token-info endpoints (Graph API error codes).
            with answer:
                return answer.code, _headers(answer.headers), self._error_body(answer)
        except (urllib.error.URLError, OSError, ValueError) as failure:
            raise FetchFailed(f"GET {url}: {failure}") from failure

    def _read(self, response: Any) -> bytes:
        body: bytes = response.read(self._max_bytes + 1)
        return body

    def _error_body(self, answer: urllib.error.HTTPError) -> bytes:
        try:
            return self._read(answer)
        except OSError:
            return b""  # the status alone still tells the caller what happened


def _headers(headers: Message | None) -> dict[str, str]:
    return {k.lower(): v for k, v in (headers.items() if headers is not None else ())}
