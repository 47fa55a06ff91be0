"""Field shapes shared by several operations, with the constraints of DynamoDB's API model."""

from __future__ import annotations

from typing import Any

from dynafed.dynamodb.validation.shapes import (
    AttrValue,
    Bool,
    ListOf,
    MapOf,
    Str,
    Struct,
    TableReference,
)
from dynafed.errors import ValidationException

NAME_PATTERN = "[a-zA-Z0-9_.-]+"

TABLE_NAME = TableReference(required=True, min_len=3, max_len=255, pattern=NAME_PATTERN)
TABLE_NAME_PATTERN_ONLY = Str(pattern=NAME_PATTERN)
"""For operations whose table-name presence and length are checked by `require_table_name`."""

INDEX_NAME = Str(min_len=3, max_len=255, pattern=NAME_PATTERN)

RETURN_CONSUMED_CAPACITY = Str(enum=("INDEXES", "TOTAL", "NONE"))
RETURN_ITEM_COLLECTION_METRICS = Str(enum=("SIZE", "NONE"))
RETURN_VALUES = Str(enum=("ALL_NEW", "UPDATED_OLD", "ALL_OLD", "NONE", "UPDATED_NEW"))
RETURN_VALUES_ON_CONDITION_CHECK_FAILURE = Str(enum=("ALL_OLD", "NONE"))
CONDITIONAL_OPERATOR = Str(enum=("OR", "AND"))
COMPARISON_OPERATORS = (
    "IN", "NULL", "BETWEEN", "LT", "NOT_CONTAINS", "EQ", "GT",
    "NOT_NULL", "NE", "LE", "BEGINS_WITH", "GE", "CONTAINS",
)  # fmt: skip

ATTRIBUTE_MAP = MapOf(value=AttrValue())
KEY = MapOf(required=True, value=AttrValue())
ITEM = MapOf(required=True, value=AttrValue())
EXPRESSION = Str()
EXPRESSION_ATTRIBUTE_NAMES = MapOf(value=Str())
EXPRESSION_ATTRIBUTE_VALUES = MapOf(value=AttrValue())
ATTRIBUTES_TO_GET = ListOf(member=Str(), min_len=1)
CONSISTENT_READ = Bool()

EXPECTED = MapOf(
    value=Struct(
        java_name="ExpectedAttributeValue",
        fields={
            "Value": AttrValue(),
            "Exists": Bool(),
            "ComparisonOperator": Str(enum=COMPARISON_OPERATORS),
            "AttributeValueList": ListOf(member=AttrValue()),
        },
    )
)


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
    if not 3 <= len(name) <= 255:
        raise ValidationException(
            "TableName must be at least 3 characters long and at most 255 characters long"
        )
