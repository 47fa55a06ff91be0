"""RestoreTableFromBackup (API reference: RestoreTableFromBackup).

A new table (a fresh table id and ARN, created now) with the backup's key schema, indexes,
billing mode, throughput, table class and encryption, each replaced by its override when the
request gives one, and every item of the backup, written through `items.writes.store` so the
restored table's indexes are built in the same transaction. As on AWS, a restore does not
bring back the source's stream, Time to Live, tags or deletion protection. The answer is the
new table's description with TableStatus CREATING and its `RestoreSummary`.

Authorization, as AWS documents for restoring ("Using IAM with DynamoDB backup and
restore"): `dynamodb:RestoreTableFromBackup` on the backup, and the item actions a restore
performs on the target table (PutItem, UpdateItem, DeleteItem, GetItem, Query, Scan,
BatchWriteItem).
"""

from __future__ import annotations

from typing import Any

from dynafed.dynamodb import backups, fgac, restores
from dynafed.dynamodb.context import OperationContext
from dynafed.dynamodb.requests import RestoreTableFromBackupInput
from dynafed.dynamodb.validation import RequestShape, validate_request
from dynafed.dynamodb.validation.model import request_shape
from dynafed.storage.port import WriteTxn

RUNS_INLINE = False
"""Writes every item of a backup: never on the event loop (server.dynamodb_endpoint)."""

REQUEST: RequestShape[RestoreTableFromBackupInput] = RequestShape(
    request_shape("RestoreTableFromBackup")
)


def run(ctx: OperationContext, body: dict[str, Any]) -> dict[str, Any]:
    request = validate_request(REQUEST, body)
    arn = request["BackupArn"]
    target = request["TargetTableName"]
    target_arn = ctx.table_arn(target)
    ctx.authorize(
        [
            *fgac.control_plane("RestoreTableFromBackup", arn),
            *restores.target_authorization(target_arn),
        ]
    )
    now = ctx.clock.now()
    with ctx.storage.read() as view:
        backup = backups.find_in_region(view, arn, ctx.region)
    table = restores.restored_table(ctx, request, backup.table, now)

    def restore(txn: WriteTxn) -> None:
        backups.find_in_region(txn, arn, ctx.region)  # not deleted meanwhile
        restores.insert(txn, table, ((r.pk, r.sk, r.item) for r in txn.scan(backup.items_id)), ctx)

    ctx.storage.write(restore)
    summary = {
        "SourceBackupArn": backup.arn,
        "SourceTableArn": backup.table.arn,
        "RestoreDateTime": backup.created_at,
        "RestoreInProgress": True,
    }
    return {"TableDescription": restores.described(ctx, table, summary)}
