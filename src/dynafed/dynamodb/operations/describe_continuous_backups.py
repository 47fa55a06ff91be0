"""DescribeContinuousBackups (API reference: DescribeContinuousBackups). Continuous backups
are always on, as on AWS; point-in-time recovery is what UpdateContinuousBackups set, with
the window a restore may reach. The latest restorable time is now: every acknowledged write
is already in the recovery log (AWS says about five minutes ago)."""

from __future__ import annotations

from typing import Any

from dynafed.dynamodb import fgac, point_in_time
from dynafed.dynamodb.context import OperationContext
from dynafed.dynamodb.requests import DescribeContinuousBackupsInput
from dynafed.dynamodb.validation import RequestShape, validate_request
from dynafed.dynamodb.validation.model import request_shape
from dynafed.errors import TableNotFoundException

RUNS_INLINE = True
"""One table document: small and bounded, so it may run on the event loop."""

REQUEST: RequestShape[DescribeContinuousBackupsInput] = RequestShape(
    request_shape("DescribeContinuousBackups")
)


def run(ctx: OperationContext, body: dict[str, Any]) -> dict[str, Any]:
    request = validate_request(REQUEST, body)
    name = request["TableName"]
    ctx.authorize(fgac.control_plane("DescribeContinuousBackups", ctx.table_arn(name)))
    table = ctx.find_table(name)
    if table is None:
        raise TableNotFoundException(f"Table not found: {name}")
    return {"ContinuousBackupsDescription": point_in_time.description(table, ctx.clock.now())}
