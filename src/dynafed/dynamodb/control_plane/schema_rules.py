"""CreateTable's semantic checks on key schemas, attribute definitions, indexes and billing.

The order and wording follow DynamoDB's answers (as recorded by test suites run against
AWS, e.g. dynalite's): throughput bounds, billing mode, the table's key schema, then each
local and each global secondary index, duplicate names and index counts, and last whether
AttributeDefinitions names exactly the key attributes in use.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from dynafed.dynamodb.control_plane import stored_settings
from dynafed.dynamodb.requests import (
    CreateGlobalSecondaryIndexAction,
    GlobalSecondaryIndex,
    KeySchemaElement,
    LocalSecondaryIndex,
    ProvisionedThroughput,
)
from dynafed.dynamodb.requests import (
    Projection as WireProjection,
)
from dynafed.dynamodb.tables import (
    HASH,
    PAY_PER_REQUEST,
    RANGE,
    Index,
    KeySchema,
    Projection,
    Stream,
    Throughput,
)
from dynafed.errors import ValidationException

MAX_CAPACITY_UNITS = 1_000_000_000_000
MAX_LOCAL_INDEXES = 5
MAX_GLOBAL_INDEXES = 20
INVALID = "One or more parameter values were invalid: "


def invalid(message: str) -> ValidationException:
    return ValidationException(INVALID + message)


def check_throughput_bounds(throughput: ProvisionedThroughput | None) -> None:
    if throughput is None:
        return
    for member in ("ReadCapacityUnits", "WriteCapacityUnits"):
        value = throughput[member]
        if value > MAX_CAPACITY_UNITS:
            raise ValidationException(f"Given value {value} for {member} is out of bounds")


def check_billing(billing_mode: str, throughput: ProvisionedThroughput | None) -> None:
    if billing_mode == PAY_PER_REQUEST and throughput is not None:
        raise invalid(
            "Neither ReadCapacityUnits nor WriteCapacityUnits can be specified when "
            "BillingMode is PAY_PER_REQUEST"
        )
    if billing_mode != PAY_PER_REQUEST and throughput is None:
        raise invalid(
            "ReadCapacityUnits and WriteCapacityUnits must both be specified when "
            "BillingMode is PROVISIONED"
        )


def table_key_schema(elements: list[KeySchemaElement], definitions: dict[str, str]) -> KeySchema:
    if len(elements) > len(definitions):
        raise ValidationException("Invalid KeySchema: Some index key attribute have no definition")
    schema = key_schema(elements)
    check_defined(schema.names, definitions)
    return schema


def key_schema(elements: list[KeySchemaElement]) -> KeySchema:
    """A key schema's shape: one HASH element, then optionally one RANGE element."""
    names = [element["AttributeName"] for element in elements]
    if len(names) == 2 and names[0] == names[1]:
        raise ValidationException(
            "Both the Hash Key and the Range Key element in the KeySchema have the same name"
        )
    if elements[0]["KeyType"] != HASH:
        raise ValidationException(
            "Invalid KeySchema: The first KeySchemaElement is not a HASH key type"
        )
    if len(elements) == 2 and elements[1]["KeyType"] != RANGE:
        raise ValidationException(
            "Invalid KeySchema: The second KeySchemaElement is not a RANGE key type"
        )
    return KeySchema.from_wire(elements)


MAX_INDEX_KEY_ATTRIBUTES = 4
"""At most this many HASH and this many RANGE attributes in a global index's key (DynamoDB
Developer Guide, "Using Global Secondary Indexes": multi-attribute key schema)."""


def global_key_schema(elements: list[KeySchemaElement]) -> KeySchema:
    """A global index's key schema: one to four HASH elements, then up to four RANGE ones.

    One HASH and at most one RANGE element get exactly the checks (and messages) of any key
    schema. DynamoDB's wording for the rules only multi-attribute keys can break is not
    documented; ours names the rule and the attribute, in the style of its other
    KeySchema messages."""
    kinds = [element["KeyType"] for element in elements]
    if len(kinds) == 1 or (len(kinds) == 2 and kinds[1] != HASH):
        return key_schema(elements)
    if kinds[0] != HASH:
        raise ValidationException(
            "Invalid KeySchema: The first KeySchemaElement is not a HASH key type"
        )
    names = [element["AttributeName"] for element in elements]
    repeated = next((name for i, name in enumerate(names) if name in names[:i]), None)
    if repeated is not None:
        raise ValidationException(
            f"Invalid KeySchema: Two KeySchemaElements have the same name: {repeated}"
        )
    if RANGE in kinds and HASH in kinds[kinds.index(RANGE) :]:
        raise ValidationException(
            "Invalid KeySchema: HASH key attributes must precede RANGE key attributes"
        )
    for kind in (HASH, RANGE):
        if kinds.count(kind) > MAX_INDEX_KEY_ATTRIBUTES:
            raise ValidationException(
                "Invalid KeySchema: A global secondary index key can have at most "
                f"{MAX_INDEX_KEY_ATTRIBUTES} {kind} key attributes"
            )
    return KeySchema.from_wire(elements)


