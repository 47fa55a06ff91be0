"""The legacy conditional parameters, translated into the same AST as expressions.

Expected (+ ConditionalOperator), QueryFilter / ScanFilter, KeyConditions, AttributeUpdates
and AttributesToGet ("Legacy conditional parameters" in the Developer Guide), validated
with DynamoDB's messages. The request validator normally checks field types and enum
values first; these functions check them again so malformed input can never crash them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from dynafed.dynamodb.expr import ast
from dynafed.dynamodb.expr.compiled import Condition, Projection, Update
from dynafed.dynamodb.expr.keycondition import KeyClause
from dynafed.dynamodb.values import (
    INVALID,
    check_map_field,
    compare_values,
    type_of,
    validate_attribute_value,
)
from dynafed.errors import SerializationException, ValidationException

AttributeValue = dict[str, Any]

_ARITY: dict[str, tuple[int, int | None]] = {
    "NULL": (0, 0),
    "NOT_NULL": (0, 0),
    "IN": (1, None),
    "BETWEEN": (2, 2),
    **{op: (1, 1) for op in ("EQ", "NE", "LE", "LT", "GE", "GT")},
    **{op: (1, 1) for op in ("CONTAINS", "NOT_CONTAINS", "BEGINS_WITH")},
}
_SCALARS = frozenset({"S", "N", "B"})
_ALLOWED_TYPES: dict[str, frozenset[str]] = {
    "EQ": _SCALARS | {"SS", "NS", "BS"},
    "NE": _SCALARS | {"SS", "NS", "BS"},
    "BEGINS_WITH": frozenset({"S", "B"}),
    **{op: _SCALARS for op in ("LE", "LT", "GE", "GT", "IN", "BETWEEN")},
    **{op: _SCALARS for op in ("CONTAINS", "NOT_CONTAINS")},
}
_SYMBOLS = {"EQ": "=", "NE": "<>", "LE": "<=", "LT": "<", "GE": ">=", "GT": ">"}
_OPERATOR_ENUM = (
    "[IN, NULL, BETWEEN, LT, NOT_CONTAINS, EQ, GT, NOT_NULL, NE, LE, BEGINS_WITH, GE, CONTAINS]"
)


def _specs(conditions: Any) -> list[tuple[str, dict[str, Any]]]:
    """The (attribute, spec) pairs of a legacy map, refusing wrong JSON shapes."""
    return [(name, check_map_field(spec)) for name, spec in check_map_field(conditions).items()]


def _operator(spec: Mapping[str, Any], parameter: str, name: str) -> str:
    """The ComparisonOperator of a spec, checked like DynamoDB's request validator."""
    op = spec.get("ComparisonOperator")
    if op is None:
        raise ValidationException(
            f"1 validation error detected: Value null at '{parameter}.{name}.member."
            "comparisonOperator' failed to satisfy constraint: Member must not be null"
        )
    if op not in _ARITY:
        raise ValidationException(
            f"1 validation error detected: Value '{op}' at '{parameter}.{name}.member."
            "comparisonOperator' failed to satisfy constraint: Member must satisfy enum value "
            f"set: {_OPERATOR_ENUM}"
        )
    return str(op)


def _value_list(spec: Mapping[str, Any]) -> list[Any]:
    values = spec.get("AttributeValueList")
    if values is None:
        return []
    if not isinstance(values, list):
        raise SerializationException("Unexpected field type")
    return values


def check_expression_parameters(
    params: Mapping[str, Any], *, expression_params: Sequence[str], legacy_params: Sequence[str]
) -> None:
    """Refuse mixing expression and legacy parameters, and placeholder maps without
    expressions. E.g. PutItem: expression_params=("ConditionExpression",),
    legacy_params=("Expected", "ConditionalOperator")."""
    present = [name for name in expression_params if params.get(name) is not None]
    if present:
        legacy = [name for name in legacy_params if params.get(name) is not None]
        if "KeyConditions" in legacy and params.get("KeyConditionExpression") is None:
            legacy.remove("KeyConditions")  # Query may pair KeyConditions with expressions
        if legacy:
            raise ValidationException(
                "Can not use both expression and non-expression parameters in the same "
                f"request: Non-expression parameters: {{{', '.join(legacy)}}} "
                f"Expression parameters: {{{', '.join(present)}}}"
            )
    if params.get("ConditionalOperator") is not None:
        _check_conditional_operator(params, legacy_params)
    if params.get("ExpressionAttributeNames") is not None and not present:
        raise ValidationException(
            "ExpressionAttributeNames can only be specified when using expressions"
        )
    value_users = [name for name in expression_params if name != "ProjectionExpression"]
    if (
        params.get("ExpressionAttributeValues") is not None
        and value_users
        and all(params.get(name) is None for name in value_users)
    ):
        verb = "are" if len(value_users) > 1 else "is"
        raise ValidationException(
            "ExpressionAttributeValues can only be specified when using expressions: "
            f"{' and '.join(value_users)} {verb} null"
        )


