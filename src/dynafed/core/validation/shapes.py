"""Request shapes: what an operation accepts, member by member, with its constraints.

`models.input_shape` reads them from botocore's service models; `constraints` checks a
request against them. A protocol's first pass (JSON types for DynamoDB and Cognito, the
flattened parameters of IAM and STS) also walks them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Shape:
    required: bool = False
    """`Member must not be null` when absent."""


@dataclass(frozen=True, slots=True)
class Str(Shape):
    min_len: int | None = None
    max_len: int | None = None
    pattern: str | None = None
    enum: tuple[str, ...] | None = None
    sensitive: bool = False
    """Never echoed in a message (passwords, secrets): shown as `***`."""


@dataclass(frozen=True, slots=True)
class TableReference(Str):
    """A data-plane `TableName`, which the API model types as `TableArn` (length 1 to 1024,
    no pattern). AWS checks that shape first and applies the table-name rules (`min_len`,
    `max_len`, `pattern`) only to a value that passed it: an empty name fails with "length
    greater than or equal to 1" alone. A value that is a table's ARN (`arn_pattern`) is not
    a name, and the name rules do not apply to it."""

    reference_min_len: int = 1
    reference_max_len: int = 1024
    arn_pattern: str | None = None


@dataclass(frozen=True, slots=True)
class Bool(Shape):
    pass


@dataclass(frozen=True, slots=True)
class Long(Shape):
    minimum: int | None = None
    maximum: int | None = None
    java_type: str = "Long"


@dataclass(frozen=True, slots=True)
class Blob(Shape):
    """Binary data carried as base64 text."""


@dataclass(frozen=True, slots=True)
class ListOf(Shape):
    member: Shape = field(default_factory=Shape)
    min_len: int | None = None
    max_len: int | None = None


@dataclass(frozen=True, slots=True)
class MapOf(Shape):
    value: Shape = field(default_factory=Shape)
    min_len: int | None = None
    max_len: int | None = None


@dataclass(frozen=True, slots=True)
class Struct(Shape):
    name: str = ""
    """The model's name for the structure, which is also the class AWS's Java model uses (it
    appears verbatim in some serialization messages)."""

    fields: Mapping[str, Shape] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class AttrValue(Shape):
    """A DynamoDB AttributeValue (`{"S": ...}`, `{"M": {...}}`, ...), recursively."""
