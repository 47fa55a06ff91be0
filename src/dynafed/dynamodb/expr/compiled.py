"""Compiled expressions: what an operation holds after a request is validated.

Each wraps resolved AST nodes (no placeholders left) and offers the few things operations
need: evaluate a condition, apply an update, project an item, and the top-level attribute
names an expression touches (IAM's `dynamodb:Attributes` condition key and the
"part of the key" check).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from dynafed.dynamodb.expr import ast
from dynafed.dynamodb.expr.evaluate import evaluate
from dynafed.dynamodb.expr.projection import path_tree, project, project_tree
from dynafed.dynamodb.expr.update import apply_update
from dynafed.dynamodb.values import INVALID, type_of
from dynafed.errors import ValidationException

AttributeValue = dict[str, Any]
Item = dict[str, AttributeValue]


def _paths_in(node: ast.Node | ast.UpdateAction) -> Iterator[ast.Path]:
    if isinstance(node, ast.Path):
        yield node
    elif isinstance(node, ast.UpdateAction):
        yield node.path
        if node.value is not None:
            yield from _paths_in(node.value)
    elif isinstance(node, ast.FunctionCall):
        for arg in node.args:
            yield from _paths_in(arg)
    elif isinstance(node, (ast.Arithmetic, ast.Comparison, ast.And, ast.Or)):
        yield from _paths_in(node.left)
        yield from _paths_in(node.right)
    elif isinstance(node, ast.Not):
        yield from _paths_in(node.operand)
    elif isinstance(node, ast.Between):
        for part in (node.subject, node.low, node.high):
            yield from _paths_in(part)
    elif isinstance(node, ast.In):
        for part in (node.subject, *node.options):
            yield from _paths_in(part)


def _heads(paths: Iterator[ast.Path]) -> frozenset[str]:
    return frozenset(str(path.head) for path in paths)


def _nested_heads(paths: Iterator[ast.Path]) -> frozenset[str]:
    return frozenset(str(path.head) for path in paths if len(path.elements) > 1)


def check_scalar_key_paths(
    nested_names: frozenset[str], table_keys: Sequence[str], index_keys: Sequence[str] = ()
) -> None:
    """Key attributes may not be addressed below their top level (`pk.a`, `pk[0]`)."""
    for label, keys in (("Key", table_keys), ("IndexKey", index_keys)):
        for name in keys:
            if name in nested_names:
                raise ValidationException(
                    "Key attributes must be scalars; list random access '[]' and map lookup "
                    f"'.' are not allowed: {label}: {name}"
                )


def _static_type(operand: ast.Operand) -> str | None:
    if isinstance(operand, ast.Literal):
        return type_of(operand.value)
    if isinstance(operand, ast.Arithmetic):
        return "N"
    if isinstance(operand, ast.FunctionCall):
        if operand.name == "list_append":
            return "L"
        if operand.name == "if_not_exists":
            return _static_type(operand.args[1])
    return None


@dataclass(frozen=True, slots=True)
class Condition:
    """A condition, filter or key condition, ready to evaluate."""

    node: ast.Condition
    _names: frozenset[str] | None = field(default=None, init=False, repr=False, compare=False)

    @property
    def attribute_names(self) -> frozenset[str]:
        """Top-level attribute names the condition reads (worked out once: compiled
        expressions are cached and serve many requests)."""
        names = self._names
        if names is None:
            names = _heads(_paths_in(self.node))
            object.__setattr__(self, "_names", names)
        return names

    @property
    def nested_names(self) -> frozenset[str]:
        """Top-level attributes read below their top level (`a.b`, `a[0]`)."""
        return _nested_heads(_paths_in(self.node))

    def evaluate(self, item: Mapping[str, AttributeValue] | None) -> bool:
        """Whether the condition holds; `None` means the item does not exist."""
        return evaluate(self.node, item)


@dataclass(frozen=True, slots=True)
class Update:
    """An UpdateExpression (or legacy AttributeUpdates) ready to apply."""

    actions: tuple[ast.UpdateAction, ...]
    legacy: bool = False

    @property
    def paths(self) -> tuple[ast.Path, ...]:
        """The document paths the update writes, in text order (for UPDATED_OLD/NEW)."""
        return tuple(action.path for action in self.actions)

    @property
    def modified_names(self) -> frozenset[str]:
        """Top-level attributes the update writes (the caller refuses key attributes)."""
        return _heads(iter(self.paths))

    @property
    def nested_names(self) -> frozenset[str]:
        """Top-level attributes read or written below their top level (`a.b`, `a[0]`)."""
        return frozenset().union(*(_nested_heads(_paths_in(a)) for a in self.actions))

    @property
    def attribute_names(self) -> frozenset[str]:
        """Every top-level attribute the update reads or writes."""
        return frozenset().union(*(_heads(_paths_in(action)) for action in self.actions))

    def check_key_not_modified(self, key_names: Sequence[str]) -> None:
        """Refuse updates of key attributes, with DynamoDB's message (key schema order)."""
        for name in key_names:
            if name in self.modified_names:
                raise ValidationException(
                    f"{INVALID}Cannot update attribute {name}. This attribute is part of the key"
                )

    def static_types(self) -> dict[str, str]:
        """Types known from the request alone for whole top-level attributes the update
        writes (SET to a literal, arithmetic, list_append...; ADD/DELETE literals): what an
        operation compares with index key types before reading the item."""
        types = {}
        for action in self.actions:
            if len(action.path.elements) == 1 and action.value is not None:
                known = _static_type(action.value)
                if known is not None:
                    types[str(action.path.head)] = known
        return types

    def apply(self, item: Mapping[str, AttributeValue]) -> Item:
        """The updated item; pass the old item, or just the key when there is none."""
        return apply_update(self.actions, item, legacy=self.legacy)

    def updated_attributes(self, item: Mapping[str, AttributeValue]) -> Item:
        """`item` projected on the updated paths: UPDATED_OLD on the old item, UPDATED_NEW on
        the new one."""
        return project(item, self.paths)


@dataclass(frozen=True, slots=True)
class Projection:
    """A ProjectionExpression (or AttributesToGet)."""

    paths: tuple[ast.Path, ...]
    _names: frozenset[str] = field(init=False, repr=False, compare=False)
    _nested: frozenset[str] = field(init=False, repr=False, compare=False)
    _tree: dict[Any, Any] = field(init=False, repr=False, compare=False)
    _top_level: tuple[str, ...] | None = field(init=False, repr=False, compare=False)
    """The names, when every path is a whole top-level attribute (the usual projection)."""

    def __post_init__(self) -> None:
        # Worked out once: compiled expressions are cached and serve many requests.
        object.__setattr__(self, "_names", _heads(iter(self.paths)))
        object.__setattr__(self, "_nested", _nested_heads(iter(self.paths)))
        tree = path_tree(self.paths)
        object.__setattr__(self, "_tree", tree)
        whole = all(isinstance(name, str) and sub is None for name, sub in tree.items())
        object.__setattr__(self, "_top_level", tuple(tree) if whole else None)

    @property
    def attribute_names(self) -> frozenset[str]:
        return self._names

    @property
    def nested_names(self) -> frozenset[str]:
        """Top-level attributes projected below their top level (`a.b`, `a[0]`)."""
        return self._nested

    def apply(self, item: Mapping[str, AttributeValue]) -> Item:
        names = self._top_level
        if names is not None:
            return {name: value for name in names if (value := item.get(name)) is not None}
        return project_tree(item, self._tree)
