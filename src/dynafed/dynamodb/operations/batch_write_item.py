"""BatchWriteItem (API reference: BatchWriteItem): up to 25 puts and deletes across tables.

validate (types, 1 to 25 requests per table, constraints, at most 25 in all, each request a
put or a delete, items and keys, 400 KB) → in one read snapshot: load the tables, authorize
`dynamodb:BatchWriteItem` once per table, check keys and index keys, refuse two requests on
one item → apply every request in one write transaction, indexes included (unread where nothing
depends on the old item and no capacity is asked for, as PutItem) → answer
UnprocessedItems (always empty: nothing is throttled), ConsumedCapacity and
ItemCollectionMetrics per table.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from dynafed.core.authorization import AuthorizationRequest
from dynafed.core.clock import Clock
from dynafed.core.validation.constraints import render
from dynafed.dynamodb import capacity, capacity_totals, fgac
from dynafed.dynamodb.context import OperationContext
from dynafed.dynamodb.items import item_collections
from dynafed.dynamodb.items import writes as item_writes
from dynafed.dynamodb.items.multi_item import (
    KeyRegistry,
    existing,
    hash_key_of,
    load_tables,
    require_request_items,
)
from dynafed.dynamodb.items.single_item import current_table
from dynafed.dynamodb.keys import check_index_keys, check_key, storage_key
from dynafed.dynamodb.requests import BatchWriteItemInput
from dynafed.dynamodb.tables import Table
from dynafed.dynamodb.validation import RequestShape, validate_request
from dynafed.dynamodb.validation.model import request_shape
from dynafed.dynamodb.values import Item, check_item_size, validate_item
from dynafed.errors import ValidationException
from dynafed.storage.port import WriteTxn

MAX_REQUESTS = 25


RUNS_INLINE = False
"""A write: it waits for its commit, so never on the event loop (server.dynamodb_endpoint)."""

REQUEST: RequestShape[BatchWriteItemInput] = RequestShape(request_shape("BatchWriteItem"))


@dataclass(frozen=True, slots=True)
class _Write:
    table_name: str
    key: Item
    """The item itself for a put (its key attributes are read from it)."""
    item: Item | None
    """None for a delete."""


def run(ctx: OperationContext, body: dict[str, Any]) -> dict[str, Any]:
    request = validate_request(REQUEST, body, precheck=_precheck)
    requested = request["RequestItems"]
    if sum(len(writes) for writes in requested.values()) > MAX_REQUESTS:
        raise ValidationException("Too many items requested for the BatchWriteItem call")
    writes = [_write_of(name, write) for name, part in requested.items() for write in part]
    mode = request.get("ReturnConsumedCapacity")

    with ctx.storage.read() as view:
        tables = load_tables(view, ctx.region, ctx.account_id, requested)
    ctx.authorize(
        [
            authorization(part, hash_key_of(tables[name]), ctx.table_arn(name), mode)
            for name, part in requested.items()
        ]
    )
    found = existing(tables)
    _check_writes(found, writes)
    # Without capacity to report (it counts the old items' sizes), a write to a table that
    # keeps nothing beside its items goes unread: one round trip for the whole batch on a
    # server database, instead of one per item.
    unread_allowed = not capacity.requested(mode)

    def apply(txn: WriteTxn) -> tuple[dict[str, capacity.Consumption], dict[str, list[Any]]]:
        current = {name: current_table(txn, table) for name, table in found.items()}
        used: dict[str, capacity.Consumption] = {}
        collections: dict[str, dict[bytes, item_collections.CollectionSize]] = {}
        for write in writes:
            table = current[write.table_name]
            pk, sk = storage_key(table, write.key)
            if unread_allowed and _writes_unread(txn, table, pk, sk, write.item, ctx.clock):
                continue
            old = txn.get_item(table.table_id, pk, sk)
            if write.item is not None:
                size = item_writes.store(txn, table, pk, sk, old, write.item, clock=ctx.clock)
            else:
                size = item_writes.remove(txn, table, pk, sk, old, clock=ctx.clock)
            capacity_totals.accumulate(used, table.name, capacity.write(table, old, write.item))
            if size is not None:
                collections.setdefault(table.name, {})[pk] = size
        metrics = {
            name: [item_collections.metrics(size) for size in sizes.values()]
            for name, sizes in collections.items()
        }
        return used, metrics

    used, metrics = ctx.storage.write(apply)
    result: dict[str, Any] = {"UnprocessedItems": {}}
    rendered = capacity_totals.render_list(mode, used)
    if rendered is not None:
        result["ConsumedCapacity"] = rendered
    if item_collections.wants_metrics(request) and metrics:
        result["ItemCollectionMetrics"] = metrics
    return result


def _writes_unread(
    txn: WriteTxn, table: Table, pk: bytes, sk: bytes, item: Item | None, clock: Clock
) -> bool:
    """Put or delete without reading the old item, if the table allows it; whether it did."""
    if item is not None and item_writes.overwrites_unread(table):
        item_writes.overwrite(txn, table, None, pk, sk, item, clock=clock)
        return True
    if item is None and item_writes.deletes_unread(table):
        item_writes.delete_unread(txn, table, None, pk, sk)
        return True
    return False


def authorization(
    write_requests: Sequence[Mapping[str, Any]],
    hash_key: str | None,
    resource: str,
    return_consumed_capacity: str | None,
) -> AuthorizationRequest:
    """One table's part of a BatchWriteItem: puts and deletes together."""
    addressed: list[Mapping[str, Any]] = []
    for write in write_requests:
        put = write.get("PutRequest")
        delete = write.get("DeleteRequest")
        if isinstance(put, Mapping) and isinstance(put.get("Item"), Mapping):
            addressed.append(put["Item"])
        if isinstance(delete, Mapping) and isinstance(delete.get("Key"), Mapping):
            addressed.append(delete["Key"])
    names: set[str] = set()
    for item in addressed:
        names.update(item)
    return fgac.authorization_request(
        "BatchWriteItem",
        resource,
        {
            fgac.LEADING_KEYS: fgac.partition_values(addressed, hash_key),
            fgac.ATTRIBUTES: names,
            fgac.RETURN_CONSUMED_CAPACITY: return_consumed_capacity,
        },
    )


