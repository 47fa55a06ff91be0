"""DeleteTable (API reference: DeleteTable): the table and all its items go in one
transaction; the answer is the description with TableStatus DELETING, as AWS answers."""

from __future__ import annotations

from typing import Any

from dynafed.dynamodb import fgac
from dynafed.dynamodb.context import OperationContext, find_table, table_not_found
from dynafed.dynamodb.control_plane.table_description import describe
from dynafed.dynamodb.items import writes as item_writes
from dynafed.dynamodb.requests import DeleteTableInput
from dynafed.dynamodb.streams import lifecycle as stream_lifecycle
from dynafed.dynamodb.tables import DOCUMENT_KIND
from dynafed.dynamodb.validation import RequestShape, validate_request
from dynafed.dynamodb.validation.common import require_table_name
from dynafed.dynamodb.validation.model import request_shape
from dynafed.errors import ResourceInUseException, ValidationException
from dynafed.storage.port import WriteTxn

RUNS_INLINE = False
"""A write: it waits for its commit, so never on the event loop (server.dynamodb_endpoint)."""

REQUEST: RequestShape[DeleteTableInput] = RequestShape(request_shape("DeleteTable"))


def run(ctx: OperationContext, body: dict[str, Any]) -> dict[str, Any]:
    request = validate_request(REQUEST, body, precheck=require_table_name)
    name = request["TableName"]
    ctx.authorize(fgac.control_plane("DeleteTable", ctx.table_arn(name)))
    now = ctx.clock.now()
    description = ctx.storage.write(lambda txn: _delete(txn, ctx.table_key(name), name, now))
    return {"TableDescription": description}


def _delete(txn: WriteTxn, key: str, name: str, now: float) -> dict[str, Any]:
    table = find_table(txn, key)
    if table is None:
        raise table_not_found(name)
    if table.deletion_protection:
        raise ValidationException(
            "Resource cannot be deleted as it is currently protected against deletion. "
            "Disable deletion protection first."
        )
    if any(index.status == "CREATING" for index in table.global_indexes):
        raise ResourceInUseException(
            "Attempt to change a resource which is still in use: Cannot delete table while "
            "indexes are being created, updated, or deleted."
        )
    description = describe(table, txn.table_stats(table.table_id), status="DELETING")
    txn.delete_table_items(table.table_id)
    item_writes.drop_all(txn, table)
    if table.stream is not None:  # its records stay readable for 24 hours
        stream_lifecycle.close_stream(txn, table.stream.arn, now)
    txn.delete_document(DOCUMENT_KIND, key)
    return description
