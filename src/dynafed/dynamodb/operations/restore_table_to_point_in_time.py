"""RestoreTableToPointInTime (API reference: RestoreTableToPointInTime): a new table holding
the source table's items as they were at `RestoreDateTime` (or now, with
`UseLatestRestorableTime`), which must lie in the source's recovery window
(`point_in_time`); the restored table as `restores` defines it. Authorized as
`dynamodb:RestoreTableToPointInTime` on the source table, with the item actions on the
target (`restores`)."""

from __future__ import annotations

from typing import Any

from dynafed.dynamodb import fgac, point_in_time, restores
from dynafed.dynamodb.context import OperationContext, find_table
from dynafed.dynamodb.requests import RestoreTableToPointInTimeInput
from dynafed.dynamodb.tables import TABLE_ARN, Table
from dynafed.dynamodb.validation import RequestShape, validate_request
from dynafed.dynamodb.validation.model import request_shape
from dynafed.errors import (
    InvalidRestoreTimeException,
    PointInTimeRecoveryUnavailableException,
    SourceTableNotFoundException,
    ValidationException,
)
from dynafed.storage.port import WriteTxn

RUNS_INLINE = False
"""Writes every item of a table: never on the event loop (server.dynamodb_endpoint)."""

REQUEST: RequestShape[RestoreTableToPointInTimeInput] = RequestShape(
    request_shape("RestoreTableToPointInTime")
)


def run(ctx: OperationContext, body: dict[str, Any]) -> dict[str, Any]:
    request = validate_request(REQUEST, body)
    source_name = _source_name(request)
    source_arn = ctx.table_arn(source_name)
    at = _restore_time(request)
    ctx.authorize(
        [
            *fgac.control_plane("RestoreTableToPointInTime", source_arn),
            *restores.target_authorization(ctx.table_arn(request["TargetTableName"])),
        ]
    )
    now = ctx.clock.now()
    source = ctx.find_table(source_name)
    _check_recoverable(source, source_name, at, now)
    assert source is not None
    moment = now if at is None else at
    table = restores.restored_table(ctx, request, source, now)

    def restore(txn: WriteTxn) -> None:
        current = find_table(txn, ctx.table_key(source_name))
        _check_recoverable(current, source_name, at, now)
        assert current is not None
        restores.insert(txn, table, list(point_in_time.state_at(txn, current, moment)), ctx)

    ctx.storage.write(restore)
    summary = {
        "SourceTableArn": source.arn,
        "RestoreDateTime": round(moment, 3),
        "RestoreInProgress": True,
    }
    return {"TableDescription": restores.described(ctx, table, summary)}


def _source_name(request: RestoreTableToPointInTimeInput) -> str:
    arn, name = request.get("SourceTableArn"), request.get("SourceTableName")
    if (arn is None) == (name is None):
        raise ValidationException("Exactly one of SourceTableArn or SourceTableName must be given")
    if arn is not None:
        match = TABLE_ARN.fullmatch(arn)
        if match is None:
            raise ValidationException(f"Invalid SourceTableArn: {arn}")
        return str(arn)  # ctx resolves a table ARN where a name is expected
    return str(name)


def _restore_time(request: RestoreTableToPointInTimeInput) -> float | None:
    """The requested time, or None for the latest restorable time."""
    latest = request.get("UseLatestRestorableTime", False)
    when = request.get("RestoreDateTime")
    if latest and when is not None:
        raise ValidationException(
            "Only one of RestoreDateTime or UseLatestRestorableTime can be specified"
        )
    if not latest and when is None:
        raise ValidationException(
            "Either RestoreDateTime or UseLatestRestorableTime must be specified"
        )
    if when is None:
        return None
    if isinstance(when, bool) or not isinstance(when, int | float):
        raise ValidationException("RestoreDateTime must be a timestamp (seconds since the epoch)")
    return float(when)


def _check_recoverable(table: Table | None, name: str, at: float | None, now: float) -> None:
    if table is None:
        raise SourceTableNotFoundException(f"Source table not found: {name}")
    if table.point_in_time is None:
        raise PointInTimeRecoveryUnavailableException(
            f"Point in time recovery is not enabled for table '{table.name}'"
        )
    if at is not None and not point_in_time.earliest(table, now) <= at <= now:
        raise InvalidRestoreTimeException(
            "RestoreDateTime must be between EarliestRestorableDateTime and "
            "LatestRestorableDateTime"
        )
