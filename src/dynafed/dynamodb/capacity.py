"""Consumed capacity of single-item operations, by DynamoDB's rules, and its wire form.

Pure. Rules ("Read/write capacity mode" and "Managing settings on DynamoDB provisioned
capacity tables" in the Developer Guide): a read costs one unit per 4 KB of the item read
(at least one), half that when eventually consistent; a write costs one unit per 1 KB of
the larger of the item before and after (at least one). A write also costs each secondary
index it touches: one index write per entry put or removed, two when the index key changes
(old entry removed, new entry put), each sized by the projected item.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from dynafed.dynamodb.tables import Index, Table
from dynafed.dynamodb.values import (
    Item,
    item_size,
    read_capacity_units,
    values_equal,
    write_capacity_units,
)


@dataclass(frozen=True, slots=True)
class Consumption:
    table: float
    local_indexes: dict[str, float] = field(default_factory=dict)
    global_indexes: dict[str, float] = field(default_factory=dict)

    @property
    def total(self) -> float:
        return self.table + sum(self.local_indexes.values()) + sum(self.global_indexes.values())


def read(item: Item | None, *, consistent: bool) -> Consumption:
    """Read units for one item (or a miss)."""
    return Consumption(
        read_capacity_units(0 if item is None else item_size(item), consistent=consistent)
    )


def write(table: Table, old: Item | None, new: Item | None) -> Consumption:
    size = max(item_size(old) if old else 0, item_size(new) if new else 0)
    return Consumption(
        write_capacity_units(size),
        _index_writes(table, table.local_indexes, old, new),
        _index_writes(table, table.global_indexes, old, new),
    )


def _index_writes(
    table: Table, indexes: tuple[Index, ...], old: Item | None, new: Item | None
) -> dict[str, float]:
    units: dict[str, float] = {}
    for index in indexes:
        cost = _index_write_cost(table, index, old, new)
        if cost:
            units[index.name] = cost
    return units


def _index_write_cost(table: Table, index: Index, old: Item | None, new: Item | None) -> float:
    before = _projected(table, index, old)
    after = _projected(table, index, new)
    if before is None and after is None:
        return 0.0
    if before is None or after is None:
        return write_capacity_units(item_size(before or after or {}))
    if _same_values(before, after):
        return 0.0
    keys = index.key_schema.names
    if _same_values({k: before[k] for k in keys}, {k: after[k] for k in keys}):
        return write_capacity_units(max(item_size(before), item_size(after)))
    return write_capacity_units(item_size(before)) + write_capacity_units(item_size(after))


def _projected(table: Table, index: Index, item: Item | None) -> Item | None:
    """The index entry `item` makes, or None when it lacks an index key attribute."""
    if item is None or any(name not in item for name in index.key_schema.names):
        return None
    if index.projection.type == "ALL":
        return item
    kept = {*table.key_schema.names, *index.key_schema.names, *index.projection.non_key_attributes}
    return {name: value for name, value in item.items() if name in kept}


def _same_values(left: Item, right: Item) -> bool:
    return left.keys() == right.keys() and all(values_equal(left[k], right[k]) for k in left)


def requested(mode: str | None) -> bool:
    """Whether ReturnConsumedCapacity `mode` asks for a ConsumedCapacity member."""
    return mode in ("TOTAL", "INDEXES")


def render(mode: str | None, table_name: str, consumption: Consumption) -> dict[str, Any]:
    """The ConsumedCapacity member for ReturnConsumedCapacity TOTAL or INDEXES."""
    rendered: dict[str, Any] = {"TableName": table_name, "CapacityUnits": consumption.total}
    if mode == "INDEXES":
        rendered["Table"] = {"CapacityUnits": consumption.table}
        _add_indexes(rendered, "LocalSecondaryIndexes", consumption.local_indexes)
        _add_indexes(rendered, "GlobalSecondaryIndexes", consumption.global_indexes)
    return rendered


def _add_indexes(rendered: dict[str, Any], member: str, units: Mapping[str, float]) -> None:
    if units:
        rendered[member] = {name: {"CapacityUnits": value} for name, value in units.items()}
