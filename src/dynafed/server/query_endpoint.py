"""The Query-protocol APIs (STS and IAM): form parameters in, XML out.

A request belongs to the service its SigV4 credential scope names; the two web-identity
federation actions of STS are unsigned and are recognised by their Action.
"""

from __future__ import annotations

import asyncio
import logging

from dynafed.errors import (
    AwsError,
    DynamoDBError,
    ExpiredTokenException,
    IncompleteSignatureException,
    InvalidAction,
    InvalidSignatureException,
    MissingAction,
    MissingAuthenticationTokenException,
    QueryError,
    QueryServiceUnavailable,
    UnrecognizedClientException,
)
from dynafed.server import query_protocol
from dynafed.server.request import Request
from dynafed.server.services import Response, Services
from dynafed.storage.port import StorageUnavailableError

log = logging.getLogger(__name__)

STS_XMLNS = "https://sts.amazonaws.com/doc/2011-06-15/"
IAM_XMLNS = "https://iam.amazonaws.com/doc/2010-05-08/"
STS_VERSION = "2011-06-15"
IAM_VERSION = "2010-05-08"
UNSIGNED_STS_ACTIONS = frozenset({"AssumeRoleWithWebIdentity", "AssumeRoleWithSAML"})


# SigV4 failures are raised once, with DynamoDB's codes; Query APIs name them differently.
_AUTH_CODES: dict[type[DynamoDBError], tuple[str, int]] = {
    UnrecognizedClientException: ("InvalidClientTokenId", 403),
    InvalidSignatureException: ("SignatureDoesNotMatch", 403),
    MissingAuthenticationTokenException: ("MissingAuthenticationToken", 403),
    IncompleteSignatureException: ("IncompleteSignature", 400),
    ExpiredTokenException: ("ExpiredToken", 400),
}


def _render(
    status: int, code: str, message: str, fault: str, xmlns: str, request_id: str
) -> Response:
    body = query_protocol.render_error(code, message, fault, xmlns, request_id)
    return status, body, [("content-type", "text/xml"), ("x-amzn-requestid", request_id)]


def render_too_large(request_id: str) -> Response:
    return _render(
        413, "RequestEntityTooLarge", "Request is too large.", "Sender", STS_XMLNS, request_id
    )


def _signing_names(params: dict[str, str]) -> tuple[str, str]:
    """STS and IAM share this endpoint: a signed request belongs to the service its
    credential scope names; an unsigned one, or one whose scope names neither, to the one
    its `Version` names."""
    return ("iam", "sts") if params.get("Version") == IAM_VERSION else ("sts", "iam")


async def handle(services: Services, request: Request, request_id: str) -> Response:
    xmlns = STS_XMLNS
    try:
        params = query_protocol.parse_form(request.body) if request.method == "POST" else {}
        if not params:
            params = request.query_params()
        action = params.get("Action")
        if not action:
            raise MissingAction("Missing Action")
        caller = None
        names = _signing_names(params)
        service_name = names[0]
        xmlns = IAM_XMLNS if service_name == "iam" else STS_XMLNS  # for errors from here on
        if not (action in UNSIGNED_STS_ACTIONS and request.header("authorization") is None):
            authenticated = services.authenticator.authenticate(
                request, request.query_params(), names
            )
            caller = authenticated.principal
            service_name = authenticated.scope.service
        xmlns = IAM_XMLNS if service_name == "iam" else STS_XMLNS
        service = services.iam if service_name == "iam" else services.sts
        loop = asyncio.get_running_loop()
        result = await loop.run_in_executor(
            services.executor, service.handle, action, params, caller
        )
    except DynamoDBError as error:
        code, status = _AUTH_CODES.get(type(error), (error.code, error.status))
        return _render(status, code, error.message, "Sender", xmlns, request_id)
    except QueryError as error:
        return _render(error.status, error.code, error.message, error.fault, xmlns, request_id)
    except AwsError as error:
        return _render(error.status, error.code, error.message, "Sender", xmlns, request_id)
    except StorageUnavailableError as error:
        log.warning("%s unavailable (request %s): %s", request.path, request_id, error)
        unavailable = QueryServiceUnavailable("The service is temporarily unavailable.")
        return _render(503, unavailable.code, unavailable.message, "Receiver", xmlns, request_id)
    except Exception:
        log.exception("internal error in %s", request.path)
        return _render(
            500, "InternalFailure", "An internal error occurred.", "Receiver", xmlns, request_id
        )
    body = query_protocol.render_result(action, result, xmlns, request_id)
    return 200, body, [("content-type", "text/xml"), ("x-amzn-requestid", request_id)]


__all__ = ["IAM_XMLNS", "STS_XMLNS", "InvalidAction", "handle", "render_too_large"]
