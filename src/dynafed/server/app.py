"""The HTTP edge's app: hands each request to its endpoint and gives back the answer.

Thin by design: answer CORS preflights and health checks, give the request its id, refuse
a body that is too large, pick the endpoint from the routing table (`route`, below), add
CORS headers. Nothing here knows DynamoDB, IAM or STS semantics; the endpoint modules
authenticate, call their service and render its answer or typed error.

server.http_connection reads each request whole and calls `respond` (or `too_large`);
uvicorn, which runs the server around it, sends its lifespan events through ASGI
(`__call__`): the storage is closed at shutdown.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import os
import secrets
from collections.abc import Awaitable, Callable, MutableMapping
from time import perf_counter
from typing import Any

import orjson

from dynafed import metrics
from dynafed.cognito.service import TARGET_PREFIX as COGNITO_IDENTITY_PREFIX
from dynafed.core.current_request import REQUEST_ID
from dynafed.server import cors, dynamodb_endpoint, json_protocol, query_endpoint, streams_endpoint
from dynafed.server.cognito_endpoint import ISSUER_PATH
from dynafed.server.request import Request
from dynafed.server.request_metrics import RequestMetrics
from dynafed.server.services import Response, Services
from dynafed.server.static_endpoint import APP_PATH
from dynafed.userpool.api.service import TARGET_PREFIX as COGNITO_IDP_PREFIX
from dynafed.userpool.issuer import PATH_PREFIX as USER_POOLS_PREFIX

log = logging.getLogger(__name__)

Message = MutableMapping[str, Any]
Scope = Message
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]

METRICS_PATH = "/metrics"
"""Prometheus text format (docs/metrics.md)."""
LIVE_PATHS = ("/health/live", "/health", "/healthz")
"""200 while the process serves requests; never asks the database (docs/scale-out.md)."""
READY_PATH = "/health/ready"
"""200 only while the database answers a read; 503 otherwise."""


REQUEST_ID_PREFIX_BYTES = 10
"""80 random bits: the first 20 hex digits (with the version nibble forced)."""


class RequestIds:
    """Request ids (`x-amzn-RequestId`) without a random draw per request: `next_id()` → a
    fresh id; `random_bytes(n)` is the process's random source.

    Each id is a per-process random prefix followed by a counter, shaped like the UUIDs AWS's
    Query-protocol services return (8-4-4-4-12 hex digits, version nibble 4). Ids are unique
    within a process by the counter and across processes and restarts by the 80 random bits
    of the prefix; a forked worker draws a prefix of its own. One `uuid4()` per request cost
    about a sixth of a GetItem's CPU time (it reads the kernel's random source each time).
    """

    def __init__(self, random_bytes: Callable[[int], bytes]) -> None:
        self._random_bytes = random_bytes
        self._reseed()
        if hasattr(os, "register_at_fork"):  # a forked worker must not reuse the parent's
            os.register_at_fork(after_in_child=self._reseed)

    def _reseed(self) -> None:
        raw = self._random_bytes(REQUEST_ID_PREFIX_BYTES).hex()
        # 8-4-4-4-... with version 4 and the RFC 4122 variant, as uuid4 text has.
        variant = "89ab"[int(raw[15], 16) & 3]
        self._prefix = f"{raw[:8]}-{raw[8:12]}-4{raw[13:16]}-{variant}{raw[17:20]}-"
        self._counter = itertools.count(1)

    def next_id(self) -> str:
        # The counter's 48 bits wrap after 2^48 requests: a new prefix is drawn first.
        number = next(self._counter)
        if number >= 1 << 48:
            self._reseed()
            number = next(self._counter)
        return f"{self._prefix}{number:012x}"


class DynafedApp:
    def __init__(self, services: Services) -> None:
        self.services = services
        self._request_ids = RequestIds(secrets.token_bytes)
        self._metrics = RequestMetrics()

    @property
    def max_body_bytes(self) -> int:
        return self.services.max_body_bytes

    async def respond(self, request: Request) -> Response:
        """The answer to `request`, whose body has been read whole (server.http_connection)."""
        if request.method == "OPTIONS":
            return 200, b"", cors.preflight_headers(request)
        return _with_cors(request, await self._answer(request))

    def too_large(self, request: Request) -> Response:
        """The answer to a request whose body is over `max_body_bytes`, in its protocol,
        given without reading the body."""
        request_id = self._request_ids.next_id()
        target = request.header("x-amz-target") or ""
        if target.startswith(dynamodb_endpoint.TARGET_PREFIX):
            refused = json_protocol.render_error(json_protocol.request_too_large(), request_id)
        else:
            refused = query_endpoint.render_too_large(request_id)
        return _with_cors(request, refused)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """ASGI, for uvicorn's lifespan events only: requests come through `respond`."""
        if scope["type"] == "lifespan":
            await self._lifespan(receive, send)

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

    async def _answer(self, request: Request) -> Response:
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
        endpoint = route(self.services, request, target)
        response = await endpoint(self.services, request, target, request_id)
        self._metrics.record(request, target, response, perf_counter() - started)
        return response


