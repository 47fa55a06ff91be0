"""Key conditions for Query: from a KeyConditionExpression (or legacy KeyConditions) to the
partition value and the sort-key condition storage can range-scan.

Two steps, in DynamoDB's order: `key_clauses` checks the expression's shape before the
table is known (only `=` on the partition key and `= < <= > >= BETWEEN begins_with` on the
sort key, joined by AND); `bind_key_condition` then checks the clauses against the key
schema.

A global index may have a multi-attribute key: up to four partition-key and four sort-key
attributes (Developer Guide, "Using Global Secondary Indexes", multi-attribute key schema).
A query then gives every partition-key attribute an equality, and sort-key attributes left
to right with no gap: equalities on a prefix of them, and at most the last one it names with
a range condition. The clauses may come in any order.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from dynafed.dynamodb.expr import ast
from dynafed.dynamodb.expr.evaluate import evaluate
from dynafed.dynamodb.values import INVALID, type_of, values_equal
from dynafed.errors import ValidationException

AttributeValue = dict[str, Any]
SortOp = Literal["EQ", "LT", "LE", "GT", "GE", "BETWEEN", "BEGINS_WITH"]

_COMPARATOR_OPS = {"=": "EQ", "<": "LT", "<=": "LE", ">": "GT", ">=": "GE"}
_MIRRORED = {"=": "=", "<": ">", "<=": ">=", ">": "<", ">=": "<="}
_NOT_INDEXABLE = {"NULL", "NOT_NULL", "NE", "CONTAINS", "NOT_CONTAINS", "IN"}
_PREFIX = "Invalid KeyConditionExpression: "


@dataclass(frozen=True, slots=True)
class KeyClause:
    """One condition on one key attribute, in the legacy ComparisonOperator vocabulary."""

    op: str
    values: tuple[AttributeValue, ...]


@dataclass(frozen=True, slots=True)
class KeySchema:
    """A table's or index's key: attribute names and their types (S, N or B). The first
    partition-key and sort-key attributes are named by the four plain fields; the further
    attributes of a multi-attribute index key are `(name, type)` pairs, in KeySchema order."""

    partition_key: str
    partition_type: str
    sort_key: str | None = None
    sort_type: str | None = None
    extra_partition: tuple[tuple[str, str], ...] = ()
    extra_sort: tuple[tuple[str, str], ...] = ()

    @property
    def partition_keys(self) -> tuple[tuple[str, str], ...]:
        return ((self.partition_key, self.partition_type), *self.extra_partition)

    @property
    def sort_keys(self) -> tuple[tuple[str, str], ...]:
        if self.sort_key is None or self.sort_type is None:
            return ()
        return ((self.sort_key, self.sort_type), *self.extra_sort)

    @property
    def is_multi_attribute(self) -> bool:
        return bool(self.extra_partition or self.extra_sort)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(name for name, _ in (*self.partition_keys, *self.sort_keys))


@dataclass(frozen=True, slots=True)
class SortCondition:
    key: str
    op: SortOp
    values: tuple[AttributeValue, ...]

    def node(self) -> ast.Condition:
        path = ast.Path((self.key,))
        literals = tuple(ast.Literal(value) for value in self.values)
        if self.op == "BETWEEN":
            return ast.Between(path, literals[0], literals[1])
        if self.op == "BEGINS_WITH":
            return ast.FunctionCall("begins_with", (path, literals[0]))
        symbol = next(s for s, name in _COMPARATOR_OPS.items() if name == self.op)
        return ast.Comparison(symbol, path, literals[0])  # type: ignore[arg-type]

    def matches(self, value: AttributeValue | None) -> bool:
        """Whether a sort-key value satisfies the condition."""
        return evaluate(self.node(), {self.key: value} if value is not None else {})


@dataclass(frozen=True, slots=True)
class KeyCondition:
    partition_key: str
    partition_value: AttributeValue
    sort: SortCondition | None
    """The condition on the last sort-key attribute the query names (None: no sort key)."""
    extra_partition: tuple[tuple[str, AttributeValue], ...] = ()
    """The further partition-key attributes of a multi-attribute key, each with its value."""
    sort_prefix: tuple[tuple[str, AttributeValue], ...] = ()
    """Multi-attribute sort key: the equalities on the sort-key attributes before `sort`'s."""

    @property
    def partition(self) -> tuple[tuple[str, AttributeValue], ...]:
        """Every partition-key attribute with its value, in KeySchema order."""
        return ((self.partition_key, self.partition_value), *self.extra_partition)

    def matches(self, item: Mapping[str, AttributeValue]) -> bool:
        """Whether an item's key satisfies the condition."""
        for name, expected in (*self.partition, *self.sort_prefix):
            value = item.get(name)
            if value is None or not values_equal(value, expected):
                return False
        return self.sort is None or self.sort.matches(item.get(self.sort.key))


