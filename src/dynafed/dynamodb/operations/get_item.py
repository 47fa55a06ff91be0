"""GetItem (API reference: GetItem): one item by key, optionally projected.

validate (types, constraints, expression parameters, key values, AttributesToGet,
ProjectionExpression; once per request shape, `dynamodb.prepared_requests`) → in one read
snapshot: load the table, authorize `dynamodb:GetItem`, check the key, read → answer with the
projected item and the read units it cost (the whole item's size counts, whatever the
projection). Where reads wait on the network, the edge may make the read first, on its event
loop (`read_ahead`), and run the rest against its answer (`run_on`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from dynafed.core.authorization import AuthorizationRequest
from dynafed.dynamodb import capacity, fgac
from dynafed.dynamodb.context import ITEM_TABLE_NOT_FOUND, ItemReadAhead, OperationContext
from dynafed.dynamodb.expr import (
    Projection,
    check_expression_parameters,
    compile_expressions,
    projection_from_attributes_to_get,
)
from dynafed.dynamodb.keys import check_key, check_projected_keys, leading_keys, storage_key
from dynafed.dynamodb.prepared_requests import PreparedRequests
from dynafed.dynamodb.requests import GetItemInput
from dynafed.dynamodb.validation import RequestShape, validate_request
from dynafed.dynamodb.validation.model import request_shape
from dynafed.dynamodb.values import validate_item
from dynafed.errors import ResourceNotFoundException
from dynafed.storage.port import ReadView

RUNS_INLINE = True
"""One item of at most 400 KB: small and bounded, so it may run on the event loop
(server.dynamodb_endpoint)."""

authorization = fgac.get_item
"""`dynamodb:GetItem` and its fine-grained keys. A TransactGetItems element is authorized
as the same action, so the keys are computed in `fgac`, which both use."""

REQUEST: RequestShape[GetItemInput] = RequestShape(request_shape("GetItem"))


@dataclass(frozen=True, slots=True)
class PreparedGetItem:
    """A valid GetItem request's conclusions that hold for every request of its shape."""

    request: GetItemInput
    """The request as validated; its `Key` is the first request's: read the key from the
    body at hand."""
    projection: Projection | None
    condition_keys: dict[str, list[str]]
    """The fine-grained keys but `dynamodb:LeadingKeys`, which is the key's own value."""
    capacity_mode: str | None
    """ReturnConsumedCapacity when it asks for a ConsumedCapacity member, else None."""


def prepare_request(body: dict[str, Any]) -> PreparedGetItem:
    request = validate_request(REQUEST, body)
    check_expression_parameters(
        request, expression_params=("ProjectionExpression",), legacy_params=("AttributesToGet",)
    )
    validate_item(request["Key"])
    attributes_to_get = request.get("AttributesToGet")
    legacy = (
        None if attributes_to_get is None else projection_from_attributes_to_get(attributes_to_get)
    )
    compiled = compile_expressions(request)
    keys = authorization(request, None, "", compiled=compiled).condition_keys
    mode = request.get("ReturnConsumedCapacity")
    capacity_mode = mode if capacity.requested(mode) else None
    return PreparedGetItem(request, compiled.projection or legacy, keys, capacity_mode)


PREPARED = PreparedRequests("Key", prepare_request)


def run(ctx: OperationContext, body: dict[str, Any]) -> dict[str, Any]:
    with ctx.storage.read() as view:
        return run_on(ctx, body, view)


def read_ahead(ctx: OperationContext, body: dict[str, Any]) -> ItemReadAhead | None:
    """The read `run` starts with, if it can be made before `run_on` (the table was seen);
    raises what validating the request raises, which `run` would raise first too."""
    prepared = PREPARED.get(body)
    key = validate_item(body["Key"])
    return ctx.tables_seen.item_read_ahead(ctx.table_key(prepared.request["TableName"]), key)


def run_on(ctx: OperationContext, body: dict[str, Any], view: ReadView) -> dict[str, Any]:
    prepared = PREPARED.get(body)
    request = prepared.request
    key = validate_item(body["Key"])
    projection = prepared.projection

    name = request["TableName"]
    table, item, item_read = ctx.tables_seen.read_with_item(view, ctx.table_key(name), key)
    hash_key = None if table is None else table.key_schema.hash_key
    ctx.authorize([_authorization(prepared, key, hash_key, ctx.table_arn(name))])
    if table is None:
        raise ResourceNotFoundException(ITEM_TABLE_NOT_FOUND)
    check_key(table, key)
    check_projected_keys(table, projection)
    if not item_read:
        item = view.get_item(table.table_id, *storage_key(table, key))

    result: dict[str, Any] = {}
    if item is not None:
        result["Item"] = item if projection is None else projection.apply(item)
    mode = prepared.capacity_mode
    if mode is not None:
        consumption = capacity.read(item, consistent=request.get("ConsistentRead", False))
        result["ConsumedCapacity"] = capacity.render(mode, table.name, consumption)
    return result


def _authorization(
    prepared: PreparedGetItem, key: dict[str, Any], hash_key: str | None, resource: str
) -> AuthorizationRequest:
    """`fgac.get_item` for this request, from its shape's keys and its own leading key."""
    leading = leading_keys(key, hash_key)
    shared = prepared.condition_keys
    keys = dict(shared) if leading is None else {fgac.LEADING_KEYS: leading, **shared}
    return AuthorizationRequest("dynamodb:GetItem", resource, keys)
