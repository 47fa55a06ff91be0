"""The built-in OpenID provider at `/idp/<pool-id>/…`: the edge's request ↔ `IdpRequest`."""

from __future__ import annotations

import asyncio
from typing import Any
from urllib.parse import parse_qsl

from dynafed.server.request import Request
from dynafed.server.signin_pool import SignInPool
from dynafed.userpool.issuer import PATH_PREFIX
from dynafed.userpool.provider import UserPoolProvider
from dynafed.userpool.signin_page import busy_page
from dynafed.userpool.web import IdpRequest

Response = tuple[int, bytes, list[tuple[str, str]]]


def _form(request: Request) -> dict[str, str]:
    content_type = (request.header("content-type") or "").split(";")[0].strip().lower()
    if request.method != "POST" or content_type != "application/x-www-form-urlencoded":
        return {}
    try:
        return dict(parse_qsl(request.body.decode("utf-8"), keep_blank_values=True))
    except UnicodeDecodeError:
        return {}


def _is_sign_in(method: str, rest: str, form: dict[str, str]) -> bool:
    return method == "POST" and rest == "oauth2/authorize" and "password" in form


async def handle(
    provider: UserPoolProvider, executor: Any, signins: SignInPool, request: Request
) -> Response:
    pool_id, _, rest = request.path[len(PATH_PREFIX) :].partition("/")
    form = _form(request)
    idp_request = IdpRequest(
        method=request.method,
        path=f"/{rest}",
        query=request.query_params(),
        form=form,
        authorization=request.header("authorization"),
        client_ip=request.client_host,
    )
    if request.method == "GET" and rest.startswith(".well-known/"):
        # Discovery and keys answer from memory, on the loop: STS fetches them from inside a
        # worker thread, and must not wait for a free worker to answer itself.
        answer = provider.handle(pool_id, idp_request)
    elif _is_sign_in(request.method, rest, form):
        # Password hashing runs on threads of its own (server/signin_pool.py), so no flood
        # of sign-ins can hold the request workers that DynamoDB and STS need.
        answer = await signins.run(provider.handle, pool_id, idp_request) or busy_page()
    else:
        # Storage writes block: keep them off the event loop.
        loop = asyncio.get_running_loop()
        answer = await loop.run_in_executor(executor, provider.handle, pool_id, idp_request)
    return answer.status, answer.body, list(answer.headers)
