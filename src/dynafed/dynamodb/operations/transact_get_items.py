"""TransactGetItems (API reference: TransactGetItems): up to 100 items read in one snapshot.

validate (types, 1 to 100 actions, constraints, each Get's projection and key values) → in
one read snapshot: load the tables, authorize `dynamodb:GetItem` per action with
EnclosingOperation TransactGetItems, check keys (a key that does not fit its table cancels
the transaction with a ValidationError reason), refuse two actions on one item → read →
answer one response per action, in order (`{}` for a missing item), at two read units per
item, missing ones included; items that together pass 4 MB reject the whole request.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import partial
from typing import Any

from dynafed.dynamodb import capacity, capacity_totals, fgac
from dynafed.dynamodb.context import OperationContext
from dynafed.dynamodb.expr import CompiledExpressions, compile_expressions
from dynafed.dynamodb.items.multi_item import KeyRegistry, existing, hash_key_of, load_tables
from dynafed.dynamodb.items.transactions import DUPLICATE_ITEMS, check_actions
from dynafed.dynamodb.keys import check_key, check_projected_keys, storage_key
from dynafed.dynamodb.requests import Get, TransactGetItemsInput
from dynafed.dynamodb.tables import Table
from dynafed.dynamodb.validation import RequestShape, validate_request
from dynafed.dynamodb.validation.model import request_shape
from dynafed.dynamodb.values import Item, item_size, validate_item
from dynafed.errors import ValidationException

MAX_ACTIONS = 100
MAX_AGGREGATE_BYTES = 4 * 1024 * 1024
"""AWS: "The aggregate size of the items in the transaction cannot exceed 4 MB" (API
reference, TransactGetItems); the whole request is rejected past it."""
TOO_LARGE = (
    "Transaction cancelled: the aggregate size of the items in the transaction exceeded 4 MB"
)


RUNS_INLINE = False
"""Up to 100 items, an answer of up to 4 MB: built on a worker so it never stalls the
event loop and every other connection with it (server.dynamodb_endpoint)."""

REQUEST: RequestShape[TransactGetItemsInput] = RequestShape(request_shape("TransactGetItems"))


@dataclass(frozen=True, slots=True)
class _Get:
    request: Get
    key: Item
    expressions: CompiledExpressions

    @property
    def table_name(self) -> str:
        return str(self.request["TableName"])


def run(ctx: OperationContext, body: dict[str, Any]) -> dict[str, Any]:
    request = validate_request(REQUEST, body)
    gets = [
        _Get(action["Get"], validate_item(action["Get"]["Key"]), compile_expressions(action["Get"]))
        for action in request["TransactItems"]
    ]
    mode = request.get("ReturnConsumedCapacity")

    with ctx.storage.read(snapshot=True) as view:
        tables = load_tables(view, ctx.region, ctx.account_id, (get.table_name for get in gets))
        ctx.authorize(
            [
                fgac.get_item(
                    {**get.request, "ReturnConsumedCapacity": mode} if mode else get.request,
                    hash_key_of(tables[get.table_name]),
                    ctx.table_arn(get.table_name),
                    compiled=get.expressions,
                    enclosing_operation="TransactGetItems",
                )
                for get in gets
            ]
        )
        found = existing(tables)
        check_actions([partial(_check, found[get.table_name], get) for get in gets])
        registry = KeyRegistry(DUPLICATE_ITEMS)
        for get in gets:
            registry.add(found[get.table_name], get.key)
        items = [
            view.get_item(
                found[get.table_name].table_id, *storage_key(found[get.table_name], get.key)
            )
            for get in gets
        ]
    if sum(item_size(item) for item in items if item is not None) > MAX_AGGREGATE_BYTES:
        raise ValidationException(TOO_LARGE)
    return _answer(gets, items, mode)


def _check(table: Table, get: _Get) -> None:
    check_key(table, get.key)
    check_projected_keys(table, get.expressions.projection)


def _answer(gets: list[_Get], items: list[Item | None], mode: str | None) -> dict[str, Any]:
    responses: list[dict[str, Any]] = []
    totals: dict[str, capacity.Consumption] = {}
    for get, item in zip(gets, items, strict=True):
        used = capacity_totals.doubled(capacity.read(item, consistent=True))
        capacity_totals.accumulate(totals, get.table_name, used)
        responses.append(_response(get, item))
    result: dict[str, Any] = {"Responses": responses}
    rendered = capacity_totals.render_list(mode, totals, "read")
    if rendered is not None:
        result["ConsumedCapacity"] = rendered
    return result


def _response(get: _Get, item: Mapping[str, Any] | None) -> dict[str, Any]:
    """`{"Item": ...}`, or `{}` when the item is missing or the projection keeps nothing."""
    if item is None:
        return {}
    projection = get.expressions.projection
    shaped = dict(item) if projection is None else projection.apply(item)
    return {"Item": shaped} if shaped else {}
