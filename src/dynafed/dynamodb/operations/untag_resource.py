"""UntagResource (API reference: UntagResource): remove tags from a table by key."""

from __future__ import annotations

from typing import Any

from dynafed.dynamodb import fgac
from dynafed.dynamodb.context import OperationContext, find_table
from dynafed.dynamodb.control_plane import resource_arns
from dynafed.dynamodb.requests import UntagResourceInput
from dynafed.dynamodb.tables import DOCUMENT_KIND
from dynafed.dynamodb.validation import RequestShape, check_constraints, check_types
from dynafed.dynamodb.validation.model import request_shape
from dynafed.errors import ResourceNotFoundException, ValidationException
from dynafed.storage.port import WriteTxn

RUNS_INLINE = False
"""A write: it waits for its commit, so never on the event loop (server.dynamodb_endpoint)."""

REQUEST: RequestShape[UntagResourceInput] = RequestShape(request_shape("UntagResource"))


def run(ctx: OperationContext, body: dict[str, Any]) -> dict[str, Any]:
    request = check_types(REQUEST, body)
    resource_arns.require_arn(request)
    arn = request["ResourceArn"]
    ctx.authorize(fgac.control_plane("UntagResource", resource_arns.authorization_resource(arn)))
    check_constraints(REQUEST, request)
    key = resource_arns.table_key(ctx, arn)
    keys = set(request["TagKeys"])
    if not keys:
        raise ValidationException("Atleast one Tag Key needs to be provided as Input.")
    ctx.storage.write(lambda txn: _untag(txn, key, keys))
    return {}


def _untag(txn: WriteTxn, key: str | None, keys: set[str]) -> None:
    table = None if key is None else find_table(txn, key)
    if table is None:
        raise ResourceNotFoundException("Requested resource not found")
    kept = {tag: value for tag, value in table.tags.items() if tag not in keys}
    txn.put_document(DOCUMENT_KIND, table.key, table.with_changes(tags=kept).to_document())
