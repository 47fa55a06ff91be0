"""Item collections of tables with local secondary indexes: their size limit and metrics.

Pure. An item collection is every item of the table with one partition-key value, together
with their entries in the table's local secondary indexes; on a table with a local index it
may hold at most 10 GB ("Item collections in Local Secondary Indexes", DynamoDB Developer
Guide). A write that would grow a collection past the limit fails with
ItemCollectionSizeLimitExceededException; writes that shrink it always pass. Writes answer
`ItemCollectionMetrics` (the collection's key and a size estimate range in GB) when asked
with `ReturnItemCollectionMetrics=SIZE`, only on tables with local indexes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from dynafed.dynamodb.tables import Table
from dynafed.dynamodb.values import AttributeValue, Item
from dynafed.errors import ItemCollectionSizeLimitExceededException

GIGABYTE = 1024**3
MAX_COLLECTION_BYTES = 10 * GIGABYTE


@dataclass(frozen=True, slots=True)
class CollectionSize:
    """The size of one item collection after a write."""

    key: Item
    """The collection's partition key, as `{name: value}`."""
    size_bytes: int


def tracks_collections(table: Table) -> bool:
    return bool(table.local_indexes)


def checked_total(before: int, delta: int, limit: int | None = None) -> int:
    """The collection size after a write changing it by `delta`; refuses to grow past
    `limit` (a write that does not grow it passes, whatever the size)."""
    after = before + delta
    if delta > 0 and after > (MAX_COLLECTION_BYTES if limit is None else limit):
        # The wording of "Error handling with DynamoDB" (common errors table).
        raise ItemCollectionSizeLimitExceededException("Collection size exceeded.")
    return max(after, 0)


def collection_key(table: Table, item: Mapping[str, AttributeValue]) -> Item:
    name = table.key_schema.hash_key
    return {name: dict(item[name])}


def metrics(size: CollectionSize) -> dict[str, Any]:
    """The ItemCollectionMetrics structure: a [lower, upper] estimate in whole gigabytes."""
    lower = float(size.size_bytes // GIGABYTE)
    return {"ItemCollectionKey": size.key, "SizeEstimateRangeGB": [lower, lower + 1.0]}


def wants_metrics(request: Mapping[str, Any]) -> bool:
    return request.get("ReturnItemCollectionMetrics") == "SIZE"