_CONDITION_MAPS = ("Expected", "QueryFilter", "ScanFilter")


def _check_conditional_operator(params: Mapping[str, Any], legacy_params: Sequence[str]) -> None:
    """A ConditionalOperator needs two or more legacy conditions to combine (DynamoDB refuses
    it otherwise, with these texts, before checking anything else about the conditions)."""
    count = 0
    for name in legacy_params:
        conditions = params.get(name) if name in _CONDITION_MAPS else None
        if isinstance(conditions, Mapping):
            count += len(conditions)
    if count == 0:
        raise ValidationException("ConditionalOperator cannot be used without Filter or Expected")
    if count == 1:
        raise ValidationException(
            "ConditionalOperator can only be used when Filter or Expected has two or more elements"
        )


# --- Expected --------------------------------------------------------------------------------


def condition_from_expected(
    expected: Mapping[str, Any], conditional_operator: str | None = None
) -> Condition | None:
    """The condition of a legacy Expected map; None when the map is empty."""
    clauses = []
    for name, spec in _specs(expected):
        if spec.get("ComparisonOperator") is not None:
            clauses.append(_expected_comparison(name, spec))
        elif spec.get("AttributeValueList") is not None:
            raise ValidationException(
                INVALID + "AttributeValueList can only be used with a ComparisonOperator "
                f"for Attribute: {name}"
            )
        else:
            clauses.append(_expected_exists(name, spec))
    return _combine(clauses, conditional_operator)


def _expected_comparison(name: str, spec: Mapping[str, Any]) -> ast.Condition:
    op = _operator(spec, "expected", name)
    if spec.get("Value") is not None and spec.get("AttributeValueList") is not None:
        raise ValidationException(
            INVALID + f"Value and AttributeValueList cannot be used together for Attribute: {name}"
        )
    if spec.get("Exists") is not None:
        raise ValidationException(
            INVALID + f"Exists and ComparisonOperator cannot be used together for Attribute: {name}"
        )
    values = spec.get("AttributeValueList")
    if values is None:
        values = [spec["Value"]] if spec.get("Value") is not None else None
    elif not isinstance(values, list):
        raise SerializationException("Unexpected field type")
    if values is None and op not in ("NULL", "NOT_NULL"):
        raise ValidationException(
            INVALID + f"Value or AttributeValueList must be used with ComparisonOperator: {op} "
            f"for Attribute: {name}"
        )
    return _clause(name, op, values or [])


def _expected_exists(name: str, spec: Mapping[str, Any]) -> ast.Condition:
    exists = spec.get("Exists")
    value = spec.get("Value")
    if exists is not False and value is None:
        shown = "null" if exists is None else "true"
        raise ValidationException(
            INVALID + f"Value must be provided when Exists is {shown} for Attribute: {name}"
        )
    if exists is False and value is not None:
        raise ValidationException(
            INVALID + f"Value cannot be used when Exists is false for Attribute: {name}"
        )
    path = ast.Path((name,))
    if exists is False:
        return ast.FunctionCall("attribute_not_exists", (path,))
    return ast.Comparison("=", path, ast.Literal(validate_attribute_value(value)))


# --- QueryFilter / ScanFilter / KeyConditions ----------------------------------------------------


def condition_from_filter(
    conditions: Mapping[str, Any],
    conditional_operator: str | None = None,
    parameter: str = "scanFilter",
) -> Condition | None:
    """The condition of a legacy QueryFilter or ScanFilter (`parameter` names it in
    messages: "queryFilter" or "scanFilter"); None when empty."""
    clauses = [
        _clause(name, _operator(spec, parameter, name), _value_list(spec))
        for name, spec in _specs(conditions)
    ]
    return _combine(clauses, conditional_operator)


