"""THE expression engine, pure: one lexer, one parser, one AST for every expression kind
(condition, filter, key condition, update, projection) and for the legacy parameters.

Typical use by an operation:

    compiled = compile_expressions(request)          # validates, resolves placeholders
    if compiled.condition and not compiled.condition.evaluate(old_item): ...
    new_item = compiled.update.apply(old_item or key)
    clauses = compiled.key_clauses                   # Query: then bind_key_condition(...)
"""

from dynafed.dynamodb.expr.compiled import (
    Condition,
    Projection,
    Update,
    check_scalar_key_paths,
)
from dynafed.dynamodb.expr.errors import Kind
from dynafed.dynamodb.expr.keycondition import (
    KeyClause,
    KeyCondition,
    KeySchema,
    SortCondition,
    bind_key_condition,
)
from dynafed.dynamodb.expr.legacy import (
    check_expression_parameters,
    condition_from_expected,
    condition_from_filter,
    key_clauses_from_legacy,
    projection_from_attributes_to_get,
    update_from_attribute_updates,
)
from dynafed.dynamodb.expr.projection import project
from dynafed.dynamodb.expr.request import CompiledExpressions, compile_expressions

__all__ = [
    "CompiledExpressions",
    "Condition",
    "KeyClause",
    "KeyCondition",
    "KeySchema",
    "Kind",
    "Projection",
    "SortCondition",
    "Update",
    "bind_key_condition",
    "check_expression_parameters",
    "check_scalar_key_paths",
    "compile_expressions",
    "condition_from_expected",
    "condition_from_filter",
    "key_clauses_from_legacy",
    "project",
    "projection_from_attributes_to_get",
    "update_from_attribute_updates",
]
