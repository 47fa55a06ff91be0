"""The provider's HTTP-neutral request and response: the edge converts to and from ASGI."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import orjson

NO_STORE = [("cache-control", "no-store"), ("pragma", "no-cache")]


@dataclass(frozen=True, slots=True)
class IdpRequest:
    method: str
    path: str
    """The part after `/idp/<pool-id>`, e.g. `/oauth2/token`."""
    query: Mapping[str, str]
    form: Mapping[str, str]
    authorization: str | None = None
    client_ip: str | None = None


@dataclass(frozen=True, slots=True)
class IdpResponse:
    status: int
    body: bytes
    headers: list[tuple[str, str]] = field(default_factory=list)


def json_response(
    status: int, payload: object, extra: list[tuple[str, str]] | None = None
) -> IdpResponse:
    headers = [("content-type", "application/json"), *(extra or [])]
    return IdpResponse(status, orjson.dumps(payload), headers)


def redirect(location: str) -> IdpResponse:
    # 302 after a POST makes browsers GET the client's redirect URI, as code flow expects.
    return IdpResponse(302, b"", [("location", location), *NO_STORE])
