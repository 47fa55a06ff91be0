"""Query (API reference: Query): the items of one partition of a table or index, in sort-key
order, a page at a time.

validate (types, Limit, constraints, expression/legacy mix, Select combinations, key
condition present, expressions) → in one read snapshot: load the table, authorize
`dynamodb:Query` on the table or index ARN, resolve the index, bind the key condition to its
key schema, check the filter and the ExclusiveStartKey → read one page in the requested
direction → answer Items/Count/ScannedCount/LastEvaluatedKey/ConsumedCapacity. Where reads
wait on the network, the edge may read a small page first, on its event loop
(`read_ahead`), and run the rest against its rows (`run_on`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from dynafed.core.authorization import AuthorizationRequest
from dynafed.dynamodb import fgac
from dynafed.dynamodb.context import (
    ITEM_TABLE_NOT_FOUND,
    OperationContext,
    RangeRead,
    RangeReadAhead,
)
from dynafed.dynamodb.expr import (
    CompiledExpressions,
    Condition,
    KeyClause,
    Projection,
    bind_key_condition,
    check_expression_parameters,
    compile_expressions,
    key_clauses_from_legacy,
)
from dynafed.dynamodb.keys import canonical_key_text, check_projected_keys
from dynafed.dynamodb.prepared_requests import PreparedRequests
from dynafed.dynamodb.reads.pages import (
    ReadPlan,
    filter_of,
    projection_of,
    read_page,
    small_page,
)
from dynafed.dynamodb.reads.paging import start_position
from dynafed.dynamodb.reads.select import check_index_select, choose
from dynafed.dynamodb.reads.targets import ReadTarget, key_range, partition_of, resolve
from dynafed.dynamodb.requests import QueryInput
from dynafed.dynamodb.tables import Table
from dynafed.dynamodb.validation import RequestShape, validate_request
from dynafed.dynamodb.validation.model import request_shape
from dynafed.dynamodb.values import check_key_not_empty
from dynafed.errors import ResourceNotFoundException, ValidationException
from dynafed.storage.port import ReadView

RUNS_INLINE = small_page
"""On the event loop only with a small Limit (`reads.pages.INLINE_PAGE_LIMIT`): without one
a page may read up to 1 MB (server.dynamodb_endpoint)."""

REQUEST: RequestShape[QueryInput] = RequestShape(request_shape("Query"))


@dataclass(frozen=True, slots=True)
class PreparedQuery:
    """A valid Query request's conclusions that hold for every request of its shape."""

    request: QueryInput
    """The request as validated; its ExpressionAttributeValues are the first request's:
    `values_of` puts the values of the request at hand in."""
    select: str

    def values_of(self, body: dict[str, Any]) -> QueryInput:
        if "ExpressionAttributeValues" not in body:
            return self.request
        request = self.request.copy()
        request["ExpressionAttributeValues"] = body["ExpressionAttributeValues"]
        return request


def prepare_request(body: dict[str, Any]) -> PreparedQuery:
    request = validate_request(REQUEST, body, precheck=_check_limit)
    check_expression_parameters(
        request,
        expression_params=("KeyConditionExpression", "FilterExpression", "ProjectionExpression"),
        legacy_params=("KeyConditions", "QueryFilter", "AttributesToGet", "ConditionalOperator"),
    )
    select = choose(request, query=True)
    if request.get("KeyConditionExpression") is None and request.get("KeyConditions") is None:
        raise ValidationException(
            "Either the KeyConditions or KeyConditionExpression parameter must be specified in "
            "the request."
        )
    compile_expressions(request)  # its errors come before the table's: in this order
    return PreparedQuery(request, select)


PREPARED = PreparedRequests("ExpressionAttributeValues", prepare_request)
"""Query's key values travel in ExpressionAttributeValues: its shape is the rest. (The
expressions are compiled again for each request's values, from `compile_expressions`'s
own cache: what the values make of them, e.g. a BETWEEN's order, is checked each time.)"""


def run(ctx: OperationContext, body: dict[str, Any]) -> dict[str, Any]:
    with ctx.storage.read() as view:
        return run_on(ctx, body, view)


