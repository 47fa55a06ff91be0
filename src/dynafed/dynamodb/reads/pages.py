"""What Query and Scan share: their common fields, the read plan (target, Select, filter,
projection, limit), and reading one page from a snapshot into the answer.

A page is read in storage order; every row read counts towards Limit, the 1 MB cap,
ScannedCount and read capacity, and only then is filtered (Count) and shaped by Select
("Query and Scan operations", DynamoDB Developer Guide). A local index whose projection lacks
attributes the request needs fetches the table's item, as DynamoDB does; a global index
never does.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from dynafed.dynamodb import capacity, indexes
from dynafed.dynamodb.expr import (
    CompiledExpressions,
    Condition,
    Projection,
    condition_from_filter,
    projection_from_attributes_to_get,
)
from dynafed.dynamodb.keys import storage_key
from dynafed.dynamodb.reads.paging import last_evaluated_key, take_page
from dynafed.dynamodb.reads.select import ALL_ATTRIBUTES, COUNT, SPECIFIC_ATTRIBUTES
from dynafed.dynamodb.reads.targets import ReadTarget
from dynafed.dynamodb.values import Item, item_size, read_capacity_units
from dynafed.storage.port import ReadView, StoredItem

INLINE_PAGE_LIMIT = 100
"""Query and Scan run on the event loop only with a Limit up to this many items (rows read,
at most); see server.dynamodb_endpoint."""


def small_page(body: Mapping[str, Any]) -> bool:
    """Whether the request asks for a page of at most `INLINE_PAGE_LIMIT` rows. An invalid
    Limit is not small: the worker reports it."""
    limit = body.get("Limit")
    return type(limit) is int and 0 < limit <= INLINE_PAGE_LIMIT


@dataclass(frozen=True, slots=True)
class ReadPlan:
    target: ReadTarget
    select: str
    projection: Projection | None
    filter: Condition | None
    limit: int | None
    consistent: bool

    @property
    def fetches_table_items(self) -> bool:
        """A local index lacking attributes the answer or the filter needs."""
        index = self.target.index
        if index is None or self.target.is_global or index.projection.type == "ALL":
            return False
        if self.select == ALL_ATTRIBUTES:
            return True
        kept = indexes.projected_names(self.target.table, index) or frozenset()
        needed: set[str] = set()
        if self.select == SPECIFIC_ATTRIBUTES and self.projection is not None:
            needed.update(self.projection.attribute_names)
        if self.filter is not None:
            needed.update(self.filter.attribute_names)
        return not needed <= kept


def filter_of(
    request: Mapping[str, Any], compiled: CompiledExpressions, legacy_member: str
) -> Condition | None:
    legacy = request.get(legacy_member)
    if legacy is not None:
        return condition_from_filter(legacy, request.get("ConditionalOperator"))
    return compiled.filter


def projection_of(request: Mapping[str, Any], compiled: CompiledExpressions) -> Projection | None:
    names = request.get("AttributesToGet")
    if names is not None:
        return projection_from_attributes_to_get(names)
    return compiled.projection


def read_page(
    view: ReadView, plan: ReadPlan, rows: Iterator[StoredItem], request: Mapping[str, Any]
) -> dict[str, Any]:
    """Read one page of `rows` and build the Query/Scan answer."""
    page = take_page(rows, _stored_size, plan.limit)
    table = plan.target.table
    answered: list[Item] = []
    count = 0
    fetched_bytes = 0
    fetches = plan.fetches_table_items
    for row in page.rows:
        item = row.item
        if fetches:
            base = view.get_item(table.table_id, *storage_key(table, item))
            if base is None:
                continue
            fetched_bytes += item_size(base)
            item = base
        if plan.filter is not None and not plan.filter.evaluate(item):
            continue
        count += 1
        if plan.select != COUNT:
            answered.append(plan.projection.apply(item) if plan.projection else item)
    result: dict[str, Any] = {}
    if plan.select != COUNT:
        result["Items"] = answered
    result["Count"] = count
    result["ScannedCount"] = len(page.rows)
    if page.truncated:
        result["LastEvaluatedKey"] = last_evaluated_key(
            table, plan.target.index, page.rows[-1].item
        )
    mode = request.get("ReturnConsumedCapacity")
    if mode in ("TOTAL", "INDEXES"):
        consumption = _consumption(plan, page.size_bytes, fetched_bytes)
        consumed: dict[str, Any] | None = capacity.render(mode, table.name, consumption)
        if consumed is not None:
            result["ConsumedCapacity"] = consumed
    return result


def _consumption(plan: ReadPlan, read_bytes: int, fetched_bytes: int) -> capacity.Consumption:
    """Read units for the bytes read at once (4 KB each, halved when eventually
    consistent), charged to the index read and, for fetched items, to the table."""
    units = read_capacity_units(read_bytes, consistent=plan.consistent)
    index = plan.target.index
    if index is None:
        return capacity.Consumption(units)
    table_units = (
        read_capacity_units(fetched_bytes, consistent=plan.consistent) if fetched_bytes else 0.0
    )
    if plan.target.is_global:
        return capacity.Consumption(table_units, global_indexes={index.name: units})
    return capacity.Consumption(table_units, local_indexes={index.name: units})


def _stored_size(row: StoredItem) -> int:
    """The item's DynamoDB size, as stored with it (computed if the backend does not say)."""
    return row.size if row.size is not None else item_size(row.item)
