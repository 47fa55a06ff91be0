"""The HTTP edge: one ASGI app that reads each request and hands it to its endpoint.

Thin by design: answer CORS preflights and health checks, read the body (refusing what is
too large, never serving what was cut short), pick the endpoint from the routing table
(`routes.py`), add CORS headers, send. Nothing here knows DynamoDB, IAM or STS semantics;
the endpoint modules authenticate, call their service and render its answer or typed error.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
from time import perf_counter

from dynafed import metrics
from dynafed.core.current_request import REQUEST_ID
from dynafed.server import cors, json_protocol, query_endpoint
from dynafed.server.asgi import (
    BodyTooLarge,
    ClientGone,
    Receive,
    Request,
    Scope,
    Send,
    read_body,
    request_head,
    send_response,
)
from dynafed.server.dynamodb_endpoint import TARGET_PREFIX as DYNAMODB_TARGET_PREFIX
from dynafed.server.request_ids import RequestIds
from dynafed.server.request_metrics import RequestMetrics
from dynafed.server.routes import route
from dynafed.server.services import Response, Services

log = logging.getLogger(__name__)

METRICS_PATH = "/metrics"
"""Prometheus text format (docs/metrics.md)."""
LIVE_PATHS = ("/health/live", "/health", "/healthz")
"""200 while the process serves requests; never asks the database (docs/scale-out.md)."""
READY_PATH = "/health/ready"
"""200 only while the database answers a read; 503 otherwise."""


class DynafedApp:
    def __init__(self, services: Services) -> None:
        self.services = services
        self._request_ids = RequestIds(secrets.token_bytes)
        self._metrics = RequestMetrics()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self._lifespan(receive, send)
            return
        if scope["type"] != "http":
            return
        request = request_head(scope)
        origin = request.header("origin")
        if request.method == "OPTIONS":
            await send_response(send, 200, b"", cors.preflight_headers(request))
            return
        try:
            status, body, headers = await self._answer(request, receive)
        except ClientGone:
            return  # nobody to answer, and nothing was done
        if origin is not None:
            headers.extend(cors.response_headers(origin))
        await send_response(send, status, body, headers)

    async def _lifespan(self, receive: Receive, send: Send) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                if self.services.on_close is not None:
                    self.services.on_close()
                await send({"type": "lifespan.shutdown.complete"})
                return

    async def _ready(self) -> Response:
        headers = [("content-type", "application/json")]
        check = self.services.database_answers
        if check is not None:
            try:
                await asyncio.get_running_loop().run_in_executor(self.services.executor, check)
            except Exception as error:
                log.warning("not ready: the database does not answer: %s", error)
                return 503, b'{"status":"unavailable"}', headers
        return 200, b'{"status":"ready"}', headers

    async def _answer(self, request: Request, receive: Receive) -> Response:
        if request.method == "GET" and request.path in LIVE_PATHS:
            return 200, b'{"status":"ok"}', [("content-type", "application/json")]
        if request.method == "GET" and request.path == READY_PATH:
            return await self._ready()
        if request.method == "GET" and request.path == METRICS_PATH:
            body, content_type = metrics.exposition()
            return 200, body, [("content-type", content_type)]
        started = perf_counter()
        request_id = self._request_ids.next_id()
        REQUEST_ID.set(request_id)
        target = request.header("x-amz-target") or ""
        try:
            length = request.header("content-length")
            declared = int(length) if length and length.isdigit() else None
            request.body = await read_body(receive, declared, self.services.max_body_bytes)
        except BodyTooLarge:
            if target.startswith(DYNAMODB_TARGET_PREFIX):
                return json_protocol.render_error(json_protocol.request_too_large(), request_id)
            return query_endpoint.render_too_large(request_id)
        endpoint = route(self.services, request, target)
        response = await endpoint(self.services, request, target, request_id)
        self._metrics.record(request, target, response, perf_counter() - started)
        return response
