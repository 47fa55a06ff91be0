"""A parsed statement to the request of the existing operation that runs it.

- SELECT with `=` on every key attribute and nothing else: GetItem (Key, projection).
- SELECT with `=` on the partition key, AND-ed at the top: Query; the key condition is that
  `=` and at most one sort-key comparison, BETWEEN or begins_with; the rest is the filter.
- SELECT listing partitions instead, with `IN [...]` on the partition key or an OR of
  partition-key equalities (AND-ed at the top like the `=`): one Query per listed value, in
  the order listed, repeats read once (`PartitionLookups`); at most 50 values.
- any other SELECT: Scan, the whole WHERE as the filter (a full table scan).
- INSERT: PutItem with `attribute_not_exists(<partition key>)`; an existing item is a
  DuplicateItem, never replaced.
- UPDATE: UpdateItem; the WHERE must hold `=` on every key attribute (the Key); the rest
  joins `attribute_exists(<partition key>)` as the condition: not an upsert.
- DELETE: DeleteItem, keyed as UPDATE; the condition is
  `attribute_not_exists(<partition key>) OR (rest)`: deleting a missing item is no error.

AWS pages: "PartiQL select/insert/update/delete statements for DynamoDB" (a SELECT without
an equality or IN condition on the partition key is a full table scan, and `OrderID = 100 OR
OrderID = 200` is not one; INSERT of an existing key is DuplicateItemException; UPDATE and
DELETE address exactly one item by its full key); "PartiQL arithmetic, comparison, and
logical operators" (IN takes at most 50 partition-key values, 100 others; its results come in
pages of up to 10 items). The authorization action is the PartiQL one (`Translation.action`);
the operation's own fine-grained keys (LeadingKeys, Attributes, Select, ReturnValues) carry
over unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from dynafed.dynamodb.expr import ast
from dynafed.dynamodb.partiql import statements as st
from dynafed.dynamodb.partiql.render import Placeholders
from dynafed.dynamodb.tables import KeySchema, Table
from dynafed.dynamodb.values import INVALID, type_of
from dynafed.errors import ValidationException

SELECT, INSERT, UPDATE, DELETE = "PartiQLSelect", "PartiQLInsert", "PartiQLUpdate", "PartiQLDelete"
ACTIONS: dict[type, str] = {
    st.Select: SELECT,
    st.Insert: INSERT,
    st.Update: UPDATE,
    st.Delete: DELETE,
}
MISSING_KEY_EQUALITY = "Where clause does not contain a mandatory equality on all key attributes"
KEY_TYPE_MISMATCH = INVALID + "Condition parameter type does not match schema type"
"""Query's answer for a key value of the wrong type: a listed partition's is refused before
any partition is read."""
MAX_PARTITION_VALUES = 50
"""Partition-key values one SELECT may list (AWS: "at max 50 hash attribute values")."""
TOO_MANY_PARTITION_VALUES = (
    "The IN operator on a partition key is provided with too many values; "
    f"the maximum is {MAX_PARTITION_VALUES}"
)
"""AWS documents the limit, not its message: this text is dynafed's."""
_FLIPPED: dict[str, ast.Comparator] = {"=": "=", "<": ">", "<=": ">=", ">": "<", ">=": "<="}


@dataclass(frozen=True, slots=True)
class PartitionLookups:
    """The partitions a SELECT lists (`pk IN [...]`, `pk = a OR pk = b`): it runs as one Query
    per value, each the translation's request with the partition key's value bound to it."""

    placeholder: str
    """The ExpressionAttributeValues name of the partition key's value in the request."""
    values: tuple[ast.AttributeValue, ...]
    """Distinct, in the order the statement lists them."""

    def request(self, template: dict[str, Any], position: int) -> dict[str, Any]:
        """`template` (the translation's request) reading the partition at `position`."""
        values = {**template["ExpressionAttributeValues"], self.placeholder: self.values[position]}
        return {**template, "ExpressionAttributeValues": values}


