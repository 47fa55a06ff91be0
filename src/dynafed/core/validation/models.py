"""Request shapes read from the service models botocore ships.

Every service dynafed serves publishes its API as a `service-2.json` model (the one the AWS
SDKs are generated from, and the one AWS's own request validator enforces): each operation's
input structure, every member's type, requiredness, length, range, pattern and enum. This
module turns an operation's input into the `shapes` tree the checkers walk, once per
operation, so no constraint is written by hand.

Where a service's server is stricter or different than its published model, the caller says
so with `Refinements`, each a small function from the modelled shape to the checked one: for
every use of one model shape (DynamoDB's `AttributeValue`, checked by its own value rules), or
for one member of one structure (a data-plane `TableName` is checked as a table name once it
passed the model's ARN shape). They are the whole record of where dynafed knows better than
the model, so each says why.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import botocore.loaders

from dynafed.core.validation.shapes import Blob, Bool, ListOf, Long, MapOf, Shape, Str, Struct

Model = dict[str, Any]


Refine = Callable[[Shape], Shape]
"""Turns the shape the model gives into the one the server checks."""


@dataclass(frozen=True)
class Refinements:
    """How a server departs from its published model (see the module docstring)."""

    shapes: Mapping[str, Refine] = field(default_factory=dict)
    """Model shape name -> its refinement, wherever the model uses that shape."""

    members: Mapping[tuple[str, str], Refine] = field(default_factory=dict)
    """(structure name, member name) -> the member's refinement; the structure name `*`
    matches every structure."""


NO_REFINEMENTS = Refinements()


def replaced_by(shape: Shape) -> Refine:
    """A refinement that swaps the model's shape for `shape`, keeping its requiredness."""
    return lambda modelled: dataclasses.replace(shape, required=modelled.required)


def changed(**changes: Any) -> Refine:
    """A refinement that changes some fields of the model's shape (e.g. `max_len=2`)."""
    return lambda modelled: dataclasses.replace(modelled, **changes)


@cache
def service_model(service: str) -> Model:
    """botocore's newest `service-2` model of `service` (e.g. "dynamodb", "iam")."""
    model: Model = botocore.loaders.Loader().load_service_model(service, "service-2")
    return model


def operation_names(service: str) -> tuple[str, ...]:
    return tuple(service_model(service)["operations"])


def is_unsigned(service: str, operation: str) -> bool:
    """Whether the model marks `operation` as callable without a signature."""
    op = service_model(service)["operations"].get(operation)
    return bool(op is not None and op.get("authtype") == "none")


def input_shape(service: str, operation: str, refinements: Refinements = NO_REFINEMENTS) -> Struct:
    """The input of `operation` as a `Struct` (an empty one for an operation without input).

    Not cached here: each caller keeps the result (operations hold theirs as a module
    constant).
    """
    op = service_model(service)["operations"][operation]
    if "input" not in op:
        return Struct(name=f"{operation}Input")
    top = _Builder(service_model(service)["shapes"], refinements).build(op["input"]["shape"])
    assert isinstance(top, Struct)
    return top


class _Builder:
    def __init__(self, shapes: Model, refinements: Refinements) -> None:
        self._shapes = shapes
        self._refinements = refinements
        self._structures: dict[str, Struct] = {}

    def build(self, name: str, *, required: bool = False) -> Shape:
        built = self._modelled(name, required)
        refine = self._refinements.shapes.get(name)
        return built if refine is None else refine(built)

    def _modelled(self, name: str, required: bool) -> Shape:
        shape = self._shapes[name]
        kind = shape["type"]
        if kind == "structure":
            return dataclasses.replace(self._structure(name, shape), required=required)
        if kind == "list":
            return ListOf(
                required=required,
                member=self.build(shape["member"]["shape"], required=False),
                min_len=shape.get("min"),
                max_len=shape.get("max"),
            )
        if kind == "map":
            return MapOf(
                required=required,
                value=self.build(shape["value"]["shape"], required=False),
                min_len=shape.get("min"),
                max_len=shape.get("max"),
            )
        if kind == "string":
            return Str(
                required=required,
                min_len=shape.get("min"),
                max_len=shape.get("max"),
                pattern=shape.get("pattern"),
                enum=tuple(shape["enum"]) if "enum" in shape else None,
                sensitive=bool(shape.get("sensitive")),
            )
        if kind in ("integer", "long"):
            return Long(
                required=required,
                minimum=shape.get("min"),
                maximum=shape.get("max"),
                java_type="Integer" if kind == "integer" else "Long",
            )
        if kind == "boolean":
            return Bool(required=required)
        if kind == "blob":
            return Blob(required=required)
        # timestamps and doubles: no constraint AWS reports, any JSON scalar passes the model
        return Shape(required=required)

    def _structure(self, name: str, shape: Model) -> Struct:
        known = self._structures.get(name)
        if known is not None:
            return known
        required = set(shape.get("required", ()))
        fields: dict[str, Shape] = {}
        struct = Struct(name=name, fields=fields)
        self._structures[name] = struct  # before the members: models may be recursive
        members = self._refinements.members
        for member, spec in shape["members"].items():
            built = self.build(spec["shape"], required=member in required)
            refine = members.get((name, member)) or members.get(("*", member))
            fields[member] = built if refine is None else refine(built)
        return struct
