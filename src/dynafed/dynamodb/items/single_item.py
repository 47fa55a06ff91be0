"""What PutItem, GetItem, UpdateItem and DeleteItem share: their common fields, the table
re-check inside a write transaction, ReturnValues rules and the answer's ConsumedCapacity."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from dynafed.dynamodb import capacity
from dynafed.dynamodb.context import ITEM_TABLE_NOT_FOUND, TableChanged, TablesSeen, find_table
from dynafed.dynamodb.expr import (
    Condition,
    condition_from_expected,
)
from dynafed.dynamodb.items.item_collections import CollectionSize, metrics, wants_metrics
from dynafed.dynamodb.tables import DOCUMENT_KIND, Table
from dynafed.dynamodb.values import Item
from dynafed.errors import (
    ConditionalCheckFailedException,
    ResourceNotFoundException,
    ValidationException,
)
from dynafed.storage.port import ReadView


def require_whole_item_return_values(request: Mapping[str, Any]) -> None:
    """PutItem and DeleteItem can only return the old item."""
    if request.get("ReturnValues", "NONE") not in ("NONE", "ALL_OLD"):
        raise ValidationException("ReturnValues can only be ALL_OLD or NONE")


def legacy_condition(request: Mapping[str, Any]) -> Condition | None:
    expected = request.get("Expected")
    if expected is None:
        return None
    return condition_from_expected(expected, request.get("ConditionalOperator"))


def current_table(
    view: ReadView, table: Table, seen: TablesSeen | None = None, *, as_last_seen: bool = False
) -> Table:
    """The table as a write transaction sees it; it may have been deleted (or deleted and
    created again) since the request was validated against it. A single-item write keeps
    what it read as last seen (`seen`); when it was prepared against the table as last seen
    (`as_last_seen`, `OperationContext.against_table`), another table raises `TableChanged`,
    so the request is prepared again against the stored one."""
    current = find_table(view, table.key) if seen is None else seen.read(view, table.key)
    return _same_table(current, table, as_last_seen=as_last_seen)


def _same_table(current: Table | None, table: Table, *, as_last_seen: bool) -> Table:
    """`current`, if it is the table the request was prepared against (by id)."""
    if current is None or current.table_id != table.table_id:
        if as_last_seen:
            raise TableChanged(table.key)
        raise ResourceNotFoundException(ITEM_TABLE_NOT_FOUND)
    return current


def current_table_and_item(
    txn: ReadView,
    table: Table,
    pk: bytes,
    sk: bytes,
    seen: TablesSeen,
    *,
    as_last_seen: bool,
) -> tuple[Table, Item | None]:
    """`current_table` and the item stored under `(pk, sk)`, read in one statement (one
    round trip on a server database instead of two). The item is addressed by `table`'s id:
    it counts only if the current table has that id, and then its key schema is the same."""
    item, stored = txn.get_item_and_document(table.table_id, pk, sk, DOCUMENT_KIND, table.key)
    current = seen.remember(table.key, stored)
    return _same_table(current, table, as_last_seen=as_last_seen), item


def document_for_unread_write(
    seen: TablesSeen,
    table: Table,
    request: Mapping[str, Any],
    condition: Condition | None,
    allowed: bool,
) -> bytes | None:
    """The document a single-item write expects of its table when it goes without reading
    the item it replaces or removes (`writes.overwrite`, `writes.delete_unread`); None when
    it must read: `allowed` is False (it was not prepared against the table as last seen,
    or the table keeps something that depends on the old item), or the request decides or
    answers from the old item (a condition, the old item returned, consumed capacity, which
    counts the old item's size)."""
    needs_old_item = (
        condition is not None
        or request.get("ReturnValues", "NONE") != "NONE"
        or capacity.requested(request.get("ReturnConsumedCapacity"))
    )
    if not allowed or needs_old_item:
        return None
    return seen.document_of(table)


def check_condition(
    condition: Condition | None, old: Item | None, request: Mapping[str, Any]
) -> None:
    if condition is None or condition.evaluate(old):
        return
    wants_item = request.get("ReturnValuesOnConditionCheckFailure") == "ALL_OLD"
    raise ConditionalCheckFailedException(item=old if wants_item and old else None)


def answer(
    request: Mapping[str, Any],
    table: Table,
    consumption: Callable[[], capacity.Consumption],
    attributes: Item | None = None,
    collection: CollectionSize | None = None,
) -> dict[str, Any]:
    """The response; capacity is computed only when the request asks for it."""
    result: dict[str, Any] = {}
    if attributes:
        result["Attributes"] = attributes
    mode = request.get("ReturnConsumedCapacity")
    if capacity.requested(mode):
        result["ConsumedCapacity"] = capacity.render(mode, table.name, consumption())
    if collection is not None and wants_metrics(request):
        result["ItemCollectionMetrics"] = metrics(collection)
    return result