@dataclass(frozen=True, slots=True)
class Translation:
    operation: str
    """GetItem, Query, Scan, PutItem, UpdateItem or DeleteItem."""
    action: str
    """The IAM action the statement is authorized as: dynamodb:<action>."""
    request: dict[str, Any] = field(default_factory=dict)
    columns: tuple[ast.Path, ...] | None = None
    """A SELECT's projected paths: each answers under its last name (`mymap.nested` →
    `nested`), as DynamoDB's PartiQL does; None for `*` and for writes."""
    lookups: PartitionLookups | None = None
    """A Query over the partitions the SELECT lists; None for every other translation."""

    @property
    def full_table_scan(self) -> bool:
        return self.operation == "Scan"

    @property
    def is_read(self) -> bool:
        return self.action == SELECT


def action_of(statement: st.Statement) -> str:
    return ACTIONS[type(statement)]


def translate(statement: st.Statement, table: Table) -> Translation:
    """The request for `statement` against `table` (which exists)."""
    if isinstance(statement, st.Select):
        return _select(statement, table)
    if statement.target.index is not None:
        raise ValidationException(
            f"{action_of(statement).removeprefix('PartiQL')} statements can not be run on an index"
        )
    if isinstance(statement, st.Insert):
        return _insert(statement, table)
    if isinstance(statement, st.Update):
        return _update(statement, table)
    return _delete(statement, table)


# --- WHERE analysis -------------------------------------------------------------------------


def conjuncts(condition: ast.Condition | None) -> list[ast.Condition]:
    """The top-level AND-ed parts of a WHERE clause."""
    if condition is None:
        return []
    if isinstance(condition, ast.And):
        return conjuncts(condition.left) + conjuncts(condition.right)
    return [condition]


def _attribute(node: ast.Operand) -> str | None:
    if isinstance(node, ast.Path) and len(node.elements) == 1:
        head = node.elements[0]
        return head if isinstance(head, str) else None
    return None


def key_equality(part: ast.Condition, name: str) -> ast.AttributeValue | None:
    """The value `part` pins attribute `name` to, if it is `name = <value>`."""
    if not isinstance(part, ast.Comparison) or part.op != "=":
        return None
    for subject, other in ((part.left, part.right), (part.right, part.left)):
        if _attribute(subject) == name and isinstance(other, ast.Literal):
            return other.value
    return None


def _mentions(part: ast.Condition, name: str) -> bool:
    """Whether `part` is a comparison, BETWEEN or function on attribute `name` itself."""
    if isinstance(part, ast.Comparison):
        return name in (_attribute(part.left), _attribute(part.right))
    if isinstance(part, ast.Between):
        return _attribute(part.subject) == name
    if isinstance(part, ast.FunctionCall) and part.args:
        return _attribute(part.args[0]) == name
    return False


def _sort_key_clause(part: ast.Condition, name: str) -> ast.Condition | None:
    """`part` as a key-condition clause on sort key `name`, or None if Query can't take it."""
    if isinstance(part, ast.Comparison) and part.op in _FLIPPED:
        if _attribute(part.left) == name and isinstance(part.right, ast.Literal):
            return part
        if _attribute(part.right) == name and isinstance(part.left, ast.Literal):
            return ast.Comparison(_FLIPPED[part.op], part.right, part.left)
        return None
    if isinstance(part, ast.Between) and _attribute(part.subject) == name:
        literal = isinstance(part.low, ast.Literal) and isinstance(part.high, ast.Literal)
        return part if literal else None
    if isinstance(part, ast.FunctionCall) and part.name == "begins_with" and len(part.args) == 2:
        first, prefix = part.args
        return part if _attribute(first) == name and isinstance(prefix, ast.Literal) else None
    return None


def _full_key(
    where: ast.Condition | None, schema: KeySchema
) -> tuple[dict[str, Any], list[ast.Condition]]:
    """The Key a write's WHERE pins (`=` on every key attribute) and the other conditions."""
    key: dict[str, Any] = {}
    rest: list[ast.Condition] = []
    for part in conjuncts(where):
        for name in schema.names:
            value = key_equality(part, name)
            if value is not None and name not in key:
                key[name] = value
                break
        else:
            rest.append(part)
    if set(key) != set(schema.names):
        raise ValidationException(MISSING_KEY_EQUALITY)
    return key, rest


