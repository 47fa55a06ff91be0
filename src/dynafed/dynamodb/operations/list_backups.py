"""ListBackups (API reference: ListBackups): the region's backups, oldest first, filtered by
table, creation time (lower bound inclusive, upper bound exclusive) and type, a page at a
time. Every backup dynafed makes is a USER backup."""

from __future__ import annotations

from typing import Any

from dynafed.dynamodb import backups, fgac
from dynafed.dynamodb.context import OperationContext
from dynafed.dynamodb.requests import ListBackupsInput
from dynafed.dynamodb.validation import RequestShape, validate_request
from dynafed.dynamodb.validation.model import request_shape
from dynafed.errors import ValidationException

DEFAULT_LIMIT = 100

RUNS_INLINE = False
"""Reads every backup document of the server: on a worker thread (server.dynamodb_endpoint)."""

REQUEST: RequestShape[ListBackupsInput] = RequestShape(request_shape("ListBackups"))


def run(ctx: OperationContext, body: dict[str, Any]) -> dict[str, Any]:
    request = validate_request(REQUEST, body)
    ctx.authorize(fgac.control_plane("ListBackups", "*"))
    lower = _time(request.get("TimeRangeLowerBound"), "TimeRangeLowerBound")
    upper = _time(request.get("TimeRangeUpperBound"), "TimeRangeUpperBound")
    table = request.get("TableName")
    table_key = None if table is None else ctx.table_key(table)
    wanted_type = request.get("BackupType", backups.USER)
    with ctx.storage.read() as view:
        found = [
            backups.Backup.from_document(doc)
            for _, doc in view.list_documents(backups.DOCUMENT_KIND)
        ]
    listed = sorted(
        (
            backup
            for backup in found
            if backup.region == ctx.region
            and (table_key is None or backup.table.key == table_key)
            and (lower is None or backup.created_at >= lower)
            and (upper is None or backup.created_at < upper)
            and wanted_type in (backups.USER, "ALL")
        ),
        key=lambda backup: (backup.created_at, backup.arn),
    )
    start = request.get("ExclusiveStartBackupArn")
    if start is not None:
        arns = [backup.arn for backup in listed]
        listed = listed[arns.index(start) + 1 :] if start in arns else []
    limit = request.get("Limit", DEFAULT_LIMIT)
    page = listed[:limit]
    result: dict[str, Any] = {"BackupSummaries": [backups.summary(b) for b in page]}
    if len(listed) > limit:
        result["LastEvaluatedBackupArn"] = page[-1].arn
    return result


def _time(value: object, member: str) -> float | None:
    """A time bound as the SDKs send it: seconds since the epoch, a JSON number."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValidationException(f"{member} must be a timestamp (seconds since the epoch)")
    return float(value)