def check_defined(keys: tuple[str, ...] | list[str], definitions: dict[str, str]) -> None:
    if any(key not in definitions for key in keys):
        raise invalid(
            "Some index key attributes are not defined in AttributeDefinitions. "
            f"Keys: [{', '.join(keys)}], AttributeDefinitions: [{', '.join(definitions)}]"
        )


def projection(wire: WireProjection) -> Projection:
    kind = wire.get("ProjectionType")
    non_key = wire.get("NonKeyAttributes")
    if kind is None:
        raise invalid("Unknown ProjectionType: null")
    if kind != "INCLUDE" and non_key is not None:
        raise invalid(f"ProjectionType is {kind}, but NonKeyAttributes is specified")
    if kind == "INCLUDE" and non_key is None:
        raise invalid("ProjectionType is INCLUDE, but NonKeyAttributes is not specified")
    return Projection(kind, tuple(non_key or ()))


def local_indexes(
    wire: list[LocalSecondaryIndex] | None, table_schema: KeySchema, definitions: dict[str, str]
) -> tuple[Index, ...]:
    if wire is None:
        return ()
    if not wire:
        raise invalid("List of LocalSecondaryIndexes is empty")
    if table_schema.range_key is None:
        raise invalid(
            "Table KeySchema does not have a range key, which is required when specifying "
            "a LocalSecondaryIndex"
        )
    indexes = tuple(_local_index(index, table_schema, definitions) for index in wire)
    if len(indexes) > MAX_LOCAL_INDEXES:
        raise invalid(
            f"Number of LocalSecondaryIndexes exceeds per-table limit of {MAX_LOCAL_INDEXES}"
        )
    return indexes


def _local_index(
    wire: LocalSecondaryIndex, table_schema: KeySchema, definitions: dict[str, str]
) -> Index:
    name = wire["IndexName"]
    check_defined([element["AttributeName"] for element in wire["KeySchema"]], definitions)
    schema = key_schema(wire["KeySchema"])
    if schema.range_key is None:
        raise invalid(f"Index KeySchema does not have a range key for index: {name}")
    if schema.hash_key != table_schema.hash_key:
        raise invalid(
            "Index KeySchema does not have the same leading hash key as table KeySchema for "
            f"index: {name}. index hash key: {schema.hash_key}, "
            f"table hash key: {table_schema.hash_key}"
        )
    return Index(name, schema, projection(wire["Projection"]))


def global_indexes(
    wire: list[GlobalSecondaryIndex] | None, billing_mode: str, definitions: dict[str, str]
) -> tuple[Index, ...]:
    if wire is None:
        return ()
    if not wire:
        raise invalid("List of GlobalSecondaryIndexes is empty")
    indexes = tuple(global_index(index, billing_mode, definitions) for index in wire)
    if len(indexes) > MAX_GLOBAL_INDEXES:
        raise invalid(
            f"GlobalSecondaryIndex count exceeds the per-table limit of {MAX_GLOBAL_INDEXES}"
        )
    return indexes


def global_index(
    wire: GlobalSecondaryIndex | CreateGlobalSecondaryIndexAction,
    billing_mode: str,
    definitions: dict[str, str],
) -> Index:
    name = wire["IndexName"]
    check_defined([element["AttributeName"] for element in wire["KeySchema"]], definitions)
    schema = global_key_schema(wire["KeySchema"])
    index_projection = projection(wire["Projection"])
    throughput = wire.get("ProvisionedThroughput")
    if billing_mode == PAY_PER_REQUEST:
        if throughput is not None:
            raise invalid(
                f"ProvisionedThroughput should not be specified for index: {name} when "
                "BillingMode is PAY_PER_REQUEST"
            )
        return _with_stored_settings(Index(name, schema, index_projection, Throughput()), wire)
    if throughput is None:
        raise invalid(f"ProvisionedThroughput must be specified for index: {name}")
    check_throughput_bounds(throughput)
    read, write = throughput["ReadCapacityUnits"], throughput["WriteCapacityUnits"]
    return _with_stored_settings(
        Index(name, schema, index_projection, Throughput(read, write)), wire
    )


def _with_stored_settings(
    index: Index, wire: GlobalSecondaryIndex | CreateGlobalSecondaryIndexAction
) -> Index:
    return replace(
        index,
        on_demand=stored_settings.request_limits(wire.get("OnDemandThroughput")),
        warm=stored_settings.warm_throughput(wire.get("WarmThroughput")),
    )


def check_unique_names(indexes: tuple[Index, ...]) -> None:
    seen: set[str] = set()
    for index in indexes:
        if index.name in seen:
            raise invalid(f"Duplicate index name: {index.name}")
        seen.add(index.name)


def check_definitions_used(
    definitions_count: int, table_schema: KeySchema, indexes: tuple[Index, ...]
) -> None:
    used = set(table_schema.names)
    for index in indexes:
        used.update(index.key_schema.names)
    if definitions_count != len(used):
        raise invalid(
            "Number of attributes in KeySchema does not exactly match number of attributes "
            "defined in AttributeDefinitions"
        )


def new_stream(view_type: str, table_arn: str, now: float, lanes: int = 1) -> Stream:
    label = datetime.fromtimestamp(now, tz=UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3]
    arn = f"{table_arn}/stream/{label}"
    return Stream(view_type=view_type, label=label, arn=arn, lanes=lanes)
