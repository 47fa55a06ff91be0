"""GetItem (API reference: GetItem): one item by key, optionally projected.

validate (types, constraints, expression parameters, key values, AttributesToGet,
ProjectionExpression) → in one read snapshot: load the table, authorize `dynamodb:GetItem`,
check the key, read → answer with the projected item and the read units it cost (the whole
item's size counts, whatever the projection).
"""

from __future__ import annotations

from typing import Any

from dynafed.dynamodb import capacity, fgac
from dynafed.dynamodb.context import ITEM_TABLE_NOT_FOUND, OperationContext, find_table
from dynafed.dynamodb.expr import (
    check_expression_parameters,
    compile_expressions,
    projection_from_attributes_to_get,
)
from dynafed.dynamodb.items.keys import check_key, check_projected_keys, storage_key
from dynafed.dynamodb.requests import GetItemInput
from dynafed.dynamodb.validation import RequestShape, validate_request
from dynafed.dynamodb.validation.model import request_shape
from dynafed.dynamodb.values import validate_item
from dynafed.errors import ResourceNotFoundException

RUNS_INLINE = True
"""One item of at most 400 KB: small and bounded, so it may run on the event loop
(server.dynamodb_endpoint)."""

authorization = fgac.get_item
"""`dynamodb:GetItem` and its fine-grained keys. A TransactGetItems element is authorized
as the same action, so the keys are computed in `fgac`, which both use."""

REQUEST: RequestShape[GetItemInput] = RequestShape(request_shape("GetItem"))


def run(ctx: OperationContext, body: dict[str, Any]) -> dict[str, Any]:
    request = validate_request(REQUEST, body)
    check_expression_parameters(
        request, expression_params=("ProjectionExpression",), legacy_params=("AttributesToGet",)
    )
    key = validate_item(request["Key"])
    attributes_to_get = request.get("AttributesToGet")
    legacy = (
        None if attributes_to_get is None else projection_from_attributes_to_get(attributes_to_get)
    )
    compiled = compile_expressions(request)
    projection = compiled.projection or legacy

    name = request["TableName"]
    with ctx.storage.read() as view:
        table = find_table(view, ctx.table_key(name))
        hash_key = None if table is None else table.key_schema.hash_key
        ctx.authorize([authorization(request, hash_key, ctx.table_arn(name), compiled=compiled)])
        if table is None:
            raise ResourceNotFoundException(ITEM_TABLE_NOT_FOUND)
        check_key(table, key)
        check_projected_keys(table, projection)
        item = view.get_item(table.table_id, *storage_key(table, key))

    result: dict[str, Any] = {}
    if item is not None:
        result["Item"] = item if projection is None else projection.apply(item)
    mode = request.get("ReturnConsumedCapacity")
    if capacity.requested(mode):
        consistent = request.get("ConsistentRead", False)
        consumption = capacity.read(item, consistent=consistent)
        result["ConsumedCapacity"] = capacity.render(mode, table.name, consumption)
    return result
