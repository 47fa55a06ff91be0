"""A JSON request body checked against its operation's shape: both passes, in AWS's order."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from dynafed.core.validation.constraints import check_constraints
from dynafed.core.validation.json_types import check_types
from dynafed.core.validation.shapes import Struct


def validate_json(
    shape: Struct,
    body: dict[str, Any],
    precheck: Callable[[dict[str, Any]], None] | None = None,
) -> dict[str, Any]:
    """The body without nulls and unknown members, after both passes.

    `precheck` runs between the passes: some operations reject a missing or mis-sized member
    with a message of their own before the combined constraint report.
    """
    cleaned = check_types(shape, body)
    if precheck is not None:
        precheck(cleaned)
    check_constraints(shape, cleaned)
    return cleaned
