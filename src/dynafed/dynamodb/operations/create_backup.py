"""CreateBackup (API reference: CreateBackup): a copy of the table's definition and of every
item, taken in one transaction, so the backup is one consistent state of the table. The
answer says CREATING, as AWS's does; DescribeBackup then says AVAILABLE."""

from __future__ import annotations

import secrets
from typing import Any

from dynafed.dynamodb import backups, fgac
from dynafed.dynamodb.context import OperationContext, find_table
from dynafed.dynamodb.requests import CreateBackupInput
from dynafed.dynamodb.validation import RequestShape, validate_request
from dynafed.dynamodb.validation.model import request_shape
from dynafed.errors import TableNotFoundException
from dynafed.storage.port import WriteTxn

RUNS_INLINE = False
"""Copies every item of a table: never on the event loop (server.dynamodb_endpoint)."""

REQUEST: RequestShape[CreateBackupInput] = RequestShape(request_shape("CreateBackup"))


def run(ctx: OperationContext, body: dict[str, Any]) -> dict[str, Any]:
    request = validate_request(REQUEST, body)
    name = request["TableName"]  # a name or the table's ARN
    ctx.authorize(fgac.control_plane("CreateBackup", ctx.table_arn(name)))
    now = ctx.clock.now()
    suffix = secrets.token_hex(4)
    items_id = f"backup/{ctx.new_id()}"

    def create(txn: WriteTxn) -> backups.Backup:
        table = find_table(txn, ctx.table_key(name))
        if table is None:
            raise TableNotFoundException(f"Table not found: {name}")
        backups.copy_items(txn, table.table_id, items_id)
        stats = txn.table_stats(items_id)
        backup = backups.Backup(
            arn=backups.backup_arn(table, now, suffix),
            name=request["BackupName"],
            created_at=round(now, 3),
            items_id=items_id,
            table=table,
            item_count=stats.item_count,
            size_bytes=stats.size_bytes,
        )
        txn.put_document(backups.DOCUMENT_KIND, backup.arn, backup.to_document())
        return backup

    backup = ctx.storage.write(create)
    return {"BackupDetails": backups.details(backup, status="CREATING")}
