"""Sort-key bounds of a range read, as (operator, value) pairs every backend can apply.

One place turns `KeyRange` + direction + `exclusive_start_sk` into comparisons, so the SQL
backends and the in-memory backend cannot disagree about inclusive/exclusive edges.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from typing import Literal

from dynafed.storage.port import KeyRange

Comparison = Literal[">=", ">", "<=", "<"]

COMPARE: dict[Comparison, Callable[[bytes, bytes], bool]] = {
    ">=": operator.ge,
    ">": operator.gt,
    "<=": operator.le,
    "<": operator.lt,
}


def sort_key_bounds(
    key_range: KeyRange, *, forward: bool, exclusive_start_sk: bytes | None
) -> list[tuple[Comparison, bytes]]:
    """Conditions `sk <op> value` that all hold exactly for the keys a range read returns."""
    bounds: list[tuple[Comparison, bytes]] = []
    if key_range.low is not None:
        bounds.append((">=" if key_range.low_inclusive else ">", key_range.low))
    if key_range.high is not None:
        bounds.append(("<=" if key_range.high_inclusive else "<", key_range.high))
    if exclusive_start_sk is not None:
        # Paging continues after the last key returned, in the direction of the read.
        bounds.append((">" if forward else "<", exclusive_start_sk))
    return bounds


def within(sk: bytes, bounds: list[tuple[Comparison, bytes]]) -> bool:
    return all(COMPARE[op](sk, value) for op, value in bounds)


def sql_conditions(bounds: list[tuple[Comparison, bytes]], placeholder: str) -> str:
    """`" AND sk >= ?"`-style SQL for `bounds`; parameters are the bound values in order."""
    return "".join(f" AND sk {op} {placeholder}" for op, _ in bounds)
