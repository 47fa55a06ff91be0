"""The one HTTP client every identity provider is asked through (OIDC discovery and JWKS,
the OAuth token-info endpoints), and which URLs it will talk to.

`Fetcher` is the transport's interface (`fetch(url) -> (status, headers, body)`); tests pass
in-memory doubles. `UrllibFetcher`, the production transport, is a small stdlib HTTP GET
with timeouts built once from the `[http]` settings (`server.identity_settings`). It
refuses anything but `https://` (and `http://` to loopback hosts), never follows
redirects (a redirect could lead to a URL we would refuse), reads at most `max_bytes`, and
turns every transport failure into `FetchFailed`, which the cache reports as
`IDPCommunicationError`.
"""

from __future__ import annotations

import ipaddress
import ssl
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping
from email.message import Message
from typing import Any
from urllib.parse import urlsplit

FetchResult = tuple[int, Mapping[str, str], bytes]
Fetcher = Callable[[str], FetchResult]
"""`fetch(url) -> (status, headers, body)`; raises `FetchFailed` (or OSError) when no answer."""


class FetchFailed(Exception):
    """The transport got no HTTP answer: DNS, connect, TLS or timeout failure."""


def is_loopback_host(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def is_allowed_idp_url(url: str, allow_loopback_http: bool) -> bool:
    """True for `https://host/...`, and for `http://<loopback>/...` when allowed.

    AWS only accepts `https://` issuers. As a documented development setting we also accept
    plain `http://` on loopback hosts (127.0.0.0/8, ::1, localhost): traffic there never
    leaves the machine, and it lets tests run a real provider without certificates.
    """
    try:
        parts = urlsplit(url)
        host = parts.hostname
        parts.port  # noqa: B018 - raises ValueError on a malformed port
    except ValueError:
        return False
    if not host or parts.username is not None or parts.password is not None:
        return False
    if parts.scheme == "https":
        return True
    return parts.scheme == "http" and allow_loopback_http and is_loopback_host(host)


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
