"""DescribeBackup (API reference: DescribeBackup)."""

from __future__ import annotations

from typing import Any

from dynafed.dynamodb import backups, fgac
from dynafed.dynamodb.context import OperationContext
from dynafed.dynamodb.requests import DescribeBackupInput
from dynafed.dynamodb.validation import RequestShape, validate_request
from dynafed.dynamodb.validation.model import request_shape

RUNS_INLINE = True
"""One document: small and bounded, so it may run on the event loop
(server.dynamodb_endpoint)."""

REQUEST: RequestShape[DescribeBackupInput] = RequestShape(request_shape("DescribeBackup"))


def run(ctx: OperationContext, body: dict[str, Any]) -> dict[str, Any]:
    request = validate_request(REQUEST, body)
    arn = request["BackupArn"]
    ctx.authorize(fgac.control_plane("DescribeBackup", arn))
    with ctx.storage.read() as view:
        backup = backups.find_in_region(view, arn, ctx.region)
    return {"BackupDescription": backups.description(backup)}
