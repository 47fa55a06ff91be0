"""The one routing table: which endpoint answers a request, from its `X-Amz-Target` header
(JSON protocols), its path (the built-in identity provider, issuer documents, the web app)
or, for everything else, the Query protocol (STS and IAM, told apart by the SigV4 scope).

Order matters: DynamoDB, the hot path, is asked first. A JSON target no service here
answers gets JSON's `UnknownOperationException`, never another protocol's error.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import orjson

from dynafed.cognito.service import TARGET_PREFIX as COGNITO_IDENTITY_PREFIX
from dynafed.server import dynamodb_endpoint, query_endpoint, streams_endpoint
from dynafed.server.asgi import Request
from dynafed.server.cognito_endpoint import ISSUER_PATH
from dynafed.server.services import Response, Services
from dynafed.server.static_endpoint import APP_PATH
from dynafed.userpool.api.service import TARGET_PREFIX as COGNITO_IDP_PREFIX
from dynafed.userpool.issuer import PATH_PREFIX as USER_POOLS_PREFIX

Endpoint = Callable[[Services, Request, str, str], Awaitable[Response]]
"""(services, request, target, request id) → answer."""


def route(services: Services, request: Request, target: str) -> Endpoint:
    """The endpoint for `request`; `target` is its `X-Amz-Target` ("" when absent)."""
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
