"""PutItem (API reference: PutItem): write a whole item, replacing any item with its key.

validate (types, constraints, expression parameters, values, legacy Expected, ReturnValues,
400 KB) → the table (as this process last saw it: `OperationContext.against_table`) →
authorize `dynamodb:PutItem` → check the item's keys against the schema → in one write
transaction: check the table is still the one stored, read the old item, check the condition,
write → answer. A put that needs nothing of the old item (no condition, no old item or
capacity returned, nothing kept beside the item) overwrites it unread, in a transaction that
expects the table's document as last seen instead of reading it (`writes.overwrite`).
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
from dynafed.dynamodb.keys import check_item_keys, storage_key
from dynafed.dynamodb.requests import PutItemInput
from dynafed.dynamodb.tables import Table
from dynafed.dynamodb.validation import RequestShape, validate_request
from dynafed.dynamodb.validation.model import request_shape
from dynafed.dynamodb.values import check_item_size, validate_item
from dynafed.errors import ResourceNotFoundException
from dynafed.storage.port import WriteTxn

RUNS_INLINE = False
"""A write: it waits for its commit, so never on the event loop (server.dynamodb_endpoint)."""

authorization = fgac.put_item
"""`dynamodb:PutItem` and its fine-grained keys. A TransactWriteItems element is authorized
as the same action, so the keys are computed in `fgac`, which both use."""

REQUEST: RequestShape[PutItemInput] = RequestShape(request_shape("PutItem"))


def run(ctx: OperationContext, body: dict[str, Any]) -> dict[str, Any]:
    return run_write(ctx, lambda attempt: prepare(attempt, body))


Written = tuple[Table, dict[str, Any] | None, CollectionSize | None]
"""The table as the write found it, the old item and the item collection's size after the
write."""


def prepare(ctx: OperationContext, body: dict[str, Any]) -> DeferredWrite[Written]:
    """Everything before the write transaction; raises what DynamoDB answers first."""
    request = validate_request(REQUEST, body)
    check_expression_parameters(
        request,
        expression_params=("ConditionExpression",),
        legacy_params=("Expected", "ConditionalOperator"),
    )
    item = validate_item(request["Item"])
    legacy = legacy_condition(request)
    require_whole_item_return_values(request)
    check_item_size(item)
    compiled = compile_expressions(request)
    condition = compiled.condition or legacy
    name = request["TableName"]

    def against(table: Table | None, as_last_seen: bool) -> DeferredWrite[Written]:
        hash_key = None if table is None else table.key_schema.hash_key
        asked = authorization(request, hash_key, ctx.table_arn(name), compiled=compiled)
        ctx.authorize(fgac.with_item_on_condition_failure(asked, request))
        if table is None:
            raise ResourceNotFoundException(ITEM_TABLE_NOT_FOUND)
        check_item_keys(table, item)
        pk, sk = storage_key(table, item)
        allowed = as_last_seen and item_writes.overwrites_unread(table)
        document = document_for_unread_write(ctx.tables_seen, table, request, condition, allowed)
        if document is not None:

            def put_blindly(txn: WriteTxn) -> Written:
                item_writes.overwrite(txn, table, document, pk, sk, item, clock=ctx.clock)
                return table, None, None

            return DeferredWrite(put_blindly, finish)

        def put(txn: WriteTxn) -> Written:
            current, old = current_table_and_item(
                txn, table, pk, sk, ctx.tables_seen, as_last_seen=as_last_seen
            )
            check_condition(condition, old, request)
            collection = item_writes.store(txn, current, pk, sk, old, item, clock=ctx.clock)
            return current, old, collection

        return DeferredWrite(put, finish)

    def finish(written: Written) -> dict[str, Any]:
        current, old, collection = written
        returned = old if request.get("ReturnValues") == "ALL_OLD" else None
        consumption = partial(capacity.write, current, old, item)
        return answer(request, current, consumption, returned, collection)

    return ctx.against_table(name, against)
