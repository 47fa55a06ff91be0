"""The control plane's own wording for a missing or mis-sized `TableName`, checked before the
model's constraints (`validate_request`'s `precheck`)."""

from __future__ import annotations

from typing import Any

from dynafed.dynamodb.tables import TABLE_ARN
from dynafed.errors import ValidationException


def require_table_name_present(body: dict[str, Any]) -> None:
    """CreateTable's own wording for a missing TableName; a present one, however bad, is
    checked with every other constraint (the conformance suite's recording of AWS)."""
    if body.get("TableName") is None:
        raise ValidationException(
            "The parameter 'TableName' is required but was not present in the request"
        )


def require_table_name(body: dict[str, Any]) -> None:
    """The control-plane operations' own wording for a missing or mis-sized TableName."""
    name = body.get("TableName")
    if name is None:
        raise ValidationException(
            "The parameter 'TableName' is required but was not present in the request"
        )
    if not 3 <= len(name) <= 255 and TABLE_ARN.fullmatch(name) is None:
        raise ValidationException(
            "TableName must be at least 3 characters long and at most 255 characters long"
        )
