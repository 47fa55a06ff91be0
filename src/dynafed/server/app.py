"""The HTTP edge: one ASGI app routing each request to its AWS protocol.

Thin by design: read the request, authenticate, hand a parsed request to a service on a
worker thread (services are synchronous and may wait on storage), render the result or the
typed error. Nothing here knows DynamoDB, IAM or STS semantics.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from dynafed.auth.authenticator import Authenticated, Authenticator
from dynafed.auth.principal import Principal
from dynafed.core.authorization import Authorizer
from dynafed.enforcement.context import RequestFacts
from dynafed.errors import AwsError, DynamoDBError
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
    sigv4_view,
)
from dynafed.server.deferred_writes import DeferredWrite, committed
from dynafed.server.inline_reads import never_inline
from dynafed.server.request_ids import RequestIds
from dynafed.storage.port import WriteLater

if TYPE_CHECKING:
    from dynafed.server.identity_wiring import IdentityRoutes

log = logging.getLogger(__name__)

DYNAMODB_TARGET_PREFIX = "DynamoDB_20120810."
DYNAMODB_SIGNING_NAMES = ("dynamodb",)
TARGET_HEADER = ("x-amz-target",)
"""JSON-protocol requests name their operation in this header: it must be signed."""


class JsonService(Protocol):
    """What the edge needs of a JSON-protocol service (DynamoDB)."""

    def handle(
        self,
        operation: str,
        body: dict[str, Any],
        authorizer: Authorizer,
        region: str | None = None,
    ) -> dict[str, Any]: ...

    def prepare(
        self,
        operation: str,
        body: dict[str, Any],
        authorizer: Authorizer,
        region: str | None = None,
    ) -> DeferredWrite | None:
        """The request up to its write transaction, or None (server.deferred_writes)."""
        ...


class QueryService(Protocol):
    """What the edge needs of a Query-protocol service (STS, IAM)."""

    def handle(
        self, action: str, params: dict[str, str], caller: Principal | None
    ) -> dict[str, Any]: ...


@dataclass
class Services:
    authenticator: Authenticator
    dynamodb: JsonService
    sts: QueryService
    iam: QueryService
    authorizer_for: Callable[[Principal, RequestFacts], Authorizer]
    executor: ThreadPoolExecutor
    max_body_bytes: int
    on_close: Callable[[], None] | None = None
    runs_inline: Callable[[str, dict[str, Any]], bool] = never_inline
    """Whether a DynamoDB request runs on the event loop rather than `executor`
    (server.inline_reads)."""
    write_later: WriteLater | None = None
    """Storage's non-blocking write, for writes the loop awaits (server.deferred_writes);
    None: every write runs on `executor`."""
    identity: IdentityRoutes | None = None
    """Identity pools, the built-in OpenID provider and the web app (server.identity_wiring)."""


def request_facts(request: Request, authenticated: Authenticated) -> RequestFacts:
    """How the request arrived, for the `aws:SourceIp`-style condition keys."""
    return RequestFacts(
        requested_region=authenticated.scope.region,
        secure_transport=request.scheme == "https",
        source_ip=request.client_host,
        user_agent=request.header("user-agent"),
    )


class DynafedApp:
    def __init__(self, services: Services) -> None:
        self.services = services
        self._request_ids = RequestIds(secrets.token_bytes)

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
            status, body, headers = await self._dispatch(request, receive)
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

    async def _dispatch(
        self, request: Request, receive: Receive
    ) -> tuple[int, bytes, list[tuple[str, str]]]:
        request_id = self._request_ids.next_id()
        target = request.header("x-amz-target") or ""
        if request.method == "GET" and request.path in ("/health", "/healthz"):
            return 200, b'{"status":"ok"}', [("content-type", "application/json")]
        try:
            length = request.header("content-length")
            declared = int(length) if length and length.isdigit() else None
            request.body = await read_body(receive, declared, self.services.max_body_bytes)
        except BodyTooLarge:
            if target.startswith(DYNAMODB_TARGET_PREFIX):
                return json_protocol.render_error(json_protocol.request_too_large(), request_id)
            return query_endpoint.render_too_large(request_id)
        if self.services.identity is not None:
            answer = await self.services.identity.dispatch(
                self.services, request, target, request_id
            )
            if answer is not None:
                return answer
        if target.startswith(DYNAMODB_TARGET_PREFIX):
            return await self._dynamodb(request, target, request_id)
        return await query_endpoint.handle(self.services, request, request_id)

    async def _dynamodb(
        self, request: Request, target: str, request_id: str
    ) -> tuple[int, bytes, list[tuple[str, str]]]:
        operation = target[len(DYNAMODB_TARGET_PREFIX) :]
        try:
            authenticated = self._authenticate(request)
            body = json_protocol.parse_body(request.body)
            authorizer = self.services.authorizer_for(
                authenticated.principal, request_facts(request, authenticated)
            )
            result = await self._run(operation, body, authorizer, authenticated.scope.region)
        except DynamoDBError as error:
            return json_protocol.render_error(error, request_id)
        except AwsError as error:  # a Query-family error raised on a JSON path
            return json_protocol.render_error(json_protocol.as_dynamodb_error(error), request_id)
        except Exception:
            # A bug, not bad input: log it, and still answer in DynamoDB's error shape.
            log.exception("internal error in DynamoDB %s", operation)
            return json_protocol.render_error(json_protocol.internal_error(), request_id)
        return json_protocol.render_result(result, request_id)

    async def _run(
        self,
        operation: str,
        body: dict[str, Any],
        authorizer: Authorizer,
        region: str | None = None,
    ) -> dict[str, Any]:
        """Small reads on the loop, splittable writes awaited on the loop until committed,
        the rest on a worker thread (server.inline_reads, server.deferred_writes)."""
        services = self.services
        if services.runs_inline(operation, body):
            return services.dynamodb.handle(operation, body, authorizer, region)
        if services.write_later is not None:
            deferred = services.dynamodb.prepare(operation, body, authorizer, region)
            if deferred is not None:
                return deferred.finish(await committed(services.write_later, deferred.write))
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(
            services.executor, services.dynamodb.handle, operation, body, authorizer, region
        )

    def _authenticate(self, request: Request) -> Authenticated:
        return self.services.authenticator.authenticate(
            sigv4_view(request), request.query_params(), DYNAMODB_SIGNING_NAMES, TARGET_HEADER
        )
