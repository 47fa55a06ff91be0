"""What BatchGetItem, BatchWriteItem and the transactions share: request-level checks on
`RequestItems`, loading every named table at once, and refusing two requests on one item.

Messages as DynamoDB words them (API reference: BatchGetItem, BatchWriteItem,
TransactWriteItems; the ones a test suite run against AWS records verbatim).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from dynafed.core.validation.constraints import render
from dynafed.dynamodb.context import ITEM_TABLE_NOT_FOUND, find_table
from dynafed.dynamodb.keys import storage_key
from dynafed.dynamodb.tables import TABLE_ARN, Table, referenced_table_key
from dynafed.dynamodb.validation.model import NAME_PATTERN
from dynafed.dynamodb.values import AttributeValue
from dynafed.errors import ResourceNotFoundException, ValidationException
from dynafed.storage.port import ReadView

DUPLICATE_KEYS = "Provided list of item keys contains duplicates"
_TABLE_NAME = re.compile(NAME_PATTERN)


def require_request_items(request: Mapping[str, Any], operation: str) -> None:
    """An empty RequestItems map gets its own message, before the constraint report."""
    items = request.get("RequestItems")
    if items is not None and not items:
        raise ValidationException(f"The requestItems parameter is required for {operation}")
    for name in items or {}:
        if TABLE_ARN.fullmatch(name):
            continue
        if not (3 <= len(name) <= 255 and _TABLE_NAME.fullmatch(name)):
            raise ValidationException(
                f"1 validation error detected: Value '{render(items)}' at 'requestItems' failed "
                "to satisfy constraint: Map keys must satisfy constraint: [Member must have "
                "length less than or equal to 255, Member must have length greater than or "
                f"equal to 3, Member must satisfy regular expression pattern: {NAME_PATTERN}]"
            )


def load_tables(
    view: ReadView, region: str, account_id: str, names: Iterable[str]
) -> dict[str, Table | None]:
    """Every table named (by name or ARN) in `region` (None for a missing one), read in one
    snapshot."""
    return {
        name: find_table(view, referenced_table_key(name, region, account_id))
        for name in dict.fromkeys(names)
    }


def existing(tables: Mapping[str, Table | None]) -> dict[str, Table]:
    """The tables, once every one exists (ResourceNotFoundException otherwise)."""
    found: dict[str, Table] = {}
    for name, table in tables.items():
        if table is None:
            raise ResourceNotFoundException(ITEM_TABLE_NOT_FOUND)
        found[name] = table
    return found


def hash_key_of(table: Table | None) -> str | None:
    return None if table is None else table.key_schema.hash_key


class KeyRegistry:
    """Remembers the items a request addresses and refuses the second request on one."""

    def __init__(self, message: str = DUPLICATE_KEYS) -> None:
        self._seen: set[tuple[str, bytes, bytes]] = set()
        self._message = message

    def add(self, table: Table, key: Mapping[str, AttributeValue]) -> None:
        identity = (table.table_id, *storage_key(table, key))
        if identity in self._seen:
            raise ValidationException(self._message)
        self._seen.add(identity)
