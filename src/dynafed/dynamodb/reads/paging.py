"""Pages of Query and Scan: where a page ends, and the keys that continue it.

Pure. A page ends after `Limit` items were *evaluated* (read, before any filter) or once the
items read reach 1 MB, whichever comes first ("Paginating table query results", DynamoDB
Developer Guide). A page that ended that way carries a LastEvaluatedKey (the key of the last
item read, even if the filter dropped it), and the next request passes it back as
ExclusiveStartKey; a page that exhausted the range carries none. On an index the key holds
the table's key attributes and the index's, because several items may share an index key.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Generic, TypeVar

from dynafed.dynamodb import indexes
from dynafed.dynamodb.keys import encode_key_value
from dynafed.dynamodb.tables import Index, Table
from dynafed.dynamodb.values import AttributeValue, Item, type_of, validate_item
from dynafed.errors import ValidationException

MAX_PAGE_BYTES = 1024 * 1024

R = TypeVar("R")

INVALID_START = "The provided starting key is invalid"
SCHEMA_MISMATCH = "The provided key element does not match the schema"


@dataclass(frozen=True, slots=True)
class Page(Generic[R]):
    rows: list[R]
    """Every row read, before filtering."""
    size_bytes: int
    """Summed size of the rows read (what read capacity is charged for)."""
    truncated: bool
    """The page ended at the limit or the size cap: LastEvaluatedKey is due."""


def take_page(
    rows: Iterator[R],
    size_of: Callable[[R], int],
    limit: int | None,
    max_bytes: int = MAX_PAGE_BYTES,
) -> Page[R]:
    """Read rows until `limit` rows or `max_bytes` bytes were read, or the rows run out."""
    taken: list[R] = []
    total = 0
    for row in rows:
        taken.append(row)
        total += size_of(row)
        if (limit is not None and len(taken) >= limit) or total >= max_bytes:
            return Page(taken, total, truncated=True)
    return Page(taken, total, truncated=False)


def last_evaluated_key(
    table: Table, index: Index | None, item: Mapping[str, AttributeValue]
) -> Item:
    return {name: dict(item[name]) for name in indexes.key_names(table, index)}


def start_position(
    table: Table,
    index: Index | None,
    start: Mapping[str, AttributeValue],
    *,
    detail: bool,
) -> tuple[bytes, bytes]:
    """Storage position of an ExclusiveStartKey, after checking it names exactly the key
    attributes with their types. `detail` adds DynamoDB's reason to the message (Scan of a
    table does; Query and index scans answer only "The provided starting key is invalid")."""
    start = validate_item(start)  # the values themselves, as any key: numbers, sets, empties
    names = indexes.key_names(table, index)
    well_formed = len(start) == len(names) and all(
        name in start and type_of(start[name]) == table.key_type(name) for name in names
    )
    if not well_formed:
        raise ValidationException(
            f"{INVALID_START}: {SCHEMA_MISMATCH}" if detail else INVALID_START
        )
    for name in names:
        _check_not_empty(name, start[name])
    if index is not None:
        return indexes.position(table, index, start)
    schema = table.key_schema
    pk = encode_key_value(dict(start[schema.hash_key]))
    sk = b"" if schema.range_key is None else encode_key_value(dict(start[schema.range_key]))
    return pk, sk


def _check_not_empty(name: str, value: AttributeValue) -> None:
    kind = "string" if value.get("S") == "" else "binary" if value.get("B") == "" else None
    if kind is not None:
        raise ValidationException(
            f"{INVALID_START}: One or more parameter values are not valid. The AttributeValue "
            f"for a key attribute cannot contain an empty {kind} value. Key: {name}"
        )
