"""DynamoDB's request shapes: botocore's `dynamodb` and `dynamodbstreams` models, refined.

`request_shape("GetItem")` is what an operation module validates its body against. The
refinements below are every place where DynamoDB's servers answer differently from what the
published model alone would give; each was observed from AWS (the recorded conformance suite,
DynamoDB's documentation) and says why it is here.
"""

from __future__ import annotations

from dynafed.core.validation.models import Refinements, changed, input_shape, replaced_by
from dynafed.core.validation.shapes import AttrValue, Shape, Struct, TableReference
from dynafed.dynamodb.tables import TABLE_ARN

NAME_PATTERN = "[a-zA-Z0-9_.-]+"

TABLE_NAME = TableReference(
    required=True, min_len=3, max_len=255, pattern=NAME_PATTERN, arn_pattern=TABLE_ARN.pattern
)
"""A data-plane `TableName`: the model's `TableArn` (1 to 1024 characters), then the
table-name rules for a value that is not a table's ARN (`constraints` checks both, in that
order; `tables.referenced_table_key` resolves either)."""

TABLE_NAME_PATTERN_ONLY = TableReference(pattern=NAME_PATTERN, arn_pattern=TABLE_ARN.pattern)
"""For operations whose table-name presence and length are checked by `require_table_name`
(common.py), with a message of their own, before the other constraints."""


def _control_plane_table_name(_modelled: Shape) -> Shape:
    return TABLE_NAME_PATTERN_ONLY


# AWS prints an enum's allowed values in its server's order, not the model's.
_ENUM_ORDER_AS_AWS_PRINTS = {
    "ReturnValue": ("ALL_NEW", "UPDATED_OLD", "ALL_OLD", "NONE", "UPDATED_NEW"),
    "ScalarAttributeType": ("B", "N", "S"),
    "ProjectionType": ("ALL", "INCLUDE", "KEYS_ONLY"),
    "Select": ("SPECIFIC_ATTRIBUTES", "COUNT", "ALL_ATTRIBUTES", "ALL_PROJECTED_ATTRIBUTES"),
    "ConditionalOperator": ("OR", "AND"),
    "ComparisonOperator": (
        "IN", "NULL", "BETWEEN", "LT", "NOT_CONTAINS", "EQ", "GT",
        "NOT_NULL", "NE", "LE", "BEGINS_WITH", "GE", "CONTAINS",
    ),
}  # fmt: skip

DYNAMODB = Refinements(
    shapes={
        # Checked by dynamodb.values, with DynamoDB's own messages, after the constraints.
        "AttributeValue": replaced_by(AttrValue()),
        # A key schema has at most a hash and a range key; AWS reports it as a length.
        "KeySchema": changed(max_len=2),
        # BatchGetItem and BatchWriteItem count requested tables and items with messages of
        # their own (their operation modules), not as the map and list lengths.
        "BatchGetRequestMap": changed(min_len=None, max_len=None),
        "BatchWriteItemRequestMap": changed(min_len=None, max_len=None),
        "WriteRequests": changed(min_len=None, max_len=None),
        **{name: changed(enum=order) for name, order in _ENUM_ORDER_AS_AWS_PRINTS.items()},
    },
    members={
        ("*", "TableName"): replaced_by(TABLE_NAME),
        ("DescribeTableInput", "TableName"): _control_plane_table_name,
        ("DeleteTableInput", "TableName"): _control_plane_table_name,
        ("UpdateTableInput", "TableName"): _control_plane_table_name,
        ("DescribeTimeToLiveInput", "TableName"): _control_plane_table_name,
        ("UpdateTimeToLiveInput", "TableName"): _control_plane_table_name,
        # The tagging operations check the ARN's presence first, with their own message.
        ("*", "ResourceArn"): changed(required=False),
        # Query words a Limit below one differently from every other operation (query.py).
        ("QueryInput", "Limit"): changed(minimum=None),
        # The model relaxed these for tables created from a global table's source; a table
        # created from nothing still needs them, and AWS reports them as null members.
        ("CreateTableInput", "KeySchema"): changed(required=True),
        ("CreateTableInput", "AttributeDefinitions"): changed(required=True),
        # A global index's key may have up to four HASH and four RANGE attributes
        # (multi-attribute keys); schema_rules.global_key_schema checks how they are laid out.
        ("GlobalSecondaryIndex", "KeySchema"): changed(max_len=8),
        ("CreateGlobalSecondaryIndexAction", "KeySchema"): changed(max_len=8),
        # UpdateTimeToLive words an empty or long attribute name itself (update_time_to_live).
        ("TimeToLiveSpecification", "AttributeName"): changed(min_len=None, max_len=None),
    },
)

STREAMS = Refinements(
    members={
        # The documented maxima of each Limit (Streams API reference).
        ("ListStreamsInput", "Limit"): changed(maximum=100),
        ("DescribeStreamInput", "Limit"): changed(maximum=100),
        ("GetRecordsInput", "Limit"): changed(maximum=1000),
    },
)


NOT_SERVED: dict[str, dict[str, str]] = {
    "CreateTable": {
        "ResourcePolicy": "resource-based policies are not served",
        "GlobalTableSourceArn": "global tables are not served",
        "GlobalTableSettingsReplicationMode": "global tables are not served",
    },
    "UpdateTable": {
        "ReplicaUpdates": "global tables are not served",
        "MultiRegionConsistency": "global tables are not served",
        "GlobalTableWitnessUpdates": "global tables are not served",
        "GlobalTableSettingsReplicationMode": "global tables are not served",
    },
}
"""Members of the model that dynafed refuses rather than accept and ignore, with why; every
other member of a served operation is acted on (tests/unit/dynamodb/test_request_members.py
checks that each is read somewhere)."""


def request_shape(operation: str) -> Struct:
    """The input shape of a DynamoDB operation (`DynamoDB_20120810.<operation>`)."""
    return input_shape("dynamodb", operation, DYNAMODB)


def streams_request_shape(operation: str) -> Struct:
    """The input shape of a DynamoDB Streams operation (`DynamoDBStreams_20120810.*`)."""
    return input_shape("dynamodbstreams", operation, STREAMS)
