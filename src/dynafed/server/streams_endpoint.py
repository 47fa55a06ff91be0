"""DynamoDB Streams' endpoint: `X-Amz-Target: DynamoDBStreams_20120810.<Operation>`, JSON 1.0,
signed for the `dynamodb` service as AWS's Streams clients sign it.

Authenticate (scope `dynamodb`, `x-amz-target` signed), authorize through the caller's
authorizer (`dynamodb:ListStreams` … `dynamodb:GetRecords` on the stream ARN), run the
operation on a worker thread in the request's region, render the result or the typed error
in DynamoDB's shape.
"""

from __future__ import annotations

import asyncio
import logging

from dynafed.errors import AwsError, DynamoDBError
from dynafed.server import json_protocol
from dynafed.server.asgi import Request, sigv4_view
from dynafed.server.dynamodb_endpoint import SIGNED_TARGET, SIGNING_NAMES, request_facts
from dynafed.server.services import Response, Services

log = logging.getLogger(__name__)

TARGET_PREFIX = "DynamoDBStreams_20120810."


async def handle(services: Services, request: Request, target: str, request_id: str) -> Response:
    operation = target[len(TARGET_PREFIX) :]
    streams = services.streams
    assert streams is not None
    try:
        authenticated = services.authenticator.authenticate(
            sigv4_view(request), request.query_params(), SIGNING_NAMES, SIGNED_TARGET
        )
        body = json_protocol.parse_body(request.body)
        authorizer = services.authorizer_for(
            authenticated.principal, request_facts(request, authenticated)
        )
        loop = asyncio.get_running_loop()
        result = await loop.run_in_executor(
            services.executor,
            streams.handle,
            operation,
            body,
            authorizer,
            authenticated.scope.region,
        )
    except DynamoDBError as error:
        return json_protocol.render_error(error, request_id)
    except AwsError as error:  # a Query-family error raised on a JSON path
        return json_protocol.render_error(json_protocol.as_dynamodb_error(error), request_id)
    except Exception:
        log.exception("internal error in DynamoDB Streams %s", operation)
        return json_protocol.render_error(json_protocol.internal_error(), request_id)
    return json_protocol.render_result(result, request_id)