def _and_all(parts: list[ast.Condition]) -> ast.Condition | None:
    if not parts:
        return None
    result = parts[0]
    for part in parts[1:]:
        result = ast.And(result, part)
    return result


# --- SELECT ---------------------------------------------------------------------------------


def _select(statement: st.Select, table: Table) -> Translation:
    target = statement.target
    index = None if target.index is None else table.index(target.index)
    schema = table.key_schema if index is None else index.key_schema
    names = Placeholders()
    request: dict[str, Any] = {"TableName": target.table}
    if target.index is not None:
        request["IndexName"] = target.index
    if statement.projection is not None:
        request["ProjectionExpression"] = ", ".join(names.path(p) for p in statement.projection)

    parts = conjuncts(statement.where)
    # A multi-attribute index key is read by a Scan of the index with the WHERE clause as
    # its filter: same items, without a key plan for composite keys.
    multi_attribute = index is not None and index.key_schema.is_multi_attribute
    if (target.index is None or index is not None) and not multi_attribute:
        plan = _key_plan(parts, schema)
        if plan is not None:
            if plan.listed:
                key_type = table.key_type(schema.hash_key)
                if any(type_of(value) != key_type for value in plan.partitions):
                    raise ValidationException(KEY_TYPE_MISMATCH)
            key = plan.key(schema)
            whole_key = len(key) == len(schema.names)
            if target.index is None and not plan.listed and not plan.rest and whole_key:
                request["Key"] = key
                return Translation("GetItem", SELECT, names.into(request), statement.projection)
            partition_key = ast.Path((schema.hash_key,))
            clauses: list[ast.Condition] = [
                ast.Comparison("=", partition_key, ast.Literal(plan.partitions[0]))
            ]
            if plan.sort_clause is not None:
                clauses.append(plan.sort_clause)
            key_condition = _and_all(clauses)
            assert key_condition is not None  # the partition key's `=` at least
            # The partition key's value is the first value the key condition renders.
            placeholder = f":v{len(names.values)}"
            request["KeyConditionExpression"] = names.condition(key_condition)
            filter_ = _and_all(plan.rest)
            if filter_ is not None:
                request["FilterExpression"] = names.condition(filter_)
            if statement.descending:
                request["ScanIndexForward"] = False
            lookups = PartitionLookups(placeholder, plan.partitions) if plan.listed else None
            return Translation("Query", SELECT, names.into(request), statement.projection, lookups)
    if statement.where is not None:
        request["FilterExpression"] = names.condition(statement.where)
    return Translation("Scan", SELECT, names.into(request), statement.projection)


@dataclass(frozen=True, slots=True)
class _KeyPlan:
    partitions: tuple[ast.AttributeValue, ...]
    """The partition-key value of a `=`, or the distinct values an IN or OR lists."""
    listed: bool
    """Whether the partitions were listed (IN, OR): one Query per value."""
    sort_clause: ast.Condition | None
    """The sort-key clause of the key condition, written key-first."""
    rest: list[ast.Condition]
    """The filter's parts."""

    def key(self, schema: KeySchema) -> dict[str, Any]:
        """The key attributes the plan pins with `=` (the whole key: one item)."""
        key = {schema.hash_key: self.partitions[0]}
        if schema.range_key is not None and isinstance(self.sort_clause, ast.Comparison):
            value = key_equality(self.sort_clause, schema.range_key)
            if value is not None:
                key[schema.range_key] = value
        return key