def read_ahead(ctx: OperationContext, body: dict[str, Any]) -> RangeReadAhead | None:
    """The rows of a small page (`small_page`) as `run` would read them with its table's
    document, if they can be read before `run_on`: the table was seen, the request is valid
    against it, and its page is read whole in one go (no items fetched from the table)."""
    if not small_page(body):
        return None
    request, reading = _reading(body)
    table_key = ctx.table_key(request["TableName"])
    seen = ctx.tables_seen.last_seen(table_key)
    if seen is None:
        return None
    document, table = seen
    read = reading.planned_or_none(table)
    if read is None or reading.planned(table)[0].fetches_table_items:
        return None
    return RangeReadAhead(read, body["Limit"], table_key, document)


def run_on(ctx: OperationContext, body: dict[str, Any], view: ReadView) -> dict[str, Any]:
    request, reading = _reading(body)
    name = request["TableName"]
    index_name = request.get("IndexName")
    table, rows = ctx.tables_seen.read_with_range(
        view, ctx.table_key(name), reading.planned_or_none
    )
    target = None if table is None else _target_for_authorization(table, index_name)
    resource = ctx.table_arn(name) + ("" if index_name is None else f"/index/{index_name}")
    ctx.authorize(
        [
            authorization(
                request,
                _hash_key(target),
                resource,
                select=reading.select,
                compiled=reading.compiled,
            )
        ]
    )
    if table is None:
        raise ResourceNotFoundException(ITEM_TABLE_NOT_FOUND)
    plan, read = reading.planned(table)  # its refusals, in order, after authorization
    if rows is None:
        rows = view.query(
            read.storage_id,
            read.partition,
            read.key_range,
            forward=read.forward,
            exclusive_start_sk=read.exclusive_start_sk,
        )
    return read_page(view, plan, rows, request)


def _reading(body: dict[str, Any]) -> tuple[QueryInput, _Reading]:
    prepared = PREPARED.get(body)
    request = prepared.values_of(body)
    compiled = compile_expressions(request)
    clauses = compiled.key_clauses or key_clauses_from_legacy(request["KeyConditions"])
    condition = filter_of(request, compiled, "QueryFilter")
    projection = projection_of(request, compiled)
    return request, _Reading(request, prepared.select, compiled, clauses, condition, projection)


@dataclass(slots=True)
class _Reading:
    """How a valid request reads a table: checked against the table, then planned."""

    request: QueryInput
    select: str
    compiled: CompiledExpressions
    clauses: Mapping[str, KeyClause]
    condition: Condition | None
    projection: Projection | None
    _planned: tuple[Table, ReadPlan, RangeRead] | None = None
    """The last plan and the table it was made for: the table read with the rows is the
    table the rows were planned against, and is planned once."""

    def planned(self, table: Table) -> tuple[ReadPlan, RangeRead]:
        """The page plan and the rows to read; raises what DynamoDB answers for a request
        this table cannot serve (an unknown index, a key condition off its schema, ...)."""
        if self._planned is not None and self._planned[0] is table:
            return self._planned[1], self._planned[2]
        plan, read = self._plan(table)
        self._planned = (table, plan, read)
        return plan, read

    def _plan(self, table: Table) -> tuple[ReadPlan, RangeRead]:
        request = self.request
        consistent = request.get("ConsistentRead", False)
        target = resolve(table, request.get("IndexName"), consistent=consistent)
        if target.index is not None:
            check_index_select(self.select, target.index, is_global=target.is_global)
        key_condition = bind_key_condition(self.clauses, target.key_schema)
        for key, value in key_condition.partition:
            check_key_not_empty(key, value)
        _check_filter_keys(request, target, self.condition)
        check_projected_keys(table, self.projection)
        partition = partition_of(target, key_condition)
        start_sk = _start_sort_key(request, target, partition)
        limit = request.get("Limit")
        plan = ReadPlan(target, self.select, self.projection, self.condition, limit, consistent)
        read = RangeRead(
            target.storage_id,
            partition,
            key_range(target, key_condition.sort, key_condition.sort_prefix),
            request.get("ScanIndexForward", True),
            start_sk,
        )
        return plan, read

    def planned_or_none(self, table: Table) -> RangeRead | None:
        """The rows to read from `table` as this process last saw it, read before the
        request is authorized (and returned only after): None when the request would be
        refused, so that its refusal comes in order."""
        try:
            return self.planned(table)[1]
        except ValidationException:
            return None