def _precheck(request: dict[str, Any]) -> None:
    require_request_items(request, "BatchWriteItem")
    requested = request.get("RequestItems") or {}
    if any(not 1 <= len(part) <= MAX_REQUESTS for part in requested.values()):
        dump = ", ".join(f"{name}={render(part)}" for name, part in requested.items())
        raise ValidationException(
            f"1 validation error detected: Value '{{{dump}}}' at 'requestItems' failed to "
            "satisfy constraint: Map value must satisfy constraint: [Member must have length "
            f"less than or equal to {MAX_REQUESTS}, Member must have length greater than or "
            "equal to 1]"
        )


def _write_of(table_name: str, write: Mapping[str, Any]) -> _Write:
    put, delete = write.get("PutRequest"), write.get("DeleteRequest")
    if (put is None) == (delete is None):
        # DynamoDB's wording for a WriteRequest that is neither or both.
        raise ValidationException(
            "Supplied AttributeValue has more than one datatypes set, must contain exactly one "
            "of the supported datatypes"
        )
    if put is not None:
        item = validate_item(put["Item"])
        check_item_size(item)
        return _Write(table_name, item, item)
    assert delete is not None
    return _Write(table_name, validate_item(delete["Key"]), None)


def _check_writes(tables: Mapping[str, Table], writes: list[_Write]) -> None:
    """Keys must match their table's schema (a put's wrong or missing key attribute reads
    "does not match the schema" in a batch), index keys their types; one request per item."""
    registry = KeyRegistry()
    for write in writes:
        table = tables[write.table_name]
        key = {name: write.key[name] for name in table.key_schema.names if name in write.key}
        check_key(table, key)
        if write.item is not None:
            check_index_keys(table, write.item)
        registry.add(table, key)
