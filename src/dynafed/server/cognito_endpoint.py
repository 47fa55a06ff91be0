"""Cognito Identity's JSON 1.1 framing: `X-Amz-Target: AWSCognitoIdentityService.<Op>` in,
`application/x-amz-json-1.1` out; errors as `{"__type": "<Code>", "message": …}`.

Also serves the identity pools' OpenID issuer documents (`/cognito-identity/.well-known/…`),
so anyone can verify a GetOpenIdToken token as they would Cognito's.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import orjson

from dynafed.auth.authenticator import Authenticator
from dynafed.cognito.openid_token import OpenIdTokens
from dynafed.cognito.service import TARGET_PREFIX, CognitoIdentityService
from dynafed.errors import AwsError, CognitoSerializationException
from dynafed.server.request import Request
from dynafed.storage.port import StorageUnavailableError

log = logging.getLogger(__name__)

CONTENT_TYPE = "application/x-amz-json-1.1"
ISSUER_PATH = "/cognito-identity"
SIGNING_NAMES = ("cognito-identity",)
Response = tuple[int, bytes, list[tuple[str, str]]]


def _headers(request_id: str, error: str | None = None) -> list[tuple[str, str]]:
    headers = [("content-type", CONTENT_TYPE), ("x-amzn-requestid", request_id)]
    if error is not None:
        headers.append(("x-amzn-errortype", error))
    return headers


def render_error(error: AwsError, request_id: str) -> Response:
    body = orjson.dumps({"__type": error.code, "message": error.message})
    return error.status, body, _headers(request_id, error.code)


def parse_body(body: bytes) -> dict[str, Any]:
    try:
        parsed = orjson.loads(body) if body else {}
    except orjson.JSONDecodeError:
        raise CognitoSerializationException("The request body is not valid JSON.") from None
    if not isinstance(parsed, dict):
        raise CognitoSerializationException("The request body must be a JSON object.")
    return parsed


async def handle(
    service: CognitoIdentityService,
    authenticator: Authenticator,
    executor: Any,
    request: Request,
    target: str,
    request_id: str,
) -> Response:
    operation = target[len(TARGET_PREFIX) :]
    try:
        body = parse_body(request.body)
        caller = None
        region = authenticator.regions.of_id(body.get("IdentityPoolId", body.get("IdentityId")))
        if not (service.may_be_unsigned(operation) and request.header("authorization") is None):
            authenticated = authenticator.authenticate(
                request, request.query_params(), SIGNING_NAMES, ("x-amz-target",)
            )
            caller, region = authenticated.principal, authenticated.scope.region
        loop = asyncio.get_running_loop()
        result = await loop.run_in_executor(
            executor, service.handle, operation, body, caller, region
        )
    except AwsError as error:
        return render_error(error, request_id)
    except StorageUnavailableError as error:
        log.warning(
            "Cognito Identity %s unavailable (request %s): %s", operation, request_id, error
        )
        return internal_error(request_id)
    except Exception:
        log.exception("internal error in Cognito Identity %s", operation)
        return internal_error(request_id)
    return 200, orjson.dumps(result), _headers(request_id)


def internal_error(request_id: str) -> Response:
    """Cognito's answer for its own failures (a database out of reach included: Cognito
    documents no 503), `InternalErrorException`, HTTP 500, which SDKs retry."""
    failure = {"__type": "InternalErrorException", "message": "Internal error"}
    return 500, orjson.dumps(failure), _headers(request_id, "InternalErrorException")


def well_known(tokens: OpenIdTokens, path: str) -> Response | None:
    """`GET /cognito-identity/.well-known/{openid-configuration,jwks_uri}`."""
    if path == f"{ISSUER_PATH}/.well-known/jwks_uri":
        body = orjson.dumps(tokens.keys.jwks())
        return 200, body, [("content-type", "application/json"), ("cache-control", "max-age=300")]
    if path == f"{ISSUER_PATH}/.well-known/openid-configuration":
        document = {
            "issuer": tokens.issuer,
            "jwks_uri": f"{tokens.issuer}/.well-known/jwks_uri",
            "response_types_supported": ["id_token"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": [tokens.keys.alg],
        }
        return 200, orjson.dumps(document), [("content-type", "application/json")]
    return None
