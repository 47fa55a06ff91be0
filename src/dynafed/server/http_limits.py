"""What one client can make the server hold: caps on a request's head, read deadlines and a
connection cap, enforced by server.http_connection where the bytes arrive.

- a request target longer than `max_request_line_bytes`: 414, connection closed;
- one header line longer than `max_header_bytes`, or a head longer than `max_head_bytes`:
  431, closed. The sizes are AWS's own front door's (Application Load Balancer quotas,
  "HTTP headers": request line 16K, single header 16K, whole request header 64K,
  https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-limits.html);
- a head not complete `read_timeout` seconds after its first byte (or after the
  connection opened, for one that sends nothing): 408, closed; a body that stops arriving
  for that long: closed;
- a connection beyond `max_connections` open in this process: 503, closed at once;
- a malformed path (`malformed_path` in server.http_connection): 400, closed.

A refused connection is closed without reading on, so a connection holds at most
`max_head_bytes` of an unfinished head (plus the one read that crossed the cap; uvloop
reads at most 256 KiB at a time), and the server at most `max_connections` of them.
Idle keep-alive connections are closed after `keep_alive_timeout` (server.settings).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class HttpLimits:
    """The limits one server process applies (from `Settings`, server/runner.py)."""

    max_request_line_bytes: int = 16 * 1024
    max_header_bytes: int = 16 * 1024
    max_head_bytes: int = 64 * 1024
    read_timeout: float = 10.0
    max_connections: int = 1024
