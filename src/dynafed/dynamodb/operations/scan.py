"""Scan (API reference: Scan): every item of a table or index, a page at a time, optionally
one segment of a parallel scan.

validate (types, constraints, expression/legacy mix, Segment/TotalSegments, Select
combinations, expressions) → in one read snapshot: load the table, authorize `dynamodb:Scan`
on the table or index ARN, resolve the index, check the ExclusiveStartKey → read one page in
storage order, keeping only the items of the requested segment → answer as Query does.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from dynafed.core.authorization import AuthorizationRequest
from dynafed.dynamodb import fgac
from dynafed.dynamodb.context import ITEM_TABLE_NOT_FOUND, OperationContext, find_table
from dynafed.dynamodb.expr import (
    CompiledExpressions,
    check_expression_parameters,
    compile_expressions,
)
from dynafed.dynamodb.keys import check_projected_keys
from dynafed.dynamodb.reads.pages import (
    ReadPlan,
    filter_of,
    projection_of,
    read_page,
    small_page,
)
from dynafed.dynamodb.reads.paging import start_position
from dynafed.dynamodb.reads.segments import check_segments, segment_of
from dynafed.dynamodb.reads.select import check_index_select, choose
from dynafed.dynamodb.reads.targets import resolve
from dynafed.dynamodb.requests import ScanInput
from dynafed.dynamodb.validation import RequestShape, validate_request
from dynafed.dynamodb.validation.model import request_shape
from dynafed.errors import ResourceNotFoundException
from dynafed.storage.port import StoredItem

RUNS_INLINE = small_page
"""On the event loop only with a small Limit (`reads.pages.INLINE_PAGE_LIMIT`): without one
a page may read up to 1 MB (server.dynamodb_endpoint)."""

REQUEST: RequestShape[ScanInput] = RequestShape(request_shape("Scan"))


def run(ctx: OperationContext, body: dict[str, Any]) -> dict[str, Any]:
    request = validate_request(REQUEST, body)
    check_expression_parameters(
        request,
        expression_params=("FilterExpression", "ProjectionExpression"),
        legacy_params=("ScanFilter", "AttributesToGet", "ConditionalOperator"),
    )
    segment, total_segments = request.get("Segment"), request.get("TotalSegments")
    check_segments(segment, total_segments)
    select = choose(request, query=False)
    compiled = compile_expressions(request)
    condition = filter_of(request, compiled, "ScanFilter")
    projection = projection_of(request, compiled)

    name = request["TableName"]
    index_name = request.get("IndexName")
    consistent = request.get("ConsistentRead", False)
    with ctx.storage.read() as view:
        table = find_table(view, ctx.table_key(name))
        resource = ctx.table_arn(name) + ("" if index_name is None else f"/index/{index_name}")
        ctx.authorize([authorization(request, resource, select=select, compiled=compiled)])
        if table is None:
            raise ResourceNotFoundException(ITEM_TABLE_NOT_FOUND)
        target = resolve(table, index_name, consistent=consistent)
        if target.index is not None:
            check_index_select(select, target.index, is_global=target.is_global)
        check_projected_keys(table, projection)
        start = request.get("ExclusiveStartKey")
        position = (
            None
            if start is None
            else start_position(table, target.index, start, detail=target.index is None)
        )
        plan = ReadPlan(target, select, projection, condition, request.get("Limit"), consistent)
        rows = view.scan(target.storage_id, exclusive_start=position)
        if segment is not None and total_segments is not None:
            rows = _in_segment(rows, segment, total_segments)
        return read_page(view, plan, rows, request)


def authorization(
    request: Mapping[str, Any],
    resource: str,
    *,
    select: str,
    compiled: CompiledExpressions | None = None,
) -> AuthorizationRequest:
    """Scan never carries LeadingKeys (it addresses no partition)."""
    return fgac.authorization_request(
        "Scan",
        resource,
        {
            fgac.ATTRIBUTES: fgac.attribute_names(
                request, ("ScanFilter",), ("AttributesToGet",), compiled
            ),
            fgac.SELECT: select,
            fgac.RETURN_CONSUMED_CAPACITY: fgac.consumed_capacity(request),
        },
    )


def _in_segment(rows: Iterator[StoredItem], segment: int, total: int) -> Iterator[StoredItem]:
    return (row for row in rows if segment_of(row.pk, total) == segment)
