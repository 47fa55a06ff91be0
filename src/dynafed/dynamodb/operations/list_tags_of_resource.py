"""ListTagsOfResource (API reference: ListTagsOfResource): a table's tags, in the order they
were first set. All tags fit one page (at most 50 per resource), so no NextToken is given."""

from __future__ import annotations

from typing import Any

from dynafed.dynamodb import fgac
from dynafed.dynamodb.context import OperationContext, find_table
from dynafed.dynamodb.control_plane import resource_arns
from dynafed.dynamodb.requests import ListTagsOfResourceInput
from dynafed.dynamodb.validation import RequestShape, check_constraints, check_types
from dynafed.dynamodb.validation.model import request_shape
from dynafed.errors import ResourceNotFoundException

RUNS_INLINE = True
"""One table document: small and bounded, so it may run on the event loop
(server.dynamodb_endpoint)."""

REQUEST: RequestShape[ListTagsOfResourceInput] = RequestShape(request_shape("ListTagsOfResource"))


def run(ctx: OperationContext, body: dict[str, Any]) -> dict[str, Any]:
    request = check_types(REQUEST, body)
    resource_arns.require_arn(request)
    arn = request["ResourceArn"]
    resource = resource_arns.authorization_resource(arn)
    ctx.authorize(fgac.control_plane("ListTagsOfResource", resource))
    check_constraints(REQUEST, request)
    key = resource_arns.table_key(ctx, arn)
    with ctx.storage.read() as view:
        table = None if key is None else find_table(view, key)
    if table is None:
        raise ResourceNotFoundException(
            f"Requested resource not found: ResourcArn: {arn} not found"
        )
    return {"Tags": [{"Key": tag, "Value": value} for tag, value in table.tags.items()]}
