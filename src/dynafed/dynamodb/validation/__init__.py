"""Request validation in AWS's order: JSON types, then field constraints.

Semantic checks that need more than one field (and those that parse expressions) live with
the operation that owns them; this package only knows shapes.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from dynafed.core.validation.constraints import check_constraints
from dynafed.core.validation.shapes import Struct
from dynafed.dynamodb.validation.serialization import check_types


def validate_request(
    shape: Struct,
    body: dict[str, Any],
    precheck: Callable[[dict[str, Any]], None] | None = None,
) -> dict[str, Any]:
    """The body with nulls removed, after both passes; raises the first failing pass's error.

    `precheck` runs between the passes: some operations reject a missing or mis-sized table
    name with a message of its own before the combined constraint report.
    """
    cleaned = check_types(shape, body)
    if precheck is not None:
        precheck(cleaned)
    check_constraints(shape, cleaned)
    return cleaned