# --- shape of the expression ---------------------------------------------------------------


def key_clauses(condition: ast.Condition) -> dict[str, KeyClause]:
    """The per-key clauses of a resolved KeyConditionExpression."""
    clauses: dict[str, KeyClause] = {}
    _collect(condition, clauses)
    return clauses


def _collect(node: ast.Condition, clauses: dict[str, KeyClause]) -> None:
    if isinstance(node, ast.And):
        _collect(node.left, clauses)
        _collect(node.right, clauses)
        return
    operator = _operator_name(node)
    if operator not in ("BETWEEN", "begins_with", *_COMPARATOR_OPS):
        raise ValidationException(f"Invalid operator used in KeyConditionExpression: {operator}")
    operands = _operands(node)
    if operator in ("BETWEEN", "begins_with") and not isinstance(operands[0], ast.Path):
        raise ValidationException(
            "Invalid condition in KeyConditionExpression: "
            f"{operator} operator must have the key attribute as its first operand"
        )
    name, position = _key_attribute(operands)
    if name in clauses:
        raise ValidationException(
            _PREFIX + "KeyConditionExpressions must only contain one condition per key"
        )
    values = tuple(op.value for op in operands if isinstance(op, ast.Literal))
    clauses[name] = KeyClause(_clause_op(node, position), values)


def _operator_name(node: ast.Condition) -> str:
    if isinstance(node, ast.FunctionCall):
        return node.name
    if isinstance(node, ast.Comparison):
        return node.op
    return {ast.Or: "OR", ast.Not: "NOT", ast.In: "IN", ast.Between: "BETWEEN"}[type(node)]


def _operands(node: ast.Condition) -> tuple[ast.Operand, ...]:
    if isinstance(node, ast.Comparison):
        return (node.left, node.right)
    if isinstance(node, ast.Between):
        return (node.subject, node.low, node.high)
    assert isinstance(node, ast.FunctionCall)
    return node.args


def _key_attribute(operands: tuple[ast.Operand, ...]) -> tuple[str, int]:
    found: tuple[str, int] | None = None
    for position, operand in enumerate(operands):
        if isinstance(operand, ast.Path):
            if found is not None:
                raise ValidationException(
                    "Invalid condition in KeyConditionExpression: Multiple attribute names "
                    "used in one condition"
                )
            if len(operand.elements) > 1:
                raise ValidationException(
                    _PREFIX + "KeyConditionExpressions cannot have conditions on nested attributes"
                )
            found = (str(operand.head), position)
        elif not isinstance(operand, ast.Literal):
            raise ValidationException(
                _PREFIX + "KeyConditionExpressions cannot contain nested operations"
            )
    if found is None:
        raise ValidationException(
            "Invalid condition in KeyConditionExpression: No key attribute specified"
        )
    return found


def _clause_op(node: ast.Condition, position: int) -> str:
    if isinstance(node, ast.Comparison):
        # `:v < sk` means `sk > :v`
        return _COMPARATOR_OPS[node.op if position == 0 else _MIRRORED[node.op]]
    return "BETWEEN" if isinstance(node, ast.Between) else "BEGINS_WITH"


# --- against the key schema ----------------------------------------------------------------


