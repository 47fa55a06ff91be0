"""TagResource (API reference: TagResource): add or overwrite tags on a table."""

from __future__ import annotations

from typing import Any

from dynafed.dynamodb import fgac
from dynafed.dynamodb.context import OperationContext, find_table
from dynafed.dynamodb.control_plane import resource_arns
from dynafed.dynamodb.requests import TagResourceInput
from dynafed.dynamodb.tables import DOCUMENT_KIND
from dynafed.dynamodb.validation import RequestShape, check_constraints, check_types
from dynafed.dynamodb.validation.model import request_shape
from dynafed.errors import ResourceNotFoundException, ValidationException
from dynafed.storage.port import WriteTxn

RUNS_INLINE = False
"""A write: it waits for its commit, so never on the event loop (server.dynamodb_endpoint)."""

REQUEST: RequestShape[TagResourceInput] = RequestShape(request_shape("TagResource"))


def run(ctx: OperationContext, body: dict[str, Any]) -> dict[str, Any]:
    request = check_types(REQUEST, body)
    resource_arns.require_arn(request)
    arn = request["ResourceArn"]
    ctx.authorize(fgac.control_plane("TagResource", resource_arns.authorization_resource(arn)))
    check_constraints(REQUEST, request)
    key = resource_arns.table_key(ctx, arn)
    tags = {tag["Key"]: tag["Value"] for tag in request["Tags"]}
    if not tags:
        raise ValidationException("Atleast one Tag needs to be provided as Input.")
    ctx.storage.write(lambda txn: _tag(txn, key, arn, tags))
    return {}


def _tag(txn: WriteTxn, key: str | None, arn: str, tags: dict[str, str]) -> None:
    table = None if key is None else find_table(txn, key)
    if table is None:
        raise ResourceNotFoundException(
            f"Requested resource not found: ResourcArn: {arn} not found"
        )
    merged = {**table.tags, **tags}
    txn.put_document(DOCUMENT_KIND, table.key, table.with_changes(tags=merged).to_document())
