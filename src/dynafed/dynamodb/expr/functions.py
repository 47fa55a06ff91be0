"""The function and operator table: arity, operand types and result types.

Mirrors DynamoDB's operator definitions ("Comparison operator and function reference",
"Update expressions"): which operand types each operator accepts (a literal of another type
is refused when the request is validated), how many operands it takes, and whether its first
operand must differ from the others.
"""

from __future__ import annotations

from dataclasses import dataclass

ALL = frozenset({"S", "N", "B", "BOOL", "NULL", "SS", "NS", "BS", "L", "M"})
ORDERED = frozenset({"S", "N", "B"})
STRING_BINARY = frozenset({"S", "B"})
ITERABLE = frozenset({"S", "B", "SS", "NS", "BS", "L", "M"})
NUMBER = frozenset({"N"})
LIST = frozenset({"L"})
BOOLEAN = frozenset({"BOOL"})

# DynamoDB lists type sets in its own (hash) order; these are the orders it prints.
ALL_TYPES_TEXT = "{NS,SS,L,BS,N,M,B,BOOL,NULL,S}"
VALID_TYPES_TEXT = "{B,NULL,SS,BOOL,L,BS,N,NS,S,M}"


@dataclass(frozen=True, slots=True)
class Operator:
    name: str
    arity: int
    operand_types: frozenset[str]
    returns: frozenset[str]
    variadic: bool = False  # arity is a minimum
    distinct_first: bool = False  # first operand may not repeat as a later operand

    def arity_ok(self, count: int) -> bool:
        return count >= self.arity if self.variadic else count == self.arity


def _op(
    name: str, arity: int, types: frozenset[str], returns: frozenset[str], **kw: bool
) -> Operator:
    return Operator(name, arity, types, returns, **kw)


COMPARISON_OPERATORS = {
    symbol: _op(symbol, 2, ALL if symbol in ("=", "<>") else ORDERED, BOOLEAN, distinct_first=True)
    for symbol in ("=", "<>", "<", "<=", ">", ">=")
}
BETWEEN = _op("BETWEEN", 3, ORDERED, BOOLEAN, distinct_first=True)
IN = _op("IN", 1, ALL, BOOLEAN, variadic=True, distinct_first=True)
NOT = _op("NOT", 1, BOOLEAN, BOOLEAN)
AND = _op("AND", 2, BOOLEAN, BOOLEAN)
OR = _op("OR", 2, BOOLEAN, BOOLEAN)
ARITHMETIC = {symbol: _op(symbol, 2, NUMBER, NUMBER) for symbol in ("+", "-")}

CONDITION_FUNCTIONS = {
    "attribute_exists": _op("attribute_exists", 1, ALL, BOOLEAN, distinct_first=True),
    "attribute_not_exists": _op("attribute_not_exists", 1, ALL, BOOLEAN, distinct_first=True),
    "attribute_type": _op("attribute_type", 2, ALL, BOOLEAN, distinct_first=True),
    "begins_with": _op("begins_with", 2, STRING_BINARY, BOOLEAN, distinct_first=True),
    "contains": _op("contains", 2, ALL, BOOLEAN, distinct_first=True),
    "size": _op("size", 1, ITERABLE, NUMBER, distinct_first=True),
}
UPDATE_FUNCTIONS = {
    "if_not_exists": _op("if_not_exists", 2, ALL, ALL),
    "list_append": _op("list_append", 2, LIST, LIST),
}
NESTABLE_IN_CONDITION = frozenset({"size"})
NESTABLE_IN_UPDATE = frozenset({"if_not_exists"})

# Long type names DynamoDB prints for ADD/DELETE operands.
LONG_TYPE_NAMES = {
    "S": "STRING",
    "N": "NUMBER",
    "B": "BINARY",
    "BOOL": "BOOLEAN",
    "NULL": "NULL",
    "L": "LIST",
    "M": "MAP",
    "SS": "STRING_SET",
    "NS": "NUMBER_SET",
    "BS": "BINARY_SET",
}
ADD_OPERAND_TYPES = frozenset({"N", "SS", "NS", "BS"})
DELETE_OPERAND_TYPES = frozenset({"SS", "NS", "BS"})


def types_text(types: frozenset[str]) -> str:
    """How DynamoDB prints a set of possible types: one name, or all of them in braces."""
    if len(types) == 1:
        return next(iter(types))
    return ALL_TYPES_TEXT if types == ALL else "{" + ",".join(sorted(types)) + "}"
