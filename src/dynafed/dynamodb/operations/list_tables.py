"""ListTables (API reference: ListTables): table names in order, a page at a time."""

from __future__ import annotations

from typing import Any

from dynafed.dynamodb import fgac
from dynafed.dynamodb.context import OperationContext
from dynafed.dynamodb.requests import ListTablesInput
from dynafed.dynamodb.tables import DOCUMENT_KIND
from dynafed.dynamodb.validation import RequestShape, validate_request
from dynafed.dynamodb.validation.model import request_shape

DEFAULT_LIMIT = 100

RUNS_INLINE = True
"""At most 100 table names: small and bounded, so it may run on the event loop
(server.dynamodb_endpoint)."""

REQUEST: RequestShape[ListTablesInput] = RequestShape(request_shape("ListTables"))


def run(ctx: OperationContext, body: dict[str, Any]) -> dict[str, Any]:
    request = validate_request(REQUEST, body)
    ctx.authorize(fgac.control_plane("ListTables", "*"))
    with ctx.storage.read() as view:
        prefix = ctx.table_key("")
        names = [
            key[len(prefix) :]
            for key, _ in view.list_documents(DOCUMENT_KIND)
            if key.startswith(prefix)
        ]
    start = request.get("ExclusiveStartTableName")
    if start is not None:
        names = [name for name in names if name > start]
    limit = request.get("Limit", DEFAULT_LIMIT)
    page = names[:limit]
    result: dict[str, Any] = {"TableNames": page}
    if len(names) > limit:
        result["LastEvaluatedTableName"] = page[-1]
    return result
