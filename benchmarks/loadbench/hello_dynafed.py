"""Ceiling: a hello-world on dynafed's own HTTP stack (uvicorn's server around dynafed's
httptools protocol, server/http_connection.py, on uvloop).

It is handed each request read whole, as dynafed's app is, and answers every one with the
same GetItem-shaped reply as hello_asgi.py. No parsing, no signature check, no storage: its
req/s is the most the HTTP stack itself can do on this machine, whatever runs behind it.

    python benchmarks/loadbench/hello_dynafed.py --port 8000
"""

from __future__ import annotations

import argparse
from collections.abc import Awaitable, Callable
from typing import Any

import uvicorn
from hello_asgi import REPLY  # the same reply on both stacks (this script's own folder)

from dynafed.server.forwarded import TrustedProxies
from dynafed.server.http_connection import HttpConnection
from dynafed.server.http_limits import HttpLimits
from dynafed.server.request import Request
from dynafed.server.services import Response


class Hello:
    max_body_bytes = 16 * 1024 * 1024

    async def respond(self, request: Request) -> Response:
        return 200, REPLY, [("content-type", "application/x-amz-json-1.0")]

    def too_large(self, request: Request) -> Response:
        return 413, b"", []


async def no_app(
    scope: dict[str, Any],
    receive: Callable[[], Awaitable[dict[str, Any]]],
    send: Callable[[dict[str, Any]], Awaitable[None]],
) -> None:
    """uvicorn wants an ASGI app; every request goes to `Hello` instead."""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    protocol = HttpConnection.serving(Hello(), HttpLimits(), TrustedProxies(()))
    config = uvicorn.Config(
        no_app,
        host=args.host,
        port=args.port,
        loop="uvloop",
        http=protocol,
        lifespan="off",
        access_log=False,
        log_level="warning",
    )
    uvicorn.Server(config).run()


if __name__ == "__main__":
    main()
