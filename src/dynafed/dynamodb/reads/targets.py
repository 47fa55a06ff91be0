"""What a Query or Scan reads: a table, or one of its secondary indexes.

Pure. Resolves `IndexName` with DynamoDB's errors (unknown index, consistent read on a global
index, a global index still backfilling), and turns a bound key condition into the storage
range to read: plain key bytes on a table, bounds on the composite sort key of an index
(see `indexes` and `keys.composite_bound`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from dynafed.dynamodb import indexes
from dynafed.dynamodb.expr import KeyCondition, KeySchema, SortCondition
from dynafed.dynamodb.keys import (
    composite_bound,
    encode_composite,
    encode_key_value,
    escape_part,
    prefix_successor,
)
from dynafed.dynamodb.tables import Index, Table
from dynafed.dynamodb.values import AttributeValue
from dynafed.errors import ValidationException
from dynafed.storage.port import KeyRange


@dataclass(frozen=True, slots=True)
class ReadTarget:
    table: Table
    index: Index | None = None
    is_global: bool = False

    @property
    def storage_id(self) -> str:
        if self.index is None:
            return self.table.table_id
        return indexes.storage_id(self.table, self.index)

    @property
    def key_schema(self) -> KeySchema:
        schema = self.table.key_schema if self.index is None else self.index.key_schema
        types = self.table.attribute_types
        return KeySchema(
            schema.hash_key,
            types[schema.hash_key],
            schema.range_key,
            None if schema.range_key is None else types[schema.range_key],
            tuple((name, types[name]) for name in schema.extra_hash_keys),
            tuple((name, types[name]) for name in schema.extra_range_keys),
        )

    @property
    def arn(self) -> str:
        if self.index is None:
            return self.table.arn
        return self.table.index_arn(self.index.name)


def resolve(table: Table, index_name: str | None, *, consistent: bool) -> ReadTarget:
    if index_name is None:
        return ReadTarget(table)
    index = table.index(index_name)
    if index is None:
        raise ValidationException(f"The table does not have the specified index: {index_name}")
    is_global = indexes.is_global(table, index)
    if is_global and consistent:
        raise ValidationException("Consistent reads are not supported on global secondary indexes")
    if index.status == "CREATING":
        raise ValidationException(
            f"Cannot read from backfilling global secondary index: {index_name}"
        )
    return ReadTarget(table, index, is_global)


def partition_of(target: ReadTarget, condition: KeyCondition) -> bytes:
    """The storage partition a key condition addresses."""
    if target.index is None:
        return encode_key_value(dict(condition.partition_value))
    return indexes.partition_of(target.index.key_schema, dict(condition.partition))


def key_range(
    target: ReadTarget,
    sort: SortCondition | None,
    sort_prefix: Sequence[tuple[str, AttributeValue]] = (),
) -> KeyRange:
    """The storage range of the sort-key condition (the whole partition without one). On an
    index whose sort key has several attributes, the equalities on the leading ones
    (`KeyCondition.sort_prefix`) fix a prefix of the composite sort key, and `sort`, the
    condition on the last attribute named, bounds the part after it."""
    if sort is None:
        return KeyRange()
    values = [encode_key_value(value) for value in sort.values]
    if target.index is None:
        return _plain_range(sort.op, values)
    prefix = encode_composite([encode_key_value(value) for _, value in sort_prefix])
    return _within_prefix(prefix, _composite_range(sort.op, values))


def _within_prefix(prefix: bytes, part_range: KeyRange) -> KeyRange:
    """A range on the composite part after `prefix` as a range on the whole sort key: both
    bounds move behind the prefix, and an open side stops at the prefix's ends."""
    if not prefix:
        return part_range
    low, low_inclusive = prefix, True
    if part_range.low is not None:
        low, low_inclusive = prefix + part_range.low, part_range.low_inclusive
    high, high_inclusive = prefix_successor(prefix), False
    if part_range.high is not None:
        high, high_inclusive = prefix + part_range.high, part_range.high_inclusive
    return KeyRange(low, low_inclusive, high, high_inclusive)


def _plain_range(op: str, values: list[bytes]) -> KeyRange:
    first = values[0]
    if op == "EQ":
        return KeyRange(first, True, first, True)
    if op in ("GT", "GE"):
        return KeyRange(low=first, low_inclusive=op == "GE")
    if op in ("LT", "LE"):
        return KeyRange(high=first, high_inclusive=op == "LE")
    if op == "BETWEEN":
        return KeyRange(first, True, values[1], True)
    return KeyRange(first, True, prefix_successor(first), False)  # BEGINS_WITH


def _composite_range(op: str, values: list[bytes]) -> KeyRange:
    """Index sort keys are composites whose first part is the index sort key."""
    first = values[0]
    if op == "EQ":
        return KeyRange(
            composite_bound(first, after=False), True, composite_bound(first, after=True), False
        )
    if op == "GT":
        return KeyRange(low=composite_bound(first, after=True))
    if op == "GE":
        return KeyRange(low=composite_bound(first, after=False))
    if op == "LT":
        return KeyRange(high=composite_bound(first, after=False), high_inclusive=False)
    if op == "LE":
        return KeyRange(high=composite_bound(first, after=True), high_inclusive=False)
    if op == "BETWEEN":
        return KeyRange(
            composite_bound(first, after=False), True, composite_bound(values[1], after=True), False
        )
    prefix = escape_part(first)  # BEGINS_WITH
    return KeyRange(prefix, True, prefix_successor(prefix), False)
