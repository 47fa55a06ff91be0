"""BatchGetItem (API reference: BatchGetItem): up to 100 items by key from one or more
tables, each table with its own projection and read consistency.

validate (types, per-table key counts, constraints, at most 100 keys in all, expression and
legacy parameters not mixed across tables, projections, key values) → in one read snapshot:
load the tables, authorize `dynamodb:BatchGetItem` once per table, check every key against its
table and refuse duplicates, read → answer Responses per table; keys left once the items read
would pass 16 MB go back in UnprocessedKeys with their table's parameters.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from dynafed.core.authorization import AuthorizationRequest
from dynafed.dynamodb import capacity, capacity_totals, fgac
from dynafed.dynamodb.context import OperationContext
from dynafed.dynamodb.expr import (
    CompiledExpressions,
    Projection,
    check_expression_parameters,
    compile_expressions,
    projection_from_attributes_to_get,
)
from dynafed.dynamodb.items.multi_item import (
    KeyRegistry,
    existing,
    hash_key_of,
    load_tables,
    require_request_items,
)
from dynafed.dynamodb.keys import check_key, check_projected_keys, storage_key
from dynafed.dynamodb.requests import BatchGetItemInput, KeysAndAttributes
from dynafed.dynamodb.tables import Table
from dynafed.dynamodb.validation import RequestShape, validate_request
from dynafed.dynamodb.validation.model import request_shape
from dynafed.dynamodb.values import Item, item_size, validate_item
from dynafed.errors import ValidationException
from dynafed.storage.port import ReadView

MAX_KEYS = 100
MAX_RESPONSE_BYTES = 16 * 1024 * 1024


RUNS_INLINE = False
"""Up to 100 items, an answer of up to 16 MB: built on a worker so it never stalls the
event loop and every other connection with it (server.dynamodb_endpoint)."""

REQUEST: RequestShape[BatchGetItemInput] = RequestShape(request_shape("BatchGetItem"))


def run(ctx: OperationContext, body: dict[str, Any]) -> dict[str, Any]:
    request = validate_request(REQUEST, body, precheck=_precheck)
    requested = request["RequestItems"]
    _check_key_count(requested)
    _check_parameter_styles(requested)
    compiled = {name: compile_expressions(part) for name, part in requested.items()}
    keys = {name: [validate_item(key) for key in part["Keys"]] for name, part in requested.items()}
    mode = request.get("ReturnConsumedCapacity")

    with ctx.storage.read() as view:
        tables = load_tables(view, ctx.region, ctx.account_id, requested)
        ctx.authorize(
            [
                authorization(
                    part,
                    hash_key_of(tables[name]),
                    ctx.table_arn(name),
                    mode,
                    compiled=compiled[name],
                )
                for name, part in requested.items()
            ]
        )
        found = existing(tables)
        registry = KeyRegistry()
        for name, table in found.items():
            projection = _projection(requested[name], compiled[name])
            check_projected_keys(table, projection)
            for key in keys[name]:
                check_key(table, key)
                registry.add(table, key)
        return _read(view, requested, found, keys, compiled, mode)


def authorization(
    keys_and_attributes: Mapping[str, Any],
    hash_key: str | None,
    resource: str,
    return_consumed_capacity: str | None,
    *,
    compiled: CompiledExpressions | None = None,
) -> AuthorizationRequest:
    """One table's part of a BatchGetItem: its keys' partition values, key names and
    projection; Select as GetItem's."""
    keys = [key for key in keys_and_attributes.get("Keys", []) if isinstance(key, Mapping)]
    projected = (
        "ProjectionExpression" in keys_and_attributes or "AttributesToGet" in keys_and_attributes
    )
    names = fgac.attribute_names(keys_and_attributes, (), ("AttributesToGet",), compiled)
    for key in keys:
        names.update(key)
    return fgac.authorization_request(
        "BatchGetItem",
        resource,
        {
            fgac.LEADING_KEYS: fgac.partition_values(keys, hash_key),
            fgac.ATTRIBUTES: names,
            fgac.SELECT: "SPECIFIC_ATTRIBUTES" if projected else "ALL_ATTRIBUTES",
            fgac.RETURN_CONSUMED_CAPACITY: return_consumed_capacity,
        },
    )


def _precheck(request: dict[str, Any]) -> None:
    require_request_items(request, "BatchGetItem")
    for name, part in (request.get("RequestItems") or {}).items():
        if len(part.get("Keys") or ()) > MAX_KEYS:
            raise ValidationException(
                f"1 validation error detected: Value at 'RequestItems.{name}.member.Keys' failed "
                f"to satisfy constraint: Member must have length less than or equal to {MAX_KEYS}"
            )


def _check_key_count(requested: Mapping[str, Mapping[str, Any]]) -> None:
    if sum(len(part["Keys"]) for part in requested.values()) > MAX_KEYS:
        raise ValidationException("Too many items requested for the BatchGetItem call")


def _check_parameter_styles(requested: Mapping[str, Mapping[str, Any]]) -> None:
    """Expression and legacy projections may not mix, within a table or across tables."""
    merged: dict[str, Any] = {}
    for part in requested.values():
        check_expression_parameters(
            part, expression_params=("ProjectionExpression",), legacy_params=("AttributesToGet",)
        )
        for member in ("ProjectionExpression", "AttributesToGet"):
            if member in part:
                merged[member] = part[member]
    check_expression_parameters(
        merged, expression_params=("ProjectionExpression",), legacy_params=("AttributesToGet",)
    )


def _projection(part: Mapping[str, Any], compiled: CompiledExpressions) -> Projection | None:
    names = part.get("AttributesToGet")
    return compiled.projection if names is None else projection_from_attributes_to_get(names)


def _read(
    view: ReadView,
    requested: Mapping[str, KeysAndAttributes],
    tables: Mapping[str, Table],
    keys: Mapping[str, list[Item]],
    compiled: Mapping[str, CompiledExpressions],
    mode: str | None,
) -> dict[str, Any]:
    """Read in request order until the items read would pass 16 MB; every key from there
    on, in this table and the following ones, is unprocessed."""
    responses: dict[str, list[Item]] = {name: [] for name in requested}
    unprocessed: dict[str, dict[str, Any]] = {}
    totals: dict[str, capacity.Consumption] = {}
    read_bytes = 0
    for name, part in requested.items():
        table = tables[name]
        projection = _projection(part, compiled[name])
        consistent = part.get("ConsistentRead", False)
        for position, key in enumerate(keys[name]):
            item = None if unprocessed else view.get_item(table.table_id, *storage_key(table, key))
            size = 0 if item is None else item_size(item)
            if unprocessed or read_bytes + size > MAX_RESPONSE_BYTES:
                unprocessed[name] = {**part, "Keys": keys[name][position:]}
                break
            read_bytes += size
            capacity_totals.accumulate(totals, name, capacity.read(item, consistent=consistent))
            shaped = (
                None if item is None else item if projection is None else projection.apply(item)
            )
            if shaped:
                responses[name].append(shaped)
    result: dict[str, Any] = {"Responses": responses, "UnprocessedKeys": unprocessed}
    rendered = capacity_totals.render_list(mode, totals)
    if rendered is not None:
        result["ConsumedCapacity"] = rendered
    return result