def bind_key_condition(clauses: Mapping[str, KeyClause], schema: KeySchema) -> KeyCondition:
    """Check key clauses against a table's or index's key schema (the messages of Query)."""
    if schema.is_multi_attribute:
        return _bind_multi_attribute(clauses, schema)
    if len(clauses) not in (1, 2):
        raise ValidationException("Conditions can be of length 1 or 2 only")
    keys = [(schema.partition_key, schema.partition_type, True)]
    if schema.sort_key is not None and schema.sort_type is not None:
        keys.append((schema.sort_key, schema.sort_type, False))
    for name, key_type, is_partition in keys:
        if is_partition and len(keys) == 1 and len(clauses) > 1:
            raise ValidationException("Query key condition not supported")
        clause = clauses.get(name)
        if clause is None:
            if is_partition or len(clauses) > 1:
                raise ValidationException(f"Query condition missed key schema element: {name}")
            continue
        if clause.op in _NOT_INDEXABLE:
            raise ValidationException(
                "Attempted conditional constraint is not an indexable operation"
            )
        if any(type_of(value) != key_type for value in clause.values):
            raise ValidationException(
                INVALID + "Condition parameter type does not match schema type"
            )
        if is_partition and clause.op != "EQ":
            raise ValidationException("Query key condition not supported")
    sort = None
    if schema.sort_key is not None and schema.sort_key in clauses:
        clause = clauses[schema.sort_key]
        sort = SortCondition(schema.sort_key, clause.op, clause.values)  # type: ignore[arg-type]
    return KeyCondition(schema.partition_key, clauses[schema.partition_key].values[0], sort)


def _bind_multi_attribute(clauses: Mapping[str, KeyClause], schema: KeySchema) -> KeyCondition:
    """The rules of a multi-attribute index key, checked in this order: each partition-key
    attribute, conditions on attributes outside the key, each sort-key condition's type,
    then the sort-key attributes' left-to-right order.

    Messages: a gap or an early range condition among the sort-key attributes is AWS's
    "RANGE key attributes <a> must have equality conditions specified in the query because a
    condition is present on key attribute <b>" (recorded against AWS by public test
    suites). A missing or unequal attribute of a multi-attribute partition key is worded
    "HASH key attributes <a> must have equality conditions specified in the query": AWS's
    HASH message has been recorded only up to "must have equality conditions". A
    single-attribute partition key keeps the messages of any key."""
    partition = [
        _partition_value(clauses, name, kind, schema) for name, kind in schema.partition_keys
    ]
    known = set(schema.names)
    if any(name not in known for name in clauses):
        missing = next((name for name, _ in schema.sort_keys if name not in clauses), None)
        if missing is not None:
            raise ValidationException(f"Query condition missed key schema element: {missing}")
        raise ValidationException("Query key condition not supported")
    used = [(name, kind) for name, kind in schema.sort_keys if name in clauses]
    for name, kind in used:
        _check_clause(clauses[name], kind)
    _check_sort_order(clauses, schema)
    sort = None
    if used:
        last = used[-1][0]
        sort = SortCondition(last, clauses[last].op, clauses[last].values)  # type: ignore[arg-type]
    prefix = tuple((name, clauses[name].values[0]) for name, _ in used[:-1])
    (first, first_value), *rest = partition
    return KeyCondition(first, first_value, sort, tuple(rest), prefix)


def _partition_value(
    clauses: Mapping[str, KeyClause], name: str, kind: str, schema: KeySchema
) -> tuple[str, AttributeValue]:
    clause = clauses.get(name)
    several = bool(schema.extra_partition)
    if clause is None:
        if several:
            raise ValidationException(_must_be_equal("HASH", name))
        raise ValidationException(f"Query condition missed key schema element: {name}")
    _check_clause(clause, kind)
    if clause.op != "EQ":
        if several:
            raise ValidationException(_must_be_equal("HASH", name))
        raise ValidationException("Query key condition not supported")
    return name, clause.values[0]


def _check_sort_order(clauses: Mapping[str, KeyClause], schema: KeySchema) -> None:
    """Each sort-key attribute a query names needs an equality on every one before it."""
    names = [name for name, _ in schema.sort_keys]
    for position, name in enumerate(names):
        if name not in clauses:
            continue
        for earlier in names[:position]:
            clause = clauses.get(earlier)
            if clause is None or clause.op != "EQ":
                raise ValidationException(
                    _must_be_equal("RANGE", earlier)
                    + f" because a condition is present on key attribute {name}"
                )


def _must_be_equal(key_type: str, name: str) -> str:
    return f"{key_type} key attributes {name} must have equality conditions specified in the query"


def _check_clause(clause: KeyClause, key_type: str) -> None:
    if clause.op in _NOT_INDEXABLE:
        raise ValidationException("Attempted conditional constraint is not an indexable operation")
    if any(type_of(value) != key_type for value in clause.values):
        raise ValidationException(INVALID + "Condition parameter type does not match schema type")
