"""Checks that depend only on an expression's text, run once after parsing (and cached).

They follow DynamoDB's walk over the parse tree, in text order, failing on the first of:
an unknown function, a function used where it is not allowed, an unescaped reserved word,
a list index out of range, or a repeated update section.
"""

from __future__ import annotations

from typing import Literal as Lit

from dynafed.dynamodb.expr import ast
from dynafed.dynamodb.expr.errors import (
    BAD_FUNCTION,
    BAD_INDEX,
    DUPLICATE_SECTION,
    MISUSED_FUNCTION,
    NOT_IN_CONDITION,
    NOT_IN_UPDATE,
    RESERVED,
    ExpressionError,
)
from dynafed.dynamodb.expr.functions import (
    CONDITION_FUNCTIONS,
    NESTABLE_IN_CONDITION,
    NESTABLE_IN_UPDATE,
    UPDATE_FUNCTIONS,
)
from dynafed.dynamodb.expr.reserved import is_reserved

MAX_LIST_INDEX = 2**31 - 1  # DynamoDB parses indexes as Java ints

Category = Lit["condition", "update"]


def check_condition(node: ast.Condition, nesting: int = 0) -> None:
    if isinstance(node, (ast.And, ast.Or)):
        check_condition(node.left, nesting)
        check_condition(node.right, nesting)
    elif isinstance(node, ast.Not):
        check_condition(node.operand, nesting)
    elif isinstance(node, ast.FunctionCall):
        _check_function(node, nesting, "condition")
    else:
        operands = (
            (node.left, node.right)
            if isinstance(node, ast.Comparison)
            else (node.subject, node.low, node.high)
            if isinstance(node, ast.Between)
            else (node.subject, *node.options)
        )
        for operand in operands:
            _check_operand(operand, nesting + 1, "condition")


def check_update(update: ast.UpdateExpr) -> None:
    seen: set[str] = set()
    for section in update.sections:
        for action in section.actions:
            check_path(action.path)
            if action.value is not None:
                _check_operand(action.value, 0, "update")
        if section.kind in seen:
            raise ExpressionError(DUPLICATE_SECTION.format(section.kind))
        seen.add(section.kind)


def check_projection(projection: ast.ProjectionExpr) -> None:
    for path in projection.paths:
        check_path(path)


def check_path(path: ast.Path) -> None:
    for element in path.elements:
        if isinstance(element, str) and is_reserved(element):
            raise ExpressionError(RESERVED, reserved_keyword=element)
        if isinstance(element, int) and element > MAX_LIST_INDEX:
            raise ExpressionError(BAD_INDEX, index=f"[{element}]")


def _check_operand(operand: ast.Operand, nesting: int, category: Category) -> None:
    if isinstance(operand, ast.Path):
        check_path(operand)
    elif isinstance(operand, ast.FunctionCall):
        _check_function(operand, nesting, category)
    elif isinstance(operand, ast.Arithmetic):
        _check_operand(operand.left, nesting + 1, category)
        _check_operand(operand.right, nesting + 1, category)


def _check_function(call: ast.FunctionCall, nesting: int, category: Category) -> None:
    name = call.name
    if name not in CONDITION_FUNCTIONS and name not in UPDATE_FUNCTIONS:
        raise ExpressionError(BAD_FUNCTION, function=name)
    if category == "condition":
        if name in UPDATE_FUNCTIONS:
            raise ExpressionError(NOT_IN_CONDITION, function=name)
        # At the top a function must be a condition; nested, only size() yields an operand.
        if (nesting == 0) == (name in NESTABLE_IN_CONDITION):
            raise ExpressionError(MISUSED_FUNCTION, function=name)
    else:
        if name in CONDITION_FUNCTIONS:
            raise ExpressionError(NOT_IN_UPDATE, function=name)
        if nesting > 0 and name not in NESTABLE_IN_UPDATE:
            raise ExpressionError(MISUSED_FUNCTION, function=name)
    for arg in call.args:
        _check_operand(arg, nesting + 1, category)
