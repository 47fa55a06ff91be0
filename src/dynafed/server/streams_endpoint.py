"""DynamoDB Streams' endpoint: `X-Amz-Target: DynamoDBStreams_20120810.<Operation>`, JSON 1.0,
signed for the `dynamodb` service as AWS's Streams clients sign it.

Authenticate (scope `dynamodb`, `x-amz-target` signed), authorize through the caller's
authorizer (`dynamodb:ListStreams` … `dynamodb:GetRecords` on the stream ARN), run the
operation on a worker thread in the request's region, render the result or the typed error
in DynamoDB's shape.
"""

from __future__ import annotations

import asyncio
from typing import Any

from dynafed.core.authorization import Authorizer
from dynafed.server.dynamodb_endpoint import serve_json
from dynafed.server.request import Request
from dynafed.server.services import Response, Services

TARGET_PREFIX = "DynamoDBStreams_20120810."


async def handle(services: Services, request: Request, target: str, request_id: str) -> Response:
    operation = target[len(TARGET_PREFIX) :]
    streams = services.streams
    assert streams is not None

    async def run(body: dict[str, Any], authorizer: Authorizer, region: str) -> dict[str, Any]:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(
            services.executor, streams.handle, operation, body, authorizer, region
        )

    return await serve_json(services, request, request_id, ("DynamoDB Streams", operation), run)
