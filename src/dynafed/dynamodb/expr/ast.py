"""The one AST for every expression kind (condition, filter, key condition, update,
projection) and for the legacy parameters, which are translated into it.

A parsed expression still holds placeholders (`NameRef`, `ValueRef`); resolving it against
a request's ExpressionAttributeNames/Values yields the same node types with only plain
names, list indexes and `Literal` values, which is what evaluation expects. Parsing is
cached by text; resolving happens per request.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from typing import Literal as Lit

AttributeValue = dict[str, Any]


@dataclass(frozen=True, slots=True)
class NameRef:
    """`#name`: an expression attribute name, replaced by its string when resolved."""

    placeholder: str


Element = str | int | NameRef
"""A path step: an attribute name, a list index, or (unresolved) a name placeholder."""


@dataclass(frozen=True, slots=True)
class Path:
    elements: tuple[Element, ...]

    @property
    def head(self) -> Element:
        return self.elements[0]

    def __str__(self) -> str:
        """DynamoDB's rendering in error texts: `[a, b, [2]]`."""
        parts = (f"[{e}]" if isinstance(e, int) else str(e) for e in self.elements)
        return "[" + ", ".join(parts) + "]"


@dataclass(frozen=True, slots=True)
class ValueRef:
    """`:value`: an expression attribute value, replaced by a `Literal` when resolved."""

    placeholder: str


@dataclass(frozen=True, slots=True, eq=False)
class Literal:
    value: AttributeValue


@dataclass(frozen=True, slots=True)
class FunctionCall:
    name: str
    args: tuple[Operand, ...]


ArithmeticOp = Lit["+", "-"]


@dataclass(frozen=True, slots=True)
class Arithmetic:
    op: ArithmeticOp
    left: Operand
    right: Operand


Operand = Path | ValueRef | Literal | FunctionCall | Arithmetic


Comparator = Lit["=", "<>", "<", "<=", ">", ">="]


@dataclass(frozen=True, slots=True)
class Comparison:
    op: Comparator
    left: Operand
    right: Operand


@dataclass(frozen=True, slots=True)
class Between:
    subject: Operand
    low: Operand
    high: Operand


@dataclass(frozen=True, slots=True)
class In:
    subject: Operand
    options: tuple[Operand, ...]


@dataclass(frozen=True, slots=True)
class Not:
    operand: Condition


@dataclass(frozen=True, slots=True)
class And:
    left: Condition
    right: Condition


@dataclass(frozen=True, slots=True)
class Or:
    left: Condition
    right: Condition


Condition = Comparison | Between | In | FunctionCall | Not | And | Or
"""A boolean expression; a `FunctionCall` here is attribute_exists, contains, ..."""

ActionKind = Lit["SET", "REMOVE", "ADD", "DELETE"]


@dataclass(frozen=True, slots=True)
class UpdateAction:
    kind: ActionKind
    path: Path
    value: Operand | None  # None for REMOVE


@dataclass(frozen=True, slots=True)
class UpdateSection:
    kind: ActionKind
    actions: tuple[UpdateAction, ...]


@dataclass(frozen=True, slots=True)
class UpdateExpr:
    sections: tuple[UpdateSection, ...]

    @property
    def actions(self) -> tuple[UpdateAction, ...]:
        """All actions in the order they appear in the text."""
        return tuple(action for section in self.sections for action in section.actions)


@dataclass(frozen=True, slots=True)
class ProjectionExpr:
    paths: tuple[Path, ...]


Node = Condition | Operand
