"""UpdateTimeToLive (API reference: UpdateTimeToLive): switch TTL on or off for a table.

The switch takes effect at once (AWS passes through ENABLING/DISABLING first); the
background sweeper (`dynafed.dynamodb.ttl`) then deletes expired items.
"""

from __future__ import annotations

from typing import Any

from dynafed.dynamodb import fgac
from dynafed.dynamodb import ttl as expiry
from dynafed.dynamodb.context import OperationContext, find_table, table_not_found
from dynafed.dynamodb.requests import UpdateTimeToLiveInput
from dynafed.dynamodb.tables import DOCUMENT_KIND, TimeToLive
from dynafed.dynamodb.validation import RequestShape, validate_request
from dynafed.dynamodb.validation.common import require_table_name
from dynafed.dynamodb.validation.model import request_shape
from dynafed.errors import ValidationException
from dynafed.storage.port import WriteTxn

RUNS_INLINE = False
"""A write: it waits for its commit, so never on the event loop (server.dynamodb_endpoint)."""

REQUEST: RequestShape[UpdateTimeToLiveInput] = RequestShape(request_shape("UpdateTimeToLive"))


def run(ctx: OperationContext, body: dict[str, Any]) -> dict[str, Any]:
    request = validate_request(REQUEST, body, precheck=require_table_name)
    spec = request["TimeToLiveSpecification"]
    if not spec["AttributeName"]:
        raise ValidationException("TimeToLiveSpecification.AttributeName must be non empty")
    name = request["TableName"]
    ctx.authorize(fgac.control_plane("UpdateTimeToLive", ctx.table_arn(name)))
    key = ctx.table_key(name)
    ctx.storage.write(lambda txn: _switch(txn, key, name, spec["Enabled"], spec["AttributeName"]))
    if spec["Enabled"]:
        return {
            "TimeToLiveSpecification": {"AttributeName": spec["AttributeName"], "Enabled": True}
        }
    return {"TimeToLiveSpecification": {"Enabled": False}}


def _switch(txn: WriteTxn, key: str, name: str, enabled: bool, attribute: str) -> None:
    table = find_table(txn, key)
    if table is None:
        raise table_not_found(name)
    if table.time_to_live.enabled == enabled:
        state = "enabled" if enabled else "disabled"
        raise ValidationException(f"TimeToLive is already {state}")
    ttl = TimeToLive(enabled=True, attribute_name=attribute) if enabled else TimeToLive()
    updated = table.with_changes(time_to_live=ttl)
    txn.put_document(DOCUMENT_KIND, key, updated.to_document())
    expiry.switched(txn, updated)  # build (or drop) the index the TTL sweeper reads
