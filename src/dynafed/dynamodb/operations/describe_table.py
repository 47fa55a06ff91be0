"""DescribeTable (API reference: DescribeTable): the table's description, with live item
count and size."""

from __future__ import annotations

from typing import Any

from dynafed.dynamodb import fgac
from dynafed.dynamodb.context import OperationContext, find_table, table_not_found
from dynafed.dynamodb.control_plane.table_description import describe
from dynafed.dynamodb.indexes import all_indexes, storage_id
from dynafed.dynamodb.requests import DescribeTableInput
from dynafed.dynamodb.validation import RequestShape, validate_request
from dynafed.dynamodb.validation.common import require_table_name
from dynafed.dynamodb.validation.model import request_shape

RUNS_INLINE = True
"""One table document and its index statistics: small and bounded, so it may run on the event loop
(server.dynamodb_endpoint)."""

REQUEST: RequestShape[DescribeTableInput] = RequestShape(request_shape("DescribeTable"))


def run(ctx: OperationContext, body: dict[str, Any]) -> dict[str, Any]:
    request = validate_request(REQUEST, body, precheck=require_table_name)
    name = request["TableName"]
    ctx.authorize(fgac.control_plane("DescribeTable", ctx.table_arn(name)))
    with ctx.storage.read() as view:
        table = find_table(view, ctx.table_key(name))
        if table is None:
            raise table_not_found(name)
        stats = view.table_stats(table.table_id)
        index_stats = {
            index.name: view.table_stats(storage_id(table, index)) for index in all_indexes(table)
        }
    return {"Table": describe(table, stats, index_stats=index_stats)}