def _key_plan(parts: list[ast.Condition], schema: KeySchema) -> _KeyPlan | None:
    """How a Query reads what the WHERE clause's conjuncts `parts` select, or None when it
    cannot be a Query (no partition-key `=`, IN or OR of `=`, or sort-key conditions a key
    condition cannot express). A partition-key `=` wins over a list of partitions; a second
    partition-key condition is part of the filter."""
    hash_key, range_key = schema.hash_key, schema.range_key
    chosen = _partition_condition(parts, hash_key)
    if chosen is None:
        return None
    position, partitions, listed = chosen
    sort_parts: list[ast.Condition] = []
    rest: list[ast.Condition] = []
    for index, part in enumerate(parts):
        if index == position:
            continue
        if range_key is not None and _mentions(part, range_key):
            sort_parts.append(part)
        else:
            rest.append(part)
    if len(sort_parts) > 1:
        return None
    sort_clause = None
    if sort_parts:
        sort_clause = _sort_key_clause(sort_parts[0], range_key or "")
        if sort_clause is None:
            return None
    return _KeyPlan(partitions, listed, sort_clause, rest)


def _partition_condition(
    parts: list[ast.Condition], hash_key: str
) -> tuple[int, tuple[ast.AttributeValue, ...], bool] | None:
    """(position, partition values, listed) of the conjunct that names the partitions: the
    first partition-key `=`, else the first IN or OR listing partition-key values."""
    for position, part in enumerate(parts):
        value = key_equality(part, hash_key)
        if value is not None:
            return position, (value,), False
    for position, part in enumerate(parts):
        listed = listed_partitions(part, hash_key)
        if listed is not None:
            if len(listed) > MAX_PARTITION_VALUES:
                raise ValidationException(TOO_MANY_PARTITION_VALUES)
            return position, _distinct(listed), True
    return None


def listed_partitions(
    condition: ast.Condition, hash_key: str
) -> tuple[ast.AttributeValue, ...] | None:
    """The partition-key values `condition` lists, as written: `pk IN [v, ...]`, `pk = v`, or
    an OR of those; None if any part of it is something else (then it is a filter)."""
    if isinstance(condition, ast.In):
        options = condition.options
        if _attribute(condition.subject) != hash_key:
            return None
        if not all(isinstance(option, ast.Literal) for option in options):
            return None
        return tuple(option.value for option in options if isinstance(option, ast.Literal))
    if isinstance(condition, ast.Or):
        left = listed_partitions(condition.left, hash_key)
        right = listed_partitions(condition.right, hash_key)
        return None if left is None or right is None else left + right
    value = key_equality(condition, hash_key)
    return None if value is None else (value,)


def _distinct(values: tuple[ast.AttributeValue, ...]) -> tuple[ast.AttributeValue, ...]:
    """`values` without repeats (a partition listed twice is read once), first place kept."""
    seen: list[ast.AttributeValue] = []
    for value in values:
        if value not in seen:
            seen.append(value)
    return tuple(seen)


# --- writes ---------------------------------------------------------------------------------


def _insert(statement: st.Insert, table: Table) -> Translation:
    names = Placeholders()
    condition = f"attribute_not_exists({names.name(table.key_schema.hash_key)})"
    request = {
        "TableName": statement.target.table,
        "Item": statement.item["M"],
        "ConditionExpression": condition,
    }
    return Translation("PutItem", INSERT, names.into(request))


def _update(statement: st.Update, table: Table) -> Translation:
    key, rest = _full_key(statement.where, table.key_schema)
    names = Placeholders()
    request: dict[str, Any] = {"TableName": statement.target.table, "Key": key}
    request["UpdateExpression"] = names.update(statement.actions)
    condition = f"attribute_exists({names.name(table.key_schema.hash_key)})"
    extra = _and_all(rest)
    if extra is not None:
        condition += f" AND ({names.condition(extra)})"
    request["ConditionExpression"] = condition
    if statement.returning is not None:
        request["ReturnValues"] = statement.returning
    return Translation("UpdateItem", UPDATE, names.into(request))


def _delete(statement: st.Delete, table: Table) -> Translation:
    key, rest = _full_key(statement.where, table.key_schema)
    names = Placeholders()
    request: dict[str, Any] = {"TableName": statement.target.table, "Key": key}
    extra = _and_all(rest)
    if extra is not None:
        missing = f"attribute_not_exists({names.name(table.key_schema.hash_key)})"
        request["ConditionExpression"] = f"{missing} OR ({names.condition(extra)})"
    if statement.returning is not None:
        request["ReturnValues"] = statement.returning
    return Translation("DeleteItem", DELETE, names.into(request))
