"""Declarative request shapes: what each DynamoDB operation accepts, field by field.

An operation module declares its input as a `Struct` of fields, each a shape with the
constraints of the DynamoDB API model (required, length, range, pattern, enum). The checker
(`check.py`) walks a request body against the shape twice, in AWS's order: first the JSON
types (a wrong type is a `SerializationException`), then the constraints (collected into one
"N validation errors detected: ..." `ValidationException`).

`java_name` is the class AWS's Java model uses for a structure; it appears verbatim in some
of AWS's serialization messages ("Unrecognized collection type class ...").
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

MODEL_PACKAGE = "com.amazonaws.dynamodb.v20120810"


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


@dataclass(frozen=True, slots=True)
class TableReference(Str):
    """A data-plane `TableName`, which the API model types as `TableArn` (length 1 to 1024,
    no pattern). AWS checks that shape first and applies the table-name rules (`min_len`,
    `max_len`, `pattern`) only to a value that passed it: an empty name fails with "length
    greater than or equal to 1" alone."""

    reference_min_len: int = 1
    reference_max_len: int = 1024


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
    java_name: str = ""
    fields: Mapping[str, Shape] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class AttrValue(Shape):
    """A DynamoDB AttributeValue (`{"S": ...}`, `{"M": {...}}`, ...), recursively."""


def java_class(shape: Shape) -> str:
    """The Java type AWS names in "Unrecognized collection type ..." messages."""
    if isinstance(shape, Str):
        return "class java.lang.String"
    if isinstance(shape, Bool):
        return "class java.lang.Boolean"
    if isinstance(shape, Long):
        return f"class java.lang.{shape.java_type}"
    if isinstance(shape, Blob):
        return "class java.nio.ByteBuffer"
    if isinstance(shape, AttrValue):
        return f"class {MODEL_PACKAGE}.AttributeValue"
    if isinstance(shape, Struct):
        return f"class {MODEL_PACKAGE}.{shape.java_name}"
    if isinstance(shape, MapOf):
        return f"java.util.Map<java.lang.String, {_java_element(shape.value)}>"
    return "java.util.List"


def _java_element(shape: Shape) -> str:
    name = java_class(shape)
    return name.removeprefix("class ")