def authorization(
    request: Mapping[str, Any],
    hash_key: str | Sequence[str] | None,
    resource: str,
    *,
    select: str,
    compiled: CompiledExpressions | None = None,
) -> AuthorizationRequest:
    """Query: LeadingKeys is the partition-key value of the key condition; on an index,
    `hash_key` is the index's partition key, the value the query addresses (iam-fgac §5.2).
    `select` is the effective Select (explicit, or DynamoDB's default).

    An index with a multi-attribute partition key passes all its partition-key attributes,
    and LeadingKeys then holds each one's value, in KeySchema order. AWS documents no rule
    for this case; its documented rule is that LeadingKeys holds the partition key value(s)
    of the request, and every attribute of a multi-attribute partition key is part of that
    key (a query must give each an equality). Presenting them all means a policy
    `ForAllValues:StringEquals dynamodb:LeadingKeys [${sub}]` admits only queries whose
    every partition-key attribute is the caller's own value: no attribute of the partition
    escapes the policy, which fails closed where the rule is silent. (Presenting only the
    first attribute would let a caller read any partition whose first attribute is theirs,
    whatever the others address.)"""
    hash_keys = (hash_key,) if isinstance(hash_key, str) else hash_key
    return fgac.authorization_request(
        "Query",
        resource,
        {
            fgac.LEADING_KEYS: _key_condition_values(request, hash_keys, compiled),
            fgac.ATTRIBUTES: fgac.attribute_names(
                request, ("KeyConditions", "QueryFilter"), ("AttributesToGet",), compiled
            ),
            fgac.SELECT: select,
            fgac.RETURN_CONSUMED_CAPACITY: fgac.consumed_capacity(request),
        },
    )


def _key_condition_values(
    request: Mapping[str, Any],
    hash_keys: Sequence[str] | None,
    compiled: CompiledExpressions | None,
) -> list[str] | None:
    """The partition values of a KeyConditionExpression or legacy KeyConditions `EQ`, one
    per partition-key attribute; None unless every attribute has one."""
    if not hash_keys:
        return None
    if compiled is None:
        compiled = fgac.compile_for_keys(request)
    clauses = None if compiled is None else compiled.key_clauses
    texts = []
    for hash_key in hash_keys:
        text = _key_condition_value(request, hash_key, clauses)
        if text is None:
            return None
        texts.append(text)
    return texts


def _key_condition_value(
    request: Mapping[str, Any], hash_key: str, clauses: Mapping[str, KeyClause] | None
) -> str | None:
    """The canonical text of one partition-key attribute's `EQ` value, if it has one."""
    if clauses is not None:
        clause = clauses.get(hash_key)
        values = [] if clause is None or clause.op != "EQ" else list(clause.values)
    else:
        key_conditions = request.get("KeyConditions")
        condition = key_conditions.get(hash_key) if isinstance(key_conditions, Mapping) else None
        values = []
        if isinstance(condition, Mapping) and condition.get("ComparisonOperator") == "EQ":
            values = list(condition.get("AttributeValueList") or [])
    if len(values) != 1 or not isinstance(values[0], Mapping):
        return None
    return canonical_key_text(values[0])


def _check_limit(request: dict[str, Any]) -> None:
    """Query words a Limit below one differently from every other operation."""
    limit = request.get("Limit")
    if limit is not None and limit < 1:
        raise ValidationException(
            "1 validation error detected: Value at 'Limit' failed to satisfy constraint: "
            "Member must have value greater than or equal to 1"
        )


def _target_for_authorization(table: Table, index_name: str | None) -> ReadTarget | None:
    """The table or index whose partition key LeadingKeys reads (None: unknown index)."""
    if index_name is None:
        return ReadTarget(table)
    index = table.index(index_name)
    return None if index is None else ReadTarget(table, index)


def _hash_key(target: ReadTarget | None) -> tuple[str, ...] | None:
    if target is None:
        return None
    return tuple(name for name, _ in target.key_schema.partition_keys)


def _check_filter_keys(
    request: QueryInput, target: ReadTarget, condition: Condition | None
) -> None:
    """A query filter may not test the key attributes the key condition is about."""
    if condition is None:
        return
    legacy = request.get("QueryFilter") is not None
    for key in target.key_schema.names:
        if key in condition.attribute_names:
            what = "QueryFilter" if legacy else "Filter Expression"
            raise ValidationException(
                f"{what} can only contain non-primary key attributes: Primary key attribute: {key}"
            )


def _start_sort_key(request: QueryInput, target: ReadTarget, partition: bytes) -> bytes | None:
    start = request.get("ExclusiveStartKey")
    if start is None:
        return None
    pk, sk = start_position(target.table, target.index, start, detail=False)
    if pk != partition:
        raise ValidationException(
            "The provided starting key is outside query boundaries based on provided conditions"
        )
    return sk
