"""UpdateItem (API reference: UpdateItem): edit an item's attributes, creating the item when
it does not exist (unless its condition fails).

validate (types, constraints, expression parameters, key values, legacy AttributeUpdates and
Expected, expressions) → load the table → authorize `dynamodb:UpdateItem` → check the key and
that no key attribute is written → in one write transaction: read the old item, check the
condition, apply the update, check index keys and the 400 KB limit, write → answer with the
ReturnValues asked for.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from dynafed.core.validation.shapes import AttrValue, MapOf, Str, Struct
from dynafed.dynamodb import capacity, fgac
from dynafed.dynamodb.context import (
    ITEM_TABLE_NOT_FOUND,
    DeferredWrite,
    OperationContext,
    run_write,
)
from dynafed.dynamodb.expr import (
    Update,
    check_expression_parameters,
    compile_expressions,
    update_from_attribute_updates,
)
from dynafed.dynamodb.items import writes as item_writes
from dynafed.dynamodb.items.item_collections import CollectionSize
from dynafed.dynamodb.items.single_item import (
    answer,
    check_condition,
    current_table_and_item,
    legacy_condition,
)
from dynafed.dynamodb.keys import (
    check_index_keys,
    check_key,
    check_key_not_updated,
    storage_key,
)
from dynafed.dynamodb.requests import UpdateItemInput
from dynafed.dynamodb.tables import Table
from dynafed.dynamodb.validation import RequestShape, validate_request
from dynafed.dynamodb.validation.model import request_shape
from dynafed.dynamodb.values import Item, check_item_size, validate_item
from dynafed.errors import ResourceNotFoundException
from dynafed.storage.port import WriteTxn

ATTRIBUTE_UPDATES = MapOf(
    value=Struct(
        name="AttributeValueUpdate",
        fields={"Value": AttrValue(), "Action": Str(enum=("ADD", "PUT", "DELETE"))},
    )
)

RUNS_INLINE = False
"""A write: it waits for its commit, so never on the event loop (server.dynamodb_endpoint)."""

authorization = fgac.update_item
"""`dynamodb:UpdateItem` and its fine-grained keys. A TransactWriteItems element is authorized
as the same action, so the keys are computed in `fgac`, which both use."""

REQUEST: RequestShape[UpdateItemInput] = RequestShape(request_shape("UpdateItem"))


Updated = tuple[Table, Item | None, Item | None, CollectionSize | None]
"""The table as the write found it, the old item, the new one (None: nothing written) and
the item collection's size after the write."""


def run(ctx: OperationContext, body: dict[str, Any]) -> dict[str, Any]:
    return run_write(ctx, lambda attempt: prepare(attempt, body))


def prepare(ctx: OperationContext, body: dict[str, Any]) -> DeferredWrite[Updated]:
    """Everything before the write transaction; raises what DynamoDB answers first."""
    request = validate_request(REQUEST, body)
    check_expression_parameters(
        request,
        expression_params=("UpdateExpression", "ConditionExpression"),
        legacy_params=("AttributeUpdates", "Expected", "ConditionalOperator"),
    )
    key = validate_item(request["Key"])
    attribute_updates = request.get("AttributeUpdates")
    legacy_update = (
        None if attribute_updates is None else update_from_attribute_updates(attribute_updates)
    )
    legacy = legacy_condition(request)
    compiled = compile_expressions(request)
    update = compiled.update or legacy_update
    condition = compiled.condition or legacy
    name = request["TableName"]

    def against(table: Table | None, as_last_seen: bool) -> DeferredWrite[Updated]:
        hash_key = None if table is None else table.key_schema.hash_key
        asked = authorization(request, hash_key, ctx.table_arn(name), compiled=compiled)
        ctx.authorize(fgac.with_item_on_condition_failure(asked, request))
        if table is None:
            raise ResourceNotFoundException(ITEM_TABLE_NOT_FOUND)
        check_key(table, key)
        check_key_not_updated(table, update)
        pk, sk = storage_key(table, key)

        def write(txn: WriteTxn) -> Updated:
            current, old = current_table_and_item(
                txn, table, pk, sk, ctx.tables_seen, as_last_seen=as_last_seen
            )
            check_condition(condition, old, request)
            new = _updated(update, old, key)
            if new is None:
                return current, old, None, None
            check_index_keys(current, new)
            check_item_size(new, update=True)
            collection = item_writes.store(txn, current, pk, sk, old, new, clock=ctx.clock)
            return current, old, new, collection

        return DeferredWrite(write, finish)

    def finish(updated: Updated) -> dict[str, Any]:
        current, old, new, collection = updated
        returned = _return_values(request.get("ReturnValues", "NONE"), update, old, new)
        consumption = partial(capacity.write, current, old, new)
        return answer(request, current, consumption, returned, collection)

    return ctx.against_table(name, against)


def _updated(update: Update | None, old: Item | None, key: Item) -> Item | None:
    """The item after the update; None when nothing is to be written.

    A legacy update made only of DELETE actions does not create a missing item
    (AttributeUpdates reference: "If no item with the specified key is found: ... DELETE -
    Nothing happens"); every other update of a missing item creates it from the key."""
    if update is None:
        return old if old is not None else dict(key)
    if (
        old is None
        and update.legacy
        and all(a.kind != "SET" and a.kind != "ADD" for a in update.actions)
    ):
        return None
    return update.apply(old if old is not None else key)


def _return_values(
    mode: str, update: Update | None, old: Item | None, new: Item | None
) -> Item | None:
    if mode == "ALL_OLD":
        return old
    if mode == "ALL_NEW":
        return new
    if update is None:
        return None
    if mode == "UPDATED_OLD":
        return None if old is None else update.updated_attributes(old)
    if mode == "UPDATED_NEW":
        return None if new is None else update.updated_attributes(new)
    return None
