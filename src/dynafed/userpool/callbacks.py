"""Whether a `redirect_uri` is one of a client's callback URLs. Pure.

Exact match, as Cognito requires, except on loopback: a native or local app's callback on
the loopback interface may name any port (RFC 8252 §7.3), since the port is chosen when the
app starts; and `127.0.0.1`, `[::1]` and `localhost` name the same machine, so a page opened
under any of them is back home. Scheme, path and query must still match exactly.
"""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import urlsplit

LOOPBACK_HOSTS = frozenset({"127.0.0.1", "::1", "localhost"})


def is_registered(redirect_uri: str, callback_urls: Iterable[str]) -> bool:
    registered = list(callback_urls)
    if redirect_uri in registered:
        return True
    asked = _loopback_form(redirect_uri)
    return asked is not None and any(_loopback_form(url) == asked for url in registered)


def _loopback_form(url: str) -> tuple[str, str, str] | None:
    """(scheme, path, query) of a loopback URL without user info or fragment; else None."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError on a malformed port
    except ValueError:
        return None
    if parts.hostname not in LOOPBACK_HOSTS or parts.username or parts.fragment:
        return None
    if parts.scheme not in ("http", "https"):
        return None
    return parts.scheme, parts.path or "/", parts.query
