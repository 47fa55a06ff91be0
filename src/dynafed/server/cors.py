"""CORS as AWS answers browsers, so the AWS SDK for JavaScript works from a web page."""

from __future__ import annotations

from dynafed.server.request import Request

ALLOWED_HEADERS = (
    "authorization, content-type, x-amz-date, x-amz-security-token, x-amz-target, "
    "x-amz-user-agent, x-amz-content-sha256, amz-sdk-invocation-id, amz-sdk-request, "
    "x-amz-client-context, cache-control"
)
EXPOSED_HEADERS = "x-amzn-RequestId, x-amzn-ErrorType, x-amzn-ErrorMessage, x-amz-crc32, Date"


def preflight_headers(request: Request) -> list[tuple[str, str]]:
    requested = request.header("access-control-request-headers")
    return [
        ("access-control-allow-origin", request.header("origin") or "*"),
        ("access-control-allow-methods", "GET, POST, OPTIONS"),
        ("access-control-allow-headers", requested or ALLOWED_HEADERS),
        ("access-control-max-age", "86400"),
        ("access-control-expose-headers", EXPOSED_HEADERS),
        ("vary", "Origin"),
    ]


def response_headers(origin: str) -> list[tuple[str, str]]:
    return [
        ("access-control-allow-origin", origin),
        ("access-control-expose-headers", EXPOSED_HEADERS),
        ("vary", "Origin"),
    ]
