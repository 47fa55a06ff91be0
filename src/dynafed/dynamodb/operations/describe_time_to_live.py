"""DescribeTimeToLive (API reference: DescribeTimeToLive)."""

from __future__ import annotations

from typing import Any

from dynafed.dynamodb import fgac
from dynafed.dynamodb.context import OperationContext, table_not_found
from dynafed.dynamodb.requests import DescribeTimeToLiveInput
from dynafed.dynamodb.validation import RequestShape, validate_request
from dynafed.dynamodb.validation.common import require_table_name
from dynafed.dynamodb.validation.model import request_shape

RUNS_INLINE = True
"""One table document: small and bounded, so it may run on the event loop
(server.dynamodb_endpoint)."""

REQUEST: RequestShape[DescribeTimeToLiveInput] = RequestShape(request_shape("DescribeTimeToLive"))


def run(ctx: OperationContext, body: dict[str, Any]) -> dict[str, Any]:
    request = validate_request(REQUEST, body, precheck=require_table_name)
    name = request["TableName"]
    ctx.authorize(fgac.control_plane("DescribeTimeToLive", ctx.table_arn(name)))
    table = ctx.find_table(name)
    if table is None:
        raise table_not_found(name)
    ttl = table.time_to_live
    if not ttl.enabled:
        return {"TimeToLiveDescription": {"TimeToLiveStatus": "DISABLED"}}
    return {
        "TimeToLiveDescription": {
            "TimeToLiveStatus": "ENABLED",
            "AttributeName": ttl.attribute_name,
        }
    }
