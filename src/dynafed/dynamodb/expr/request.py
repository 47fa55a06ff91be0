"""Compiling the expressions of one request, in DynamoDB's validation order.

1. the ExpressionAttributeNames / ExpressionAttributeValues maps themselves;
2. each expression present, in the order UpdateExpression, ConditionExpression,
   KeyConditionExpression, FilterExpression, ProjectionExpression: empty or over 4 KB,
   then parse (syntax, redundant parentheses) and text-only checks, both cached by text,
   then resolution against this request's names and values;
3. names and values no expression used;
4. the shape of the KeyConditionExpression (only `=` on the partition key, ...).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import orjson

from dynafed.dynamodb.expr import ast
from dynafed.dynamodb.expr.checks import check_condition, check_projection, check_update
from dynafed.dynamodb.expr.compiled import Condition, Projection, Update
from dynafed.dynamodb.expr.errors import (
    EMPTY,
    TOO_LONG,
    TOO_MANY_OPERATORS,
    ExpressionError,
    Kind,
    invalid,
)
from dynafed.dynamodb.expr.keycondition import KeyClause, key_clauses
from dynafed.dynamodb.expr.parser import Parser
from dynafed.dynamodb.expr.placeholders import check_all_used, check_names, check_values
from dynafed.dynamodb.expr.resolve import MAX_OPERATORS, Resolver
from dynafed.dynamodb.values import check_string_field

MAX_EXPRESSION_LENGTH = 4096
PARSE_CACHE_SIZE = 4096
COMPILE_CACHE_SIZE = 4096

_ORDER = (Kind.UPDATE, Kind.CONDITION, Kind.KEY_CONDITION, Kind.FILTER, Kind.PROJECTION)


@dataclass(frozen=True, slots=True)
class CompiledExpressions:
    """The expressions of one request, validated and resolved; absent ones are None."""

    update: Update | None = None
    condition: Condition | None = None
    key_condition: Condition | None = None
    key_clauses: dict[str, KeyClause] | None = None
    filter: Condition | None = None
    projection: Projection | None = None

    _names: frozenset[str] | None = field(default=None, init=False, repr=False, compare=False)

    @property
    def attribute_names(self) -> frozenset[str]:
        """Top-level attribute names any of the expressions reference (worked out once:
        compiled expressions are cached and serve many requests)."""
        names = self._names
        if names is None:
            parts = (self.update, self.condition, self.key_condition, self.filter, self.projection)
            names = frozenset().union(*(part.attribute_names for part in parts if part))
            object.__setattr__(self, "_names", names)
        return names


def compile_expressions(params: Mapping[str, Any]) -> CompiledExpressions:
    """Validate and resolve the expression parameters of a request (or of one transaction
    item): `params` holds any of UpdateExpression, ConditionExpression,
    KeyConditionExpression, FilterExpression, ProjectionExpression,
    ExpressionAttributeNames and ExpressionAttributeValues. Raises ValidationException.

    Results are cached by those seven members: clients send the same projection or key
    condition with every request, and resolving it cost more than the read it shapes.
    Requests with an UpdateExpression are not cached (an update copies its values into the
    item it writes; a cached value must never be shared with an item)."""
    if params.keys().isdisjoint(_EXPRESSION_MEMBERS):
        return _NO_EXPRESSIONS  # most requests carry none: skip the work
    key = _cache_key(params)
    if key is None:
        return _compile(params)
    cached = _compiled_cache.get(key)
    if cached is None:
        cached = _compile(params)  # raises for invalid input: errors are never cached
        if len(_compiled_cache) >= COMPILE_CACHE_SIZE:
            _compiled_cache.clear()
        _compiled_cache[key] = cached
    return cached


_compiled_cache: dict[tuple[Any, ...], CompiledExpressions] = {}

_EXPRESSION_MEMBERS = (
    "UpdateExpression",
    "ConditionExpression",
    "KeyConditionExpression",
    "FilterExpression",
    "ProjectionExpression",
    "ExpressionAttributeNames",
    "ExpressionAttributeValues",
)
_NO_EXPRESSIONS = CompiledExpressions()


def _cache_key(params: Mapping[str, Any]) -> tuple[Any, ...] | None:
    """Everything `_compile` reads of `params`, hashable; None: do not cache."""
    if params.get("UpdateExpression") is not None:
        return None
    names = params.get("ExpressionAttributeNames")
    values = params.get("ExpressionAttributeValues")
    try:
        key = (
            params.get("ConditionExpression"),
            params.get("KeyConditionExpression"),
            params.get("FilterExpression"),
            params.get("ProjectionExpression"),
            None if names is None else tuple(names.items()),
            None if values is None else orjson.dumps(values),
        )
        hash(key)
    except (TypeError, AttributeError, orjson.JSONEncodeError):
        return None  # not the shapes a valid request has: `_compile` reports the error
    return key


def _compile(params: Mapping[str, Any]) -> CompiledExpressions:
    names = check_names(params.get("ExpressionAttributeNames"))
    values = check_values(params.get("ExpressionAttributeValues"))
    resolver = Resolver(names, values)
    compiled: dict[Kind, Any] = {}
    for kind in _ORDER:
        text = params.get(kind.value)
        if text is None:
            continue
        check_string_field(text)
        try:
            _check_length(kind, text)
            compiled[kind] = _resolve(kind, parse(kind, text), resolver)
        except ExpressionError as error:
            raise invalid(kind, error) from None
        except RecursionError:
            # Only nesting far beyond what 300 operators allow gets here (e.g. hundreds of
            # nested function calls); refuse it as DynamoDB's operator limit would.
            overflow = ExpressionError(TOO_MANY_OPERATORS, operator_count=MAX_OPERATORS + 1)
            raise invalid(kind, overflow) from None
    check_all_used("ExpressionAttributeNames", names, resolver.used_names)
    check_all_used("ExpressionAttributeValues", values, resolver.used_values)
    key_condition = compiled.get(Kind.KEY_CONDITION)
    return CompiledExpressions(
        update=compiled.get(Kind.UPDATE),
        condition=compiled.get(Kind.CONDITION),
        key_condition=key_condition,
        key_clauses=key_clauses(key_condition.node) if key_condition else None,
        filter=compiled.get(Kind.FILTER),
        projection=compiled.get(Kind.PROJECTION),
    )


def _check_length(kind: Kind, text: str) -> None:
    if len(text) == 0:
        raise ExpressionError(EMPTY)
    if len(text) > MAX_EXPRESSION_LENGTH:
        # Only conditions and filters report the size (observed on DynamoDB).
        if kind in (Kind.CONDITION, Kind.FILTER):
            raise ExpressionError(TOO_LONG, expression_size=len(text))
        raise ExpressionError(TOO_LONG)


def _resolve(kind: Kind, parsed: Any, resolver: Resolver) -> Condition | Update | Projection:
    resolver.operators = 0
    if kind is Kind.UPDATE:
        return Update(resolver.update(parsed))
    if kind is Kind.PROJECTION:
        return Projection(resolver.projection(parsed))
    return Condition(resolver.condition(parsed))


@lru_cache(maxsize=PARSE_CACHE_SIZE)
def parse(kind: Kind, text: str) -> ast.Condition | ast.UpdateExpr | ast.ProjectionExpr:
    """Parse an expression and run the checks that depend only on its text (cached)."""
    parser = Parser(text)
    if kind is Kind.UPDATE:
        update = parser.update()
        check_update(update)
        return update
    if kind is Kind.PROJECTION:
        projection = parser.projection()
        check_projection(projection)
        return projection
    condition = parser.condition()
    check_condition(condition)
    return condition