def _with_cors(request: Request, response: Response) -> Response:
    """`response` with the CORS headers a request from a browser origin gets."""
    origin = request.header("origin")
    if origin is not None:
        response[2].extend(cors.response_headers(origin))
    return response


Endpoint = Callable[[Services, Request, str, str], Awaitable[Response]]
"""(services, request, target, request id) → answer."""


def route(services: Services, request: Request, target: str) -> Endpoint:
    """The one routing table: the endpoint for `request`, from `target`, its `X-Amz-Target`
    ("" when absent; JSON protocols), its path (the built-in identity provider, issuer
    documents, the web app) or, for everything else, the Query protocol (STS and IAM, told
    apart by the SigV4 scope).

    Order matters: DynamoDB, the hot path, is asked first. A JSON target no service here
    answers gets JSON's `UnknownOperationException`, never another protocol's error."""
    if target:
        if target.startswith(dynamodb_endpoint.TARGET_PREFIX):
            return dynamodb_endpoint.handle
        if target.startswith(streams_endpoint.TARGET_PREFIX) and services.streams is not None:
            return streams_endpoint.handle
        if target.startswith(COGNITO_IDENTITY_PREFIX) and services.identity is not None:
            return _cognito_identity
        if target.startswith(COGNITO_IDP_PREFIX) and services.identity is not None:
            return _cognito_user_pools
        return _unknown_operation
    path = request.path
    if services.identity is not None:
        if path.startswith(USER_POOLS_PREFIX):
            return _user_pools
        if request.method == "GET" and path.startswith(ISSUER_PATH):
            return _pool_issuer
        if request.method == "GET" and (path + "/").startswith(APP_PATH):
            return _web_app
    return _query_protocol


async def _cognito_identity(
    services: Services, request: Request, target: str, request_id: str
) -> Response:
    assert services.identity is not None
    return await services.identity.cognito_identity(services, request, target, request_id)


async def _cognito_user_pools(
    services: Services, request: Request, target: str, request_id: str
) -> Response:
    assert services.identity is not None
    return await services.identity.cognito_user_pools(services, request, target, request_id)


async def _user_pools(
    services: Services, request: Request, target: str, request_id: str
) -> Response:
    assert services.identity is not None
    return await services.identity.user_pools(services, request)


async def _pool_issuer(
    services: Services, request: Request, target: str, request_id: str
) -> Response:
    assert services.identity is not None
    answer = services.identity.pool_issuer(request)
    if answer is None:
        return await _query_protocol(services, request, target, request_id)
    return answer


async def _web_app(services: Services, request: Request, target: str, request_id: str) -> Response:
    assert services.identity is not None
    return services.identity.web_app(request)


async def _query_protocol(
    services: Services, request: Request, target: str, request_id: str
) -> Response:
    return await query_endpoint.handle(services, request, request_id)


async def _unknown_operation(
    services: Services, request: Request, target: str, request_id: str
) -> Response:
    """A JSON-protocol target nobody here serves (a typo, an API not built): the JSON
    error every AWS JSON service gives, in the request's JSON version."""
    content_type = request.header("content-type") or "application/x-amz-json-1.0"
    if not content_type.startswith("application/x-amz-json-1."):
        content_type = "application/x-amz-json-1.0"
    body = orjson.dumps(
        {
            "__type": "com.amazon.coral.service#UnknownOperationException",
            "message": f"The operation {target} is not supported by this server.",
        }
    )
    headers = [
        ("content-type", content_type),
        ("x-amzn-requestid", request_id),
        ("x-amzn-errortype", "UnknownOperationException"),
    ]
    return 400, body, headers
