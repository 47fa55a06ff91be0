"""DeleteItem (API reference: DeleteItem): remove one item by key, if its condition holds.

validate → load the table → authorize `dynamodb:DeleteItem` → check the key → in one write
transaction: read the item, check the condition, delete → answer (ALL_OLD if asked).
Deleting an absent item succeeds and still costs one write unit. A delete that needs nothing
of the old item deletes it unread, as PutItem overwrites (`writes.delete_unread`).
"""

from __future__ import annotations

from functools import partial
from typing import Any

from dynafed.dynamodb import capacity, fgac
from dynafed.dynamodb.context import (
    ITEM_TABLE_NOT_FOUND,
    DeferredWrite,
    OperationContext,
    run_write,
)
from dynafed.dynamodb.expr import check_expression_parameters, compile_expressions
from dynafed.dynamodb.items import writes as item_writes
from dynafed.dynamodb.items.item_collections import CollectionSize
from dynafed.dynamodb.items.single_item import (
    answer,
    check_condition,
    current_table_and_item,
    document_for_unread_write,
    legacy_condition,
    require_whole_item_return_values,
)
from dynafed.dynamodb.keys import check_key, storage_key
from dynafed.dynamodb.requests import DeleteItemInput
from dynafed.dynamodb.tables import Table
from dynafed.dynamodb.validation import RequestShape, validate_request
from dynafed.dynamodb.validation.model import request_shape
from dynafed.dynamodb.values import Item, validate_item
from dynafed.errors import ResourceNotFoundException
from dynafed.storage.port import WriteTxn

RUNS_INLINE = False
"""A write: it waits for its commit, so never on the event loop (server.dynamodb_endpoint)."""

authorization = fgac.delete_item
"""`dynamodb:DeleteItem` and its fine-grained keys. A TransactWriteItems element is authorized
as the same action, so the keys are computed in `fgac`, which both use."""

REQUEST: RequestShape[DeleteItemInput] = RequestShape(request_shape("DeleteItem"))


def run(ctx: OperationContext, body: dict[str, Any]) -> dict[str, Any]:
    return run_write(ctx, lambda attempt: prepare(attempt, body))


Deleted = tuple[Table, Item | None, CollectionSize | None]
"""The table as the write found it, the old item and the item collection's size after the
write."""


def prepare(ctx: OperationContext, body: dict[str, Any]) -> DeferredWrite[Deleted]:
    """Everything before the write transaction; raises what DynamoDB answers first."""
    request = validate_request(REQUEST, body)
    check_expression_parameters(
        request,
        expression_params=("ConditionExpression",),
        legacy_params=("Expected", "ConditionalOperator"),
    )
    key = validate_item(request["Key"])
    legacy = legacy_condition(request)
    require_whole_item_return_values(request)
    compiled = compile_expressions(request)
    condition = compiled.condition or legacy
    name = request["TableName"]

    def against(table: Table | None, as_last_seen: bool) -> DeferredWrite[Deleted]:
        hash_key = None if table is None else table.key_schema.hash_key
        asked = authorization(request, hash_key, ctx.table_arn(name), compiled=compiled)
        ctx.authorize(fgac.with_item_on_condition_failure(asked, request))
        if table is None:
            raise ResourceNotFoundException(ITEM_TABLE_NOT_FOUND)
        check_key(table, key)
        pk, sk = storage_key(table, key)
        allowed = as_last_seen and item_writes.deletes_unread(table)
        document = document_for_unread_write(ctx.tables_seen, table, request, condition, allowed)
        if document is not None:

            def delete_blindly(txn: WriteTxn) -> Deleted:
                item_writes.delete_unread(txn, table, document, pk, sk)
                return table, None, None

            return DeferredWrite(delete_blindly, finish)

        def delete(txn: WriteTxn) -> Deleted:
            current, old = current_table_and_item(
                txn, table, pk, sk, ctx.tables_seen, as_last_seen=as_last_seen
            )
            check_condition(condition, old, request)
            return current, old, item_writes.remove(txn, current, pk, sk, old, clock=ctx.clock)

        return DeferredWrite(delete, finish)

    def finish(deleted: Deleted) -> dict[str, Any]:
        current, old, collection = deleted
        returned = old if request.get("ReturnValues") == "ALL_OLD" else None
        consumption = partial(capacity.write, current, old, None)
        return answer(request, current, consumption, returned, collection)

    return ctx.against_table(name, against)
