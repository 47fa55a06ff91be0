"""DynamoDB's endpoint: `X-Amz-Target: DynamoDB_20120810.<Operation>`, JSON 1.0.

Authenticate (the scope must be `dynamodb` and `x-amz-target` signed), authorize through
the caller's authorizer, run the operation in the request's region, render the result or
the typed error in DynamoDB's shape.

Where the operation runs: a worker-thread hop (submit, wake a thread, hand the result back,
wake the loop) cost more than a whole SQLite point read, about a fifth of a GetItem's CPU
time. So reads whose work is small and bounded run on the event loop when storage is local
(its reads never wait on the network or on a lock); each operation declares whether it is
one (`RUNS_INLINE` in `dynamodb/operations/<operation>.py`). Where reads wait on the
network (PostgreSQL), the one read of a GetItem or of a small Query page is awaited on the
loop, on connections the loop owns, and the rest of it runs on the loop with the answer
(`Storage.reads_on_loop`). Writes the service can split are awaited on the loop until their
group commit reports (`deferred_writes`); everything else, and every large answer, runs on a
worker thread so it never stalls the loop.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from functools import partial
from typing import Any

from dynafed.auth.authenticator import Authenticated
from dynafed.core.authorization import Authorizer
from dynafed.dynamodb.context import PREPARED_AGAINST_ANOTHER_TABLE, ReadNeeded
from dynafed.enforcement.context import RequestFacts
from dynafed.errors import AwsError, DynamoDBError, ServiceUnavailable
from dynafed.server import json_protocol
from dynafed.server.deferred_writes import committed
from dynafed.server.request import Request
from dynafed.server.services import Response, Services
from dynafed.storage.port import LoopReadFailed, StorageUnavailableError

log = logging.getLogger(__name__)

TARGET_PREFIX = "DynamoDB_20120810."
SIGNING_NAMES = ("dynamodb",)
SIGNED_TARGET = ("x-amz-target",)
"""JSON-protocol requests name their operation in this header: it must be signed."""


async def handle(services: Services, request: Request, target: str, request_id: str) -> Response:
    operation = target[len(TARGET_PREFIX) :]
    run = partial(_run, services, operation, request.header("host") or "")
    return await serve_json(services, request, request_id, ("DynamoDB", operation), run)


JsonOperation = Callable[[dict[str, Any], Authorizer, str], Awaitable[dict[str, Any]]]
"""One operation of a JSON-protocol service: (body, caller's authorizer, region) -> result."""


async def serve_json(
    services: Services,
    request: Request,
    request_id: str,
    label: tuple[str, str],
    run: JsonOperation,
) -> Response:
    """Authenticate a request signed for `dynamodb` (DynamoDB and DynamoDB Streams), run it,
    render the result or the typed error in DynamoDB's shape. `label` (service, operation)
    names the operation in the log of an internal error."""
    try:
        authenticated = services.authenticator.authenticate(
            request, request.query_params(), SIGNING_NAMES, SIGNED_TARGET
        )
        body = json_protocol.parse_body(request.body)
        authorizer = services.authorizer_for(
            authenticated.principal, request_facts(request, authenticated)
        )
        result = await run(body, authorizer, authenticated.scope.region)
    except DynamoDBError as error:
        return json_protocol.render_error(error, request_id)
    except AwsError as error:  # a Query-family error raised on a JSON path
        return json_protocol.render_error(json_protocol.as_dynamodb_error(error), request_id)
    except StorageUnavailableError as error:
        log.warning("%s %s unavailable (request %s): %s", *label, request_id, error)
        unavailable = ServiceUnavailable("The service is temporarily unavailable.")
        return json_protocol.render_error(unavailable, request_id)
    except Exception:
        # A bug, not bad input: log it, and still answer in DynamoDB's error shape.
        log.exception("internal error in %s %s", *label)
        return json_protocol.render_error(json_protocol.internal_error(), request_id)
    response = json_protocol.render_result(result, request_id)
    if len(response[1]) < json_protocol.COMPRESS_FROM or not json_protocol.accepts_gzip(
        request.header("accept-encoding")
    ):
        return response
    if len(response[1]) < COMPRESS_ON_LOOP_UP_TO:
        return json_protocol.gzipped(response)
    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(services.executor, json_protocol.gzipped, response)


COMPRESS_ON_LOOP_UP_TO = 64 * 1024
"""Larger answers (a Query's or Scan's page, up to 1 MB) are compressed on a worker thread:
a millisecond or more of compression must not stall the event loop."""


def request_facts(request: Request, authenticated: Authenticated) -> RequestFacts:
    """How the request arrived, for the `aws:SourceIp`-style condition keys."""
    return RequestFacts(
        requested_region=authenticated.scope.region,
        secure_transport=request.scheme == "https",
        source_ip=request.client_host,
        user_agent=request.header("user-agent"),
    )


async def _run(
    services: Services,
    operation: str,
    endpoint: str,
    body: dict[str, Any],
    authorizer: Authorizer,
    region: str,
) -> dict[str, Any]:
    if services.runs_inline(operation, body):
        return services.dynamodb.handle(operation, body, authorizer, region, endpoint)
    if services.reads_on_loop is not None:
        ahead = services.dynamodb.read_ahead(operation, body, authorizer, region)
        if ahead is not None:
            with contextlib.suppress(LoopReadFailed):  # then it runs on a worker thread
                made = await ahead.made(services.reads_on_loop)
                return services.dynamodb.run_read_ahead(
                    operation, body, authorizer, region, endpoint, made
                )
    loop = asyncio.get_running_loop()
    if services.write_later is not None:
        try:
            deferred = services.dynamodb.prepare(operation, body, authorizer, region)
            if deferred is not None:
                try:
                    return deferred.finish(await committed(services.write_later, deferred.write))
                except PREPARED_AGAINST_ANOTHER_TABLE:  # a table since changed or replaced
                    again = services.dynamodb.prepare(
                        operation, body, authorizer, region, tables_as_last_seen=False
                    )
                    assert again is not None
                    return again.finish(await committed(services.write_later, again.write))
        except ReadNeeded as needed:  # the read is made on a worker thread
            if needed.error is not None:
                error = await loop.run_in_executor(
                    services.executor, services.dynamodb.error_stands, needed
                )
                if error is not None:
                    raise error from None
    return await loop.run_in_executor(
        services.executor, services.dynamodb.handle, operation, body, authorizer, region, endpoint
    )
