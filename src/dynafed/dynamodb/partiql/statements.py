"""The statement AST: four statement kinds whose conditions, paths, operands and update
actions are the expression engine's own nodes (`dynamodb.expr.ast`).

Every value, written in the statement or passed as a `?` parameter, is an `ast.Literal`
holding its AttributeValue: the parser binds parameters as it meets them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal as Lit

from dynafed.dynamodb.expr import ast

ReturnValues = Lit["ALL_OLD", "ALL_NEW", "UPDATED_OLD", "UPDATED_NEW"]


@dataclass(frozen=True, slots=True)
class Target:
    table: str
    index: str | None = None


@dataclass(frozen=True, slots=True)
class Select:
    target: Target
    projection: tuple[ast.Path, ...] | None
    """None for `SELECT *`."""
    where: ast.Condition | None
    descending: bool = False


@dataclass(frozen=True, slots=True)
class Insert:
    target: Target
    item: ast.AttributeValue
    """Always an `M` value; the parser refuses anything else."""


@dataclass(frozen=True, slots=True)
class Update:
    target: Target
    actions: tuple[ast.UpdateAction, ...]
    where: ast.Condition | None
    returning: ReturnValues | None = None


@dataclass(frozen=True, slots=True)
class Delete:
    target: Target
    where: ast.Condition | None
    returning: ReturnValues | None = None


Statement = Select | Insert | Update | Delete
