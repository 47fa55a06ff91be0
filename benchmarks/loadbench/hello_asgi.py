"""A hello-world on uvicorn's own httptools protocol and raw ASGI, the HTTP stack dynafed
used before its own protocol (server/http_connection.py; the ceiling is hello_dynafed.py).

It reads the whole request body, as any server must, and answers every request with one fixed
GetItem-shaped reply. No parsing, no signature check, no storage: its req/s against the
`hello` target's shows what uvicorn's per-request ASGI plumbing costs.

    uvicorn --app-dir benchmarks/loadbench hello_asgi:app --loop uvloop --http httptools
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

Message = dict[str, Any]

REPLY = (
    b'{"Item":{"UserId":{"S":"player-00042"},"GameTitle":{"S":"game-01"},'
    b'"TopScore":{"N":"51734"},"TopScoreDateTime":{"S":"2026-04-17T09:41:27"},'
    b'"Wins":{"N":"312"},"Losses":{"N":"87"}}}'
)
HEADERS = [
    (b"content-type", b"application/x-amz-json-1.0"),
    (b"content-length", str(len(REPLY)).encode()),
]


async def app(
    scope: Message,
    receive: Callable[[], Awaitable[Message]],
    send: Callable[[Message], Awaitable[None]],
) -> None:
    if scope["type"] == "lifespan":
        while (await receive())["type"] != "lifespan.shutdown":
            await send({"type": "lifespan.startup.complete"})
        await send({"type": "lifespan.shutdown.complete"})
        return
    if scope["type"] != "http":
        return
    while (await receive()).get("more_body", False):
        pass
    await send({"type": "http.response.start", "status": 200, "headers": HEADERS})
    await send({"type": "http.response.body", "body": REPLY})
