"""Per-request validation: substitute placeholders and check operators, DynamoDB's way.

Like DynamoDB's validator this walks each expression tree children-first, and fails on the
first of: an undefined `#name` or `:value`, a path deeper than 32 levels, a wrong number of
operands, an operand of a type the operator refuses (only literal values have a known
type; a path may hold anything), a repeated first operand, an operator-specific rule
(BETWEEN bounds, attribute_type names, document-path operands, IN size), or more than 300
operators. Updates and projections first add their target paths (last to first, as
DynamoDB does) to a tree that rejects overlapping and conflicting paths.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from dynafed.dynamodb.expr import ast
from dynafed.dynamodb.expr import functions as fn
from dynafed.dynamodb.expr.errors import (
    BAD_TYPE_NAME,
    BETWEEN_ORDER,
    BETWEEN_TYPES,
    NEEDS_PATH,
    NOT_DISTINCT,
    OPERAND_COUNT,
    OPERAND_TYPE,
    PATH_TOO_DEEP,
    TOO_MANY_IN,
    TOO_MANY_OPERATORS,
    UNDEFINED_NAME,
    UNDEFINED_VALUE,
    ExpressionError,
)
from dynafed.dynamodb.expr.paths import PathTree
from dynafed.dynamodb.values import compare_values, type_of

MAX_PATH_DEPTH = 32
MAX_OPERATORS = 300
MAX_IN_OPERANDS = 100

AttributeValue = dict[str, Any]


@dataclass
class Resolver:
    """Resolves the expressions of one request, recording which placeholders they use."""

    names: Mapping[str, str]
    values: Mapping[str, AttributeValue]
    used_names: set[str] = field(default_factory=set)
    used_values: set[str] = field(default_factory=set)
    operators: int = 0  # per expression; reset by the caller

    # --- leaves ---------------------------------------------------------------------------

    def path(self, path: ast.Path) -> ast.Path:
        if len(path.elements) > MAX_PATH_DEPTH:
            raise ExpressionError(PATH_TOO_DEEP, nesting_levels=len(path.elements))
        return ast.Path(tuple(self._element(element) for element in path.elements))

    def _element(self, element: ast.Element) -> str | int:
        if not isinstance(element, ast.NameRef):
            return element
        name = self.names.get(element.placeholder)
        if name is None:
            raise ExpressionError(UNDEFINED_NAME, attribute_name=element.placeholder)
        self.used_names.add(element.placeholder)
        return name

    def _value(self, ref: ast.ValueRef) -> ast.Literal:
        value = self.values.get(ref.placeholder)
        if value is None:
            raise ExpressionError(UNDEFINED_VALUE, attribute_value=ref.placeholder)
        self.used_values.add(ref.placeholder)
        return ast.Literal(value)

    # --- trees ----------------------------------------------------------------------------

    def operand(self, node: ast.Operand) -> ast.Operand:
        if isinstance(node, ast.Path):
            return self.path(node)
        if isinstance(node, ast.ValueRef):
            return self._value(node)
        if isinstance(node, ast.Literal):
            return node
        if isinstance(node, ast.Arithmetic):
            left, right = self.operand(node.left), self.operand(node.right)
            self._operator(fn.ARITHMETIC[node.op], (left, right))
            return ast.Arithmetic(node.op, left, right)
        args = tuple(self.operand(arg) for arg in node.args)
        operator = fn.CONDITION_FUNCTIONS.get(node.name) or fn.UPDATE_FUNCTIONS[node.name]
        self._operator(operator, args)
        return ast.FunctionCall(node.name, args)

    def condition(self, node: ast.Condition) -> ast.Condition:
        if isinstance(node, ast.FunctionCall):
            result = self.operand(node)
            assert isinstance(result, ast.FunctionCall)
            return result
        if isinstance(node, (ast.And, ast.Or)):
            first, second = self.condition(node.left), self.condition(node.right)
            self._count()
            return type(node)(first, second)
        if isinstance(node, ast.Not):
            inner = self.condition(node.operand)
            self._count()
            return ast.Not(inner)
        if isinstance(node, ast.Comparison):
            left, right = self.operand(node.left), self.operand(node.right)
            self._operator(fn.COMPARISON_OPERATORS[node.op], (left, right))
            return ast.Comparison(node.op, left, right)
        if isinstance(node, ast.Between):
            parts = (self.operand(node.subject), self.operand(node.low), self.operand(node.high))
            self._operator(fn.BETWEEN, parts)
            return ast.Between(*parts)
        members = (self.operand(node.subject), *(self.operand(o) for o in node.options))
        self._operator(fn.IN, members)
        return ast.In(members[0], members[1:])

    def update(self, update: ast.UpdateExpr) -> tuple[ast.UpdateAction, ...]:
        actions = update.actions
        tree = PathTree()
        targets: dict[int, ast.Path] = {}
        for index in reversed(range(len(actions))):
            targets[index] = self.path(actions[index].path)
            tree.add(targets[index])
        values: dict[int, ast.Operand | None] = {}
        for index in reversed(range(len(actions))):
            action = actions[index]
            values[index] = None if action.value is None else self.operand(action.value)
            _check_add_delete_operand(action.kind, values[index])
        return tuple(
            ast.UpdateAction(action.kind, targets[i], values[i]) for i, action in enumerate(actions)
        )

    def projection(self, projection: ast.ProjectionExpr) -> tuple[ast.Path, ...]:
        paths = projection.paths
        tree = PathTree()
        resolved: dict[int, ast.Path] = {}
        for index in reversed(range(len(paths))):
            resolved[index] = self.path(paths[index])
            tree.add(resolved[index])
        return tuple(resolved[i] for i in range(len(paths)))

    # --- operator rules -------------------------------------------------------------------

    def _operator(self, operator: fn.Operator, operands: tuple[ast.Operand, ...]) -> None:
        name = operator.name
        if not operator.arity_ok(len(operands)):
            raise ExpressionError(
                OPERAND_COUNT, operator_or_function=name, number_of_operands=len(operands)
            )
        for operand in operands:
            possible = possible_types(operand)
            if not possible & operator.operand_types:
                raise ExpressionError(
                    OPERAND_TYPE, operator_or_function=name, operand_type=fn.types_text(possible)
                )
        first = operands[0]
        if operator.distinct_first and isinstance(first, ast.Path):
            for later in operands[1:]:
                if isinstance(later, ast.Path) and later.elements == first.elements:
                    raise ExpressionError(NOT_DISTINCT, operator=name, first_operand=first)
        _SPECIFIC_RULES.get(name, _no_rule)(name, operands)
        self._count()

    def _count(self) -> None:
        self.operators += 1
        if self.operators > MAX_OPERATORS:
            raise ExpressionError(TOO_MANY_OPERATORS, operator_count=self.operators)


def possible_types(operand: ast.Operand) -> frozenset[str]:
    """What an operand can evaluate to, as far as the request alone tells."""
    if isinstance(operand, ast.Literal):
        return frozenset({type_of(operand.value)})
    if isinstance(operand, ast.FunctionCall):
        operator = fn.CONDITION_FUNCTIONS.get(operand.name) or fn.UPDATE_FUNCTIONS[operand.name]
        return operator.returns
    if isinstance(operand, ast.Arithmetic):
        return fn.NUMBER
    return fn.ALL


def _no_rule(name: str, operands: tuple[ast.Operand, ...]) -> None:
    return None


def _needs_path(name: str, operands: tuple[ast.Operand, ...]) -> None:
    if not isinstance(operands[0], ast.Path):
        raise ExpressionError(NEEDS_PATH, operator_or_function=name)


def _attribute_type(name: str, operands: tuple[ast.Operand, ...]) -> None:
    type_name = operands[1]
    if not isinstance(type_name, ast.Literal) or "S" not in type_name.value:
        raise ExpressionError(
            OPERAND_TYPE,
            operator_or_function=name,
            operand_type=fn.types_text(possible_types(type_name)),
        )
    if type_name.value["S"] not in fn.ALL:
        raise ExpressionError(
            BAD_TYPE_NAME, type=type_name.value["S"], valid_types=fn.VALID_TYPES_TEXT
        )


def _between(name: str, operands: tuple[ast.Operand, ...]) -> None:
    low, high = operands[1], operands[2]
    if not (isinstance(low, ast.Literal) and isinstance(high, ast.Literal)):
        return
    bounds = {
        "lower_bound_operand": _render(low.value),
        "upper_bound_operand": _render(high.value),
    }
    if type_of(low.value) != type_of(high.value):
        raise ExpressionError(BETWEEN_TYPES, **bounds)
    order = compare_values(low.value, high.value)
    if order is not None and order > 0:
        raise ExpressionError(BETWEEN_ORDER, **bounds)


def _in(name: str, operands: tuple[ast.Operand, ...]) -> None:
    if len(operands) - 1 > MAX_IN_OPERANDS:
        raise ExpressionError(TOO_MANY_IN, number_of_operands=len(operands) - 1)


def _render(value: AttributeValue) -> str:
    kind = type_of(value)
    return f"AttributeValue: {{{kind}:{value[kind]}}}"


_SPECIFIC_RULES = {
    "attribute_exists": _needs_path,
    "attribute_not_exists": _needs_path,
    "if_not_exists": _needs_path,
    "attribute_type": _attribute_type,
    "BETWEEN": _between,
    "IN": _in,
}


def _check_add_delete_operand(kind: ast.ActionKind, value: ast.Operand | None) -> None:
    if kind not in ("ADD", "DELETE") or not isinstance(value, ast.Literal):
        return
    allowed = fn.ADD_OPERAND_TYPES if kind == "ADD" else fn.DELETE_OPERAND_TYPES
    value_type = type_of(value.value)
    if value_type not in allowed:
        raise ExpressionError(
            OPERAND_TYPE,
            operator=kind,
            operand_type=fn.LONG_TYPE_NAMES[value_type],
            typeSet=f"ALLOWED_FOR_{kind}_OPERAND",
        )
