"""Consumed capacity of operations touching several items and tables: sums per table, the
transactional doubling, and the list-of-tables wire form.

Pure. Batches and transactions answer `ConsumedCapacity` as a list with one entry per table.
Transactions cost twice the units of the same non-transactional reads and writes (prepare and
commit), and their entries also carry ReadCapacityUnits or WriteCapacityUnits ("Capacity
management for transactions", DynamoDB Developer Guide).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

from dynafed.dynamodb.capacity import Consumption

Kind = Literal["read", "write"]


def add(left: Consumption, right: Consumption) -> Consumption:
    return Consumption(
        left.table + right.table,
        _merged(left.local_indexes, right.local_indexes),
        _merged(left.global_indexes, right.global_indexes),
    )


def doubled(consumption: Consumption) -> Consumption:
    return Consumption(
        consumption.table * 2,
        {name: units * 2 for name, units in consumption.local_indexes.items()},
        {name: units * 2 for name, units in consumption.global_indexes.items()},
    )


def accumulate(totals: dict[str, Consumption], table_name: str, used: Consumption) -> None:
    current = totals.get(table_name)
    totals[table_name] = used if current is None else add(current, used)


def render_list(
    mode: str | None, totals: Mapping[str, Consumption], kind: Kind | None = None
) -> list[dict[str, Any]] | None:
    """One entry per table, for ReturnConsumedCapacity TOTAL or INDEXES (None otherwise).
    `kind` adds ReadCapacityUnits/WriteCapacityUnits, as transactions answer."""
    if mode not in ("TOTAL", "INDEXES"):
        return None
    return [_entry(mode, name, used, kind) for name, used in totals.items()]


def _entry(mode: str, name: str, used: Consumption, kind: Kind | None) -> dict[str, Any]:
    entry: dict[str, Any] = {"TableName": name, **_units(used.total, kind)}
    if mode == "INDEXES":
        entry["Table"] = _units(used.table, kind)
        for member, units in (
            ("LocalSecondaryIndexes", used.local_indexes),
            ("GlobalSecondaryIndexes", used.global_indexes),
        ):
            if units:
                entry[member] = {index: _units(value, kind) for index, value in units.items()}
    return entry


def _units(units: float, kind: Kind | None) -> dict[str, float]:
    if kind == "read":
        return {"CapacityUnits": units, "ReadCapacityUnits": units}
    if kind == "write":
        return {"CapacityUnits": units, "WriteCapacityUnits": units}
    return {"CapacityUnits": units}


def _merged(left: Mapping[str, float], right: Mapping[str, float]) -> dict[str, float]:
    merged = dict(left)
    for name, units in right.items():
        merged[name] = merged.get(name, 0.0) + units
    return merged