def key_clauses_from_legacy(key_conditions: Mapping[str, Any]) -> dict[str, KeyClause]:
    """Legacy KeyConditions as key clauses (then `bind_key_condition` checks the schema)."""
    clauses = {}
    for name, spec in _specs(key_conditions):
        op = _operator(spec, "keyConditions", name)
        values = _checked_values(op, _value_list(spec))
        clauses[name] = KeyClause(op, tuple(values))
    return clauses


def _clause(name: str, op: str, raw_values: Sequence[Any]) -> ast.Condition:
    values = [ast.Literal(value) for value in _checked_values(op, raw_values)]
    path = ast.Path((name,))
    if op in _SYMBOLS:
        return ast.Comparison(_SYMBOLS[op], path, values[0])  # type: ignore[arg-type]
    if op == "NULL":
        return ast.FunctionCall("attribute_not_exists", (path,))
    if op == "NOT_NULL":
        return ast.FunctionCall("attribute_exists", (path,))
    if op == "BETWEEN":
        return ast.Between(path, values[0], values[1])
    if op == "IN":
        return ast.In(path, tuple(values))
    function = "begins_with" if op == "BEGINS_WITH" else "contains"
    call = ast.FunctionCall(function, (path, values[0]))
    return ast.Not(call) if op == "NOT_CONTAINS" else call


def _checked_values(op: str, raw_values: Sequence[Any]) -> list[AttributeValue]:
    values = [validate_attribute_value(value) for value in raw_values]
    least, most = _ARITY[op]
    if len(values) < least or (most is not None and len(values) > most):
        raise ValidationException(
            INVALID + f"Invalid number of argument(s) for the {op} ComparisonOperator"
        )
    types = {type_of(value) for value in values}
    if len(types) > 1:
        raise ValidationException(
            INVALID + "AttributeValues inside AttributeValueList must be of same type"
        )
    refused = types - _ALLOWED_TYPES.get(op, frozenset())
    if refused:
        raise ValidationException(
            INVALID + f"ComparisonOperator {op} is not valid for {min(refused)} AttributeValue type"
        )
    if op == "BETWEEN" and (compare_values(values[0], values[1]) or 0) > 0:
        raise ValidationException(
            "The BETWEEN condition was provided a range where the lower bound is greater than "
            "the upper bound"
        )
    return values


def _combine(clauses: list[ast.Condition], conditional_operator: str | None) -> Condition | None:
    if not clauses:
        return None
    node = clauses[0]
    for clause in clauses[1:]:
        node = ast.Or(node, clause) if conditional_operator == "OR" else ast.And(node, clause)
    return Condition(node)


# --- AttributeUpdates and AttributesToGet ----------------------------------------------------


def update_from_attribute_updates(updates: Mapping[str, Any]) -> Update:
    """A legacy AttributeUpdates map as an Update (PUT, ADD, DELETE; PUT by default)."""
    actions = []
    for name, spec in _specs(updates):
        action = spec.get("Action") or "PUT"
        if action not in ("PUT", "ADD", "DELETE"):
            raise ValidationException(
                f"1 validation error detected: Value '{action}' at 'attributeUpdates.{name}."
                "member.action' failed to satisfy constraint: Member must satisfy enum value "
                "set: [ADD, PUT, DELETE]"
            )
        raw = spec.get("Value")
        value = validate_attribute_value(raw) if raw is not None else None
        path = ast.Path((name,))
        if value is None:
            if action != "DELETE":
                raise ValidationException(
                    INVALID + "Only DELETE action is allowed when no attribute value is specified"
                )
            actions.append(ast.UpdateAction("REMOVE", path, None))
            continue
        kind = type_of(value)
        if action == "DELETE" and kind not in ("SS", "NS", "BS"):
            raise ValidationException(
                INVALID + f"DELETE action with value is not supported for the type {kind}"
            )
        if action == "ADD" and kind not in ("L", "SS", "NS", "BS", "N"):
            raise ValidationException(INVALID + f"ADD action is not supported for the type {kind}")
        verb: ast.ActionKind = "SET" if action == "PUT" else "ADD" if action == "ADD" else "DELETE"
        actions.append(ast.UpdateAction(verb, path, ast.Literal(value)))
    return Update(tuple(actions), legacy=True)


def projection_from_attributes_to_get(names: Sequence[str]) -> Projection:
    """AttributesToGet as a projection of top-level attributes."""
    seen: set[str] = set()
    for name in names:
        if name in seen:
            raise ValidationException(INVALID + f"Duplicate value in attribute name: {name}")
        seen.add(name)
    return Projection(tuple(ast.Path((name,)) for name in names))
