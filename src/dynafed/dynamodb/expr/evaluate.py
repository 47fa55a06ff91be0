"""Evaluating resolved conditions on an item.

Semantics follow "Comparison operator and function reference" as DynamoDB implements them:
a comparison between different types (or with a missing operand) is false, never an error;
`<>` is the negation of `=`; size() of a number, boolean or null yields no value; string
size counts UTF-16 code units like DynamoDB (Java) does.
"""

from __future__ import annotations

import base64
from collections.abc import Callable, Mapping
from typing import Any

from dynafed.dynamodb.expr import ast
from dynafed.dynamodb.expr.paths import read_path
from dynafed.dynamodb.values import compare_values, set_members, type_of, values_equal

AttributeValue = dict[str, Any]
Item = Mapping[str, AttributeValue]


def evaluate(condition: ast.Condition, item: Item | None) -> bool:
    """Whether `condition` (resolved) holds for `item`; None means no item."""
    return _condition(condition, item or {})


def operand_value(operand: ast.Operand, item: Item) -> AttributeValue | None:
    """The value of a resolved condition operand (path, literal or size()); None if missing."""
    if isinstance(operand, ast.Literal):
        return operand.value
    if isinstance(operand, ast.Path):
        return read_path(item, operand.elements)
    if isinstance(operand, ast.FunctionCall) and operand.name == "size":
        return size(operand_value(operand.args[0], item))
    raise TypeError(f"not a condition operand: {operand!r}")


def _condition(node: ast.Condition, item: Item) -> bool:
    if isinstance(node, ast.And):
        return _condition(node.left, item) and _condition(node.right, item)
    if isinstance(node, ast.Or):
        return _condition(node.left, item) or _condition(node.right, item)
    if isinstance(node, ast.Not):
        return not _condition(node.operand, item)
    if isinstance(node, ast.Comparison):
        return _COMPARATORS[node.op](
            operand_value(node.left, item), operand_value(node.right, item)
        )
    if isinstance(node, ast.Between):
        subject = operand_value(node.subject, item)
        return _ordered(subject, operand_value(node.low, item), lambda c: c >= 0) and _ordered(
            subject, operand_value(node.high, item), lambda c: c <= 0
        )
    if isinstance(node, ast.In):
        subject = operand_value(node.subject, item)
        return any(_equal(subject, operand_value(option, item)) for option in node.options)
    args = [operand_value(arg, item) for arg in node.args]
    return _FUNCTIONS[node.name](*args)


def _equal(left: AttributeValue | None, right: AttributeValue | None) -> bool:
    return left is not None and right is not None and values_equal(left, right)


def _ordered(
    left: AttributeValue | None, right: AttributeValue | None, test: Callable[[int], bool]
) -> bool:
    if left is None or right is None:
        return False
    order = compare_values(left, right)
    return order is not None and test(order)


_COMPARATORS: dict[str, Callable[[AttributeValue | None, AttributeValue | None], bool]] = {
    "=": _equal,
    "<>": lambda a, b: not _equal(a, b),
    "<": lambda a, b: _ordered(a, b, lambda c: c < 0),
    "<=": lambda a, b: _ordered(a, b, lambda c: c <= 0),
    ">": lambda a, b: _ordered(a, b, lambda c: c > 0),
    ">=": lambda a, b: _ordered(a, b, lambda c: c >= 0),
}


def size(value: AttributeValue | None) -> AttributeValue | None:
    """size(): string length (UTF-16 units), binary bytes, set/list/map member count."""
    if value is None:
        return None
    kind = type_of(value)
    member = value[kind]
    if kind == "S":
        length = len(member.encode("utf-16-le")) // 2
    elif kind == "B":
        length = len(base64.b64decode(member))
    elif kind in ("SS", "NS", "BS", "L", "M"):
        length = len(member)
    else:
        return None
    return {"N": str(length)}


def _contains(container: AttributeValue | None, needle: AttributeValue | None) -> bool:
    if container is None or needle is None:
        return False
    kind, needle_kind = type_of(container), type_of(needle)
    if kind == "S":
        return needle_kind == "S" and needle["S"] in container["S"]
    if kind == "B":
        return needle_kind == "B" and _raw(needle) in _raw(container)
    if kind == "L":
        return any(values_equal(element, needle) for element in container["L"])
    if kind in ("SS", "NS", "BS") and needle_kind == kind[0]:
        return next(iter(set_members({kind: [needle[needle_kind]]}))) in set_members(container)
    return False


def _begins_with(value: AttributeValue | None, prefix: AttributeValue | None) -> bool:
    if value is None or prefix is None or type_of(value) != type_of(prefix):
        return False
    if "S" in value:
        return bool(value["S"].startswith(prefix["S"]))
    return "B" in value and _raw(value).startswith(_raw(prefix))


def _attribute_type(value: AttributeValue | None, type_name: AttributeValue | None) -> bool:
    return value is not None and type_name is not None and type_of(value) == type_name.get("S")


def _raw(value: AttributeValue) -> bytes:
    return base64.b64decode(value["B"])


_FUNCTIONS: dict[str, Callable[..., bool]] = {
    "attribute_exists": lambda value: value is not None,
    "attribute_not_exists": lambda value: value is None,
    "attribute_type": _attribute_type,
    "begins_with": _begins_with,
    "contains": _contains,
}
