"""DeleteBackup (API reference: DeleteBackup): the backup and its copied items go in one
transaction; the answer describes it with BackupStatus DELETED, as AWS answers."""

from __future__ import annotations

from typing import Any

from dynafed.dynamodb import backups, fgac
from dynafed.dynamodb.context import OperationContext
from dynafed.dynamodb.requests import DeleteBackupInput
from dynafed.dynamodb.validation import RequestShape, validate_request
from dynafed.dynamodb.validation.model import request_shape
from dynafed.storage.port import WriteTxn

RUNS_INLINE = False
"""A write: it waits for its commit, so never on the event loop (server.dynamodb_endpoint)."""

REQUEST: RequestShape[DeleteBackupInput] = RequestShape(request_shape("DeleteBackup"))


def run(ctx: OperationContext, body: dict[str, Any]) -> dict[str, Any]:
    request = validate_request(REQUEST, body)
    arn = request["BackupArn"]
    ctx.authorize(fgac.control_plane("DeleteBackup", arn))

    def delete(txn: WriteTxn) -> backups.Backup:
        backup = backups.find_in_region(txn, arn, ctx.region)
        txn.delete_table_items(backup.items_id)
        txn.delete_document(backups.DOCUMENT_KIND, arn)
        return backup

    backup = ctx.storage.write(delete)
    return {"BackupDescription": backups.description(backup, status="DELETED")}
