"""Secondary-index entries: which items an index holds, under which storage keys, with which
attributes.

Pure. An index is stored like a table of its own, under the storage id
`<table_id>/index/<name>`:

- partition key: the item's index partition-key value, encoded as any key value is; for a
  multi-attribute partition key, `encode_composite` of each attribute's value in KeySchema
  order (a composite is unambiguous, so equal tuples and only they share a partition);
- sort key: `encode_composite([index sort key attributes..., table partition key, table sort
  key?])`, so entries are ordered by the index sort key first (attribute by attribute, in
  KeySchema order, for a multi-attribute sort key) and stay unique when several items share
  an index key (the base table's key breaks ties, as in DynamoDB, whose LastEvaluatedKey for
  an index carries both the index and the table key attributes).

A single-attribute index key stores exactly what it stored before multi-attribute keys
existed: the composite of one index sort-key part is the same bytes either way.

An item that lacks an index key attribute, or holds one of another type than the attribute
definition (possible for items written before a global index was added), has no entry: the
index is sparse ("Take advantage of sparse indexes", DynamoDB Developer Guide). An entry
holds the projection: the table and index key attributes, plus the NonKeyAttributes
(INCLUDE) or every attribute (ALL) ("Projections", Developer Guide).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from dynafed.dynamodb.keys import encode_composite, encode_key_value
from dynafed.dynamodb.tables import Index, KeySchema, Table
from dynafed.dynamodb.values import AttributeValue, Item, item_size, type_of

ALL = "ALL"
KEYS_ONLY = "KEYS_ONLY"
INCLUDE = "INCLUDE"


@dataclass(frozen=True, slots=True)
class Entry:
    """One index entry: its storage key, the projected item and that item's size."""

    pk: bytes
    sk: bytes
    item: Item
    size: int

    @property
    def position(self) -> tuple[bytes, bytes]:
        return self.pk, self.sk


def storage_id(table: Table, index: Index) -> str:
    """Where an index's entries live in storage; unique per table incarnation."""
    return f"{table.table_id}/index/{index.name}"


def is_global(table: Table, index: Index) -> bool:
    return any(candidate.name == index.name for candidate in table.global_indexes)


def all_indexes(table: Table) -> tuple[Index, ...]:
    return (*table.local_indexes, *table.global_indexes)


def key_names(table: Table, index: Index | None) -> tuple[str, ...]:
    """Attributes that identify a position: the table's key, then the index's own key
    attributes (a LastEvaluatedKey or ExclusiveStartKey holds exactly these)."""
    names = list(table.key_schema.names)
    if index is not None:
        names.extend(name for name in index.key_schema.names if name not in names)
    return tuple(names)


def projected_names(table: Table, index: Index) -> frozenset[str] | None:
    """The attributes an index entry holds; None when it holds all of them."""
    if index.projection.type == ALL:
        return None
    return frozenset(
        (*table.key_schema.names, *index.key_schema.names, *index.projection.non_key_attributes)
    )


def project(table: Table, index: Index, item: Mapping[str, AttributeValue]) -> Item:
    kept = projected_names(table, index)
    if kept is None:
        return dict(item)
    return {name: value for name, value in item.items() if name in kept}


def entry_for(table: Table, index: Index, item: Mapping[str, AttributeValue]) -> Entry | None:
    """The entry `item` makes in `index`, or None when the item is not in the index."""
    for name in index.key_schema.names:
        value = item.get(name)
        if value is None or type_of(value) != table.attribute_types.get(name):
            return None
    pk, sk = position(table, index, item)
    projected = project(table, index, item)
    return Entry(pk, sk, projected, item_size(projected))


def position(table: Table, index: Index, key: Mapping[str, AttributeValue]) -> tuple[bytes, bytes]:
    """Storage key of the entry for an item (or a key) holding the table's and the index's
    key attributes."""
    schema = index.key_schema
    parts = [encode_key_value(dict(key[name])) for name in schema.range_keys]
    parts.extend(encode_key_value(dict(key[name])) for name in table.key_schema.names)
    return partition_of(schema, key), encode_composite(parts)


def partition_of(schema: KeySchema, values: Mapping[str, AttributeValue]) -> bytes:
    """Storage partition of an index key whose partition-key attributes `values` holds."""
    if not schema.extra_hash_keys:
        return encode_key_value(dict(values[schema.hash_key]))
    return encode_composite([encode_key_value(dict(values[name])) for name in schema.hash_keys])
