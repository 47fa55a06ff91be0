"""UpdateContinuousBackups (API reference: UpdateContinuousBackups): switches a table's
point-in-time recovery on (taking its base copy in the same transaction) or off (dropping
what it kept), and sets `RecoveryPeriodInDays` (1–35, default 35)."""

from __future__ import annotations

from typing import Any

from dynafed.dynamodb import fgac, point_in_time
from dynafed.dynamodb.context import OperationContext, find_table
from dynafed.dynamodb.requests import UpdateContinuousBackupsInput
from dynafed.dynamodb.tables import DOCUMENT_KIND, Table
from dynafed.dynamodb.validation import RequestShape, validate_request
from dynafed.dynamodb.validation.model import request_shape
from dynafed.errors import TableNotFoundException, ValidationException
from dynafed.storage.port import WriteTxn

RUNS_INLINE = False
"""Switching recovery on copies the table: never on the event loop."""

REQUEST: RequestShape[UpdateContinuousBackupsInput] = RequestShape(
    request_shape("UpdateContinuousBackups")
)


def run(ctx: OperationContext, body: dict[str, Any]) -> dict[str, Any]:
    request = validate_request(REQUEST, body)
    name = request["TableName"]
    spec = request["PointInTimeRecoverySpecification"]
    enabled = spec["PointInTimeRecoveryEnabled"]
    period = spec.get("RecoveryPeriodInDays")
    if period is not None and not enabled:
        raise ValidationException(
            "RecoveryPeriodInDays cannot be specified when PointInTimeRecoveryEnabled is false"
        )
    ctx.authorize(fgac.control_plane("UpdateContinuousBackups", ctx.table_arn(name)))
    now = ctx.clock.now()

    def update(txn: WriteTxn) -> Table:
        table = find_table(txn, ctx.table_key(name))
        if table is None:
            raise TableNotFoundException(f"Table not found: {name}")
        if enabled:
            kept = table.point_in_time.period_days if table.point_in_time else None
            days = period or kept or point_in_time.DEFAULT_PERIOD_DAYS
            changed = point_in_time.switched_on(txn, table, now, days)
        else:
            changed = point_in_time.switched_off(txn, table)
        txn.put_document(DOCUMENT_KIND, changed.key, changed.to_document())
        return changed

    table = ctx.storage.write(update)
    return {"ContinuousBackupsDescription": point_in_time.description(table, now)}
