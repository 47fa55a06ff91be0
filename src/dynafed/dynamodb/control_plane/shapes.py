"""Shapes of the control-plane structures (key schema, indexes, throughput, tags)."""

from __future__ import annotations

from dynafed.dynamodb.validation.common import NAME_PATTERN
from dynafed.dynamodb.validation.shapes import Bool, ListOf, Long, Str, Struct

ATTRIBUTE_NAME = Str(required=True, min_len=1, max_len=255)

KEY_SCHEMA_ELEMENT = Struct(
    java_name="KeySchemaElement",
    fields={"AttributeName": ATTRIBUTE_NAME, "KeyType": Str(required=True, enum=("HASH", "RANGE"))},
)
KEY_SCHEMA = ListOf(required=True, member=KEY_SCHEMA_ELEMENT, min_len=1, max_len=2)

ATTRIBUTE_DEFINITION = Struct(
    java_name="AttributeDefinition",
    fields={
        "AttributeName": ATTRIBUTE_NAME,
        "AttributeType": Str(required=True, enum=("B", "N", "S")),
    },
)

PROVISIONED_THROUGHPUT = Struct(
    java_name="ProvisionedThroughput",
    fields={
        "ReadCapacityUnits": Long(required=True, minimum=1),
        "WriteCapacityUnits": Long(required=True, minimum=1),
    },
)

ON_DEMAND_THROUGHPUT = Struct(
    java_name="OnDemandThroughput",
    fields={"MaxReadRequestUnits": Long(), "MaxWriteRequestUnits": Long()},
)

PROJECTION = Struct(
    required=True,
    java_name="Projection",
    fields={
        "ProjectionType": Str(enum=("ALL", "INCLUDE", "KEYS_ONLY")),
        "NonKeyAttributes": ListOf(member=Str(min_len=1, max_len=255), min_len=1, max_len=20),
    },
)

INDEX_NAME = Str(required=True, min_len=3, max_len=255, pattern=NAME_PATTERN)

LOCAL_SECONDARY_INDEX = Struct(
    java_name="LocalSecondaryIndex",
    fields={"IndexName": INDEX_NAME, "KeySchema": KEY_SCHEMA, "Projection": PROJECTION},
)

GLOBAL_SECONDARY_INDEX = Struct(
    java_name="GlobalSecondaryIndex",
    fields={
        "IndexName": INDEX_NAME,
        "KeySchema": KEY_SCHEMA,
        "Projection": PROJECTION,
        "ProvisionedThroughput": PROVISIONED_THROUGHPUT,
        "OnDemandThroughput": ON_DEMAND_THROUGHPUT,
    },
)

BILLING_MODE = Str(enum=("PROVISIONED", "PAY_PER_REQUEST"))

STREAM_SPECIFICATION = Struct(
    java_name="StreamSpecification",
    fields={
        "StreamEnabled": Bool(required=True),
        "StreamViewType": Str(enum=("NEW_IMAGE", "OLD_IMAGE", "NEW_AND_OLD_IMAGES", "KEYS_ONLY")),
    },
)

SSE_SPECIFICATION = Struct(
    java_name="SSESpecification",
    fields={"Enabled": Bool(), "SSEType": Str(enum=("AES256", "KMS")), "KMSMasterKeyId": Str()},
)

TAG = Struct(
    java_name="Tag",
    fields={
        "Key": Str(required=True, min_len=1, max_len=128),
        "Value": Str(required=True, min_len=0, max_len=256),
    },
)
TAGS = ListOf(member=TAG)

TABLE_CLASS = Str(enum=("STANDARD", "STANDARD_INFREQUENT_ACCESS"))
RESOURCE_ARN = Str(min_len=1, max_len=1283)
