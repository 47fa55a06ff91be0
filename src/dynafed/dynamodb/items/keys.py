"""Keys of single-item requests checked against the table's schema, and their storage bytes.

Wording as DynamoDB answers: a `Key` parameter that names other attributes, or values of the
wrong type, "does not match the schema"; an `Item` missing a key attribute or holding the
wrong type says which; key values may not be empty strings or binaries; a partition key is
at most 2048 bytes and a sort key at most 1024 ("Service, account, and table quotas").
"""

from __future__ import annotations

import base64
from collections.abc import Mapping

from dynafed.dynamodb.expr import Projection, Update
from dynafed.dynamodb.keys import encode_key_value
from dynafed.dynamodb.tables import Table
from dynafed.dynamodb.values import AttributeValue, Item, check_key_not_empty, type_of
from dynafed.errors import ValidationException

INVALID = "One or more parameter values were invalid: "
MAX_HASH_KEY_BYTES = 2048
MAX_RANGE_KEY_BYTES = 1024


def check_key(table: Table, key: Mapping[str, AttributeValue]) -> None:
    """A `Key` parameter must name exactly the table's key attributes, with their types."""
    if not key_matches_schema(table, key):
        raise ValidationException("The provided key element does not match the schema")
    _check_key_values(table, key)


def key_matches_schema(table: Table, key: Mapping[str, AttributeValue]) -> bool:
    """Whether `key` names exactly the table's key attributes, with their types (its values
    may still be refused: `check_key`)."""
    schema, types = table.key_schema, table.attribute_types
    value = key.get(schema.hash_key)
    if value is None or type_of(value) != types[schema.hash_key]:
        return False
    if schema.range_key is None:
        return len(key) == 1
    value = key.get(schema.range_key)
    return len(key) == 2 and value is not None and type_of(value) == types[schema.range_key]


def check_item_keys(table: Table, item: Mapping[str, AttributeValue]) -> None:
    """An item to write must hold every key attribute of the table, typed as defined, and
    well-typed values for the key attributes of every secondary index it appears in."""
    for name in table.key_schema.names:
        if name not in item:
            raise ValidationException(f"{INVALID}Missing the key {name} in the item")
        actual = type_of(item[name])
        if actual != table.key_type(name):
            raise ValidationException(
                f"{INVALID}Type mismatch for key {name} expected: {table.key_type(name)} "
                f"actual: {actual}"
            )
    _check_key_values(table, item)
    check_index_keys(table, item)


def check_index_keys(table: Table, item: Mapping[str, AttributeValue]) -> None:
    table_keys = set(table.key_schema.names)
    for index in (*table.local_indexes, *table.global_indexes):
        for name in index.key_schema.names:
            if name in table_keys or name not in item:
                continue
            actual = type_of(item[name])
            expected = table.key_type(name)
            if actual != expected:
                raise ValidationException(
                    f"{INVALID}Type mismatch for Index Key {name} Expected: {expected} "
                    f"Actual: {actual} IndexName: {index.name}"
                )
            check_key_not_empty(name, item[name], index.name)


def _check_key_values(table: Table, key: Mapping[str, AttributeValue]) -> None:
    for name in table.key_schema.names:
        check_key_not_empty(name, key[name])
    if _key_bytes(key[table.key_schema.hash_key]) > MAX_HASH_KEY_BYTES:
        raise ValidationException(
            f"{INVALID}Size of hashkey has exceeded the maximum size limit of"
            f"{MAX_HASH_KEY_BYTES} bytes"
        )
    range_key = table.key_schema.range_key
    if range_key is not None and _key_bytes(key[range_key]) > MAX_RANGE_KEY_BYTES:
        raise ValidationException(
            f"{INVALID}Aggregated size of all range keys has exceeded the size limit of "
            f"{MAX_RANGE_KEY_BYTES} bytes"
        )


def _key_bytes(value: AttributeValue) -> int:
    if "S" in value:
        return len(value["S"].encode("utf-8"))
    if "B" in value:
        return len(base64.b64decode(value["B"]))
    return 0  # numbers are at most 38 digits: never near the limit


def key_of(table: Table, item: Mapping[str, AttributeValue]) -> Item:
    """The primary key attributes of a (validated) item."""
    return {name: item[name] for name in table.key_schema.names}


def storage_key(table: Table, key: Mapping[str, AttributeValue]) -> tuple[bytes, bytes]:
    """`(pk, sk)` bytes of a validated key; `sk` is empty for a hash-only table."""
    schema = table.key_schema
    pk = encode_key_value(dict(key[schema.hash_key]))
    sk = b"" if schema.range_key is None else encode_key_value(dict(key[schema.range_key]))
    return pk, sk


def check_key_not_updated(table: Table, update: Update | None) -> None:
    if update is None:
        return
    for name in table.key_schema.names:
        if name in update.modified_names:
            raise ValidationException(
                "One or more parameter values were invalid: Cannot update attribute "
                f"{name}. This attribute is part of the key"
            )


def check_projected_keys(table: Table, projection: Projection | None) -> None:
    """Key attributes are scalars: a projection may not look inside one."""
    if projection is None:
        return
    nested = projection.nested_names
    for name in table.key_schema.names:
        if name in nested:
            raise ValidationException(_NOT_SCALAR + f"Key: {name}")
    for index in (*table.local_indexes, *table.global_indexes):
        for name in index.key_schema.names:
            if name in nested:
                raise ValidationException(_NOT_SCALAR + f"IndexKey: {name}")


_NOT_SCALAR = (
    "Key attributes must be scalars; list random access '[]' and map lookup '.' are not allowed: "
)
