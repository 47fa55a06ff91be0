"""DescribeEndpoints (API reference: DescribeEndpoints): where to send DynamoDB requests.

AWS answers its regional endpoint; dynafed answers the address the request was sent to, so
a client with endpoint discovery on keeps talking to this server. validate (no members) →
authorize `dynamodb:DescribeEndpoints` → answer.
"""

from __future__ import annotations

from typing import Any

from dynafed.dynamodb import fgac
from dynafed.dynamodb.context import OperationContext
from dynafed.dynamodb.requests import DescribeEndpointsRequest
from dynafed.dynamodb.validation import RequestShape, validate_request
from dynafed.dynamodb.validation.model import request_shape

RUNS_INLINE = True
"""No storage at all."""

CACHE_PERIOD_MINUTES = 1440
"""How long a client may keep the answer: AWS's value."""

REQUEST: RequestShape[DescribeEndpointsRequest] = RequestShape(request_shape("DescribeEndpoints"))


def run(ctx: OperationContext, body: dict[str, Any]) -> dict[str, Any]:
    validate_request(REQUEST, body)
    ctx.authorize(fgac.control_plane("DescribeEndpoints", "*"))
    address = ctx.endpoint or f"dynamodb.{ctx.region}.amazonaws.com"
    return {"Endpoints": [{"Address": address, "CachePeriodInMinutes": CACHE_PERIOD_MINUTES}]}
