"""The Cognito user pools API's JSON 1.1 framing: `X-Amz-Target:
AWSCognitoIdentityProviderService.<Op>` in, `application/x-amz-json-1.1` out, errors as
`{"__type": "<Code>", "message": …}` (the framing of `cognito_endpoint.py`).

Signed with signing name `cognito-idp` and `x-amz-target` among the signed headers;
InitiateAuth and RespondToAuthChallenge may come unsigned. Operations that hash or check a
password run on the sign-in threads; the rest on the request workers.
"""

from __future__ import annotations

import asyncio
import logging

import orjson

from dynafed.errors import AwsError
from dynafed.server.cognito_endpoint import CONTENT_TYPE, internal_error, parse_body, render_error
from dynafed.server.dynamodb_endpoint import request_facts
from dynafed.server.request import Request
from dynafed.server.services import Response, Services
from dynafed.server.signin_pool import SignInPool
from dynafed.storage.port import StorageUnavailableError
from dynafed.userpool.api.context import Call
from dynafed.userpool.api.errors import TooManyRequestsException
from dynafed.userpool.api.service import TARGET_PREFIX, CognitoIdpService

log = logging.getLogger(__name__)

SIGNING_NAMES = ("cognito-idp",)
BUSY = "Too many sign-ins are waiting; try again shortly."


def _call(services: Services, service: CognitoIdpService, request: Request, op: str) -> Call:
    authenticator = services.authenticator
    if service.may_be_unsigned(op) and request.header("authorization") is None:
        return Call(authenticator.regions.default, client_ip=request.client_host)
    authenticated = authenticator.authenticate(
        request, request.query_params(), SIGNING_NAMES, ("x-amz-target",)
    )
    authorizer = services.authorizer_for(
        authenticated.principal, request_facts(request, authenticated)
    )
    return Call(
        authenticated.scope.region, authenticated.principal, authorizer, request.client_host
    )


async def handle(
    service: CognitoIdpService,
    services: Services,
    signins: SignInPool,
    request: Request,
    target: str,
    request_id: str,
) -> Response:
    operation = target[len(TARGET_PREFIX) :]
    try:
        body = parse_body(request.body)
        call = _call(services, service, request, operation)
        if service.uses_passwords(operation):
            result = await signins.run(service.handle, operation, body, call)
            if result is None:
                raise TooManyRequestsException(BUSY)
        else:
            loop = asyncio.get_running_loop()
            result = await loop.run_in_executor(
                services.executor, service.handle, operation, body, call
            )
    except AwsError as error:
        return render_error(error, request_id)
    except StorageUnavailableError as error:
        log.warning(
            "Cognito user pools %s unavailable (request %s): %s", operation, request_id, error
        )
        return internal_error(request_id)
    except Exception:
        log.exception("internal error in Cognito user pools %s", operation)
        return internal_error(request_id)
    headers = [("content-type", CONTENT_TYPE), ("x-amzn-requestid", request_id)]
    return 200, orjson.dumps(result), headers
