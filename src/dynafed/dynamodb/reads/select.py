"""Query's and Scan's `Select`: its default, the combinations DynamoDB refuses, and what each
value returns.

Pure. Rules (API reference: Query and Scan, `Select`; messages as DynamoDB words them, which
Query wraps in "1 validation error detected: " and Scan does not):

- without `Select`: SPECIFIC_ATTRIBUTES when a projection (ProjectionExpression or
  AttributesToGet) is given, else ALL_PROJECTED_ATTRIBUTES on an index and ALL_ATTRIBUTES on
  a table;
- a projection goes only with SPECIFIC_ATTRIBUTES, and SPECIFIC_ATTRIBUTES needs one;
- ALL_PROJECTED_ATTRIBUTES needs an IndexName;
- ALL_ATTRIBUTES on a global index needs its projection type to be ALL (a local index
  fetches the missing attributes from the table).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from dynafed.dynamodb.tables import Index
from dynafed.errors import ValidationException

ALL_ATTRIBUTES = "ALL_ATTRIBUTES"
ALL_PROJECTED_ATTRIBUTES = "ALL_PROJECTED_ATTRIBUTES"
SPECIFIC_ATTRIBUTES = "SPECIFIC_ATTRIBUTES"
COUNT = "COUNT"

VALUES = (SPECIFIC_ATTRIBUTES, COUNT, ALL_ATTRIBUTES, ALL_PROJECTED_ATTRIBUTES)
"""In the order DynamoDB lists them in its enum constraint message."""

_CHOSEN = {
    ALL_ATTRIBUTES: ALL_ATTRIBUTES,
    ALL_PROJECTED_ATTRIBUTES: ALL_PROJECTED_ATTRIBUTES,
    COUNT: "only the Count",
}


def choose(request: Mapping[str, Any], *, query: bool) -> str:
    """The effective Select of a (type-checked) Query or Scan request; refuses invalid
    combinations before the table is looked up."""
    prefix = "1 validation error detected: " if query else ""
    select = request.get("Select")
    projections = [name for name in ("ProjectionExpression", "AttributesToGet") if name in request]
    if select in _CHOSEN and projections:
        raise ValidationException(
            f"{prefix}Cannot specify the {projections[0]} when choosing to get {_CHOSEN[select]}"
        )
    if select == SPECIFIC_ATTRIBUTES and not projections:
        raise ValidationException(
            f"{prefix}Must specify the AttributesToGet or ProjectionExpression when choosing "
            "to get SPECIFIC_ATTRIBUTES"
        )
    if select == ALL_PROJECTED_ATTRIBUTES and "IndexName" not in request:
        raise ValidationException(
            f"{prefix}ALL_PROJECTED_ATTRIBUTES can be used only when Querying using an IndexName"
        )
    if select is not None:
        return str(select)
    if projections:
        return SPECIFIC_ATTRIBUTES
    return ALL_PROJECTED_ATTRIBUTES if "IndexName" in request else ALL_ATTRIBUTES


def check_index_select(select: str, index: Index, *, is_global: bool) -> None:
    if select == ALL_ATTRIBUTES and is_global and index.projection.type != "ALL":
        raise ValidationException(
            "One or more parameter values were invalid: Select type ALL_ATTRIBUTES is not "
            f"supported for global secondary index {index.name} because its projection type "
            "is not ALL"
        )
