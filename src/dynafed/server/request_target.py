"""Which request targets the edge refuses before any route sees them.

A path that cannot name anything (a NUL or other control character once decoded, a broken
`%` escape, bytes that are not UTF-8, a `..` segment) is answered 400 Bad Request by the
protocol (server.http_connection), so no endpoint has to survive it: the file system, the
identity provider and SigV4's canonical path all see only clean paths.
"""

from __future__ import annotations

import re
from urllib.parse import unquote_to_bytes

import httptools

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
