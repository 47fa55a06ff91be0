"""UpdateTable (API reference: UpdateTable): throughput, billing mode, global secondary
indexes (metadata only until index maintenance lands), stream, deletion protection, class.

Changes apply at once. Like AWS, the answer shows TableStatus UPDATING and, for a throughput
change, still the old capacity units with the new increase/decrease timestamps; DescribeTable
shows the new values.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from dynafed.dynamodb import backfill, fgac
from dynafed.dynamodb.context import OperationContext, find_table, table_not_found
from dynafed.dynamodb.control_plane import schema_rules as rules
from dynafed.dynamodb.control_plane import stored_settings
from dynafed.dynamodb.control_plane.table_description import describe
from dynafed.dynamodb.indexes import storage_id
from dynafed.dynamodb.requests import (
    CreateGlobalSecondaryIndexAction,
    ProvisionedThroughput,
    StreamSpecification,
    UpdateGlobalSecondaryIndexAction,
    UpdateTableInput,
)
from dynafed.dynamodb.streams import lifecycle as stream_lifecycle
from dynafed.dynamodb.streams.model import StreamPolicy
from dynafed.dynamodb.tables import (
    DOCUMENT_KIND,
    PAY_PER_REQUEST,
    PROVISIONED,
    Index,
    Table,
    Throughput,
)
from dynafed.dynamodb.validation import RequestShape, validate_request
from dynafed.dynamodb.validation.common import require_table_name
from dynafed.dynamodb.validation.model import NOT_SERVED, request_shape
from dynafed.errors import LimitExceededException, ResourceNotFoundException, ValidationException
from dynafed.storage.port import WriteTxn

_ONLINE_INDEX_LIMIT = LimitExceededException(
    "Subscriber limit exceeded: Only 1 online index can be created or deleted simultaneously "
    "per table"
)


RUNS_INLINE = False
"""A write: it waits for its commit, so never on the event loop (server.dynamodb_endpoint)."""

REQUEST: RequestShape[UpdateTableInput] = RequestShape(
    request_shape("UpdateTable"), NOT_SERVED["UpdateTable"]
)

_CHANGES = (
    "BillingMode", "ProvisionedThroughput", "GlobalSecondaryIndexUpdates", "StreamSpecification",
    "SSESpecification", "TableClass", "DeletionProtectionEnabled", "OnDemandThroughput",
    "WarmThroughput",
)  # fmt: skip


def run(ctx: OperationContext, body: dict[str, Any]) -> dict[str, Any]:
    request = validate_request(REQUEST, body, precheck=require_table_name)
    _check_request(request)
    name = request["TableName"]
    ctx.authorize(fgac.control_plane("UpdateTable", ctx.table_arn(name)))
    now = ctx.clock.now()
    key = ctx.table_key(name)
    policy = ctx.stream_policy
    description = ctx.storage.write(lambda txn: _update(txn, key, name, request, now, policy))
    return {"TableDescription": description}


def _check_request(request: UpdateTableInput) -> None:
    if not any(
        request.get(change) for change in _CHANGES if change != "DeletionProtectionEnabled"
    ) and ("DeletionProtectionEnabled" not in request):
        raise ValidationException(
            "At least one of ProvisionedThroughput, BillingMode, UpdateStreamEnabled, "
            "GlobalSecondaryIndexUpdates or SSESpecification or ReplicaUpdates is required"
        )
    rules.check_throughput_bounds(request.get("ProvisionedThroughput"))
    seen: set[str] = set()
    for update in request.get("GlobalSecondaryIndexUpdates", []):
        action = update.get("Update") or update.get("Create") or update.get("Delete")
        if action is None:
            raise rules.invalid(
                "One of GlobalSecondaryIndexUpdate.Update, GlobalSecondaryIndexUpdate.Create, "
                "GlobalSecondaryIndexUpdate.Delete must not be null"
            )
        index_name = action["IndexName"]
        if index_name in seen:
            raise rules.invalid(
                "Only one global secondary index update per index is allowed simultaneously. "
                f"Index: {index_name}"
            )
        seen.add(index_name)
        if "Update" in update:
            _check_index_update(index_name, update["Update"])
    online = [u for u in request.get("GlobalSecondaryIndexUpdates", []) if "Update" not in u]
    if len(online) > 1:
        raise _ONLINE_INDEX_LIMIT


def _check_index_update(index_name: str, update: UpdateGlobalSecondaryIndexAction) -> None:
    throughput = update.get("ProvisionedThroughput")
    if throughput is None:
        if "OnDemandThroughput" not in update and "WarmThroughput" not in update:
            raise rules.invalid(
                "One of ProvisionedThroughput, OnDemandThroughput or WarmThroughput must be "
                f"specified for index: {index_name}"
            )
        return
    for member in ("ReadCapacityUnits", "WriteCapacityUnits"):
        if throughput[member] > rules.MAX_CAPACITY_UNITS:
            raise ValidationException(
                f"Given value {throughput[member]} for {member} is out of bounds for index "
                f"{index_name}"
            )


def _update(
    txn: WriteTxn,
    key: str,
    name: str,
    request: UpdateTableInput,
    now: float,
    policy: StreamPolicy,
) -> dict[str, Any]:
    table = find_table(txn, key)
    if table is None:
        raise table_not_found(name)
    updated = _billing(table, request, now)
    updated = _global_indexes(updated, request, now)
    updated = _stream(updated, request.get("StreamSpecification"), now, policy.lanes)
    if "DeletionProtectionEnabled" in request:
        updated = updated.with_changes(deletion_protection=request["DeletionProtectionEnabled"])
    if "TableClass" in request:
        updated = updated.with_changes(table_class=request["TableClass"])
    updated = _stored_settings(updated, request)
    txn.put_document(DOCUMENT_KIND, key, updated.to_document())
    _switch_stream(txn, table, updated, now, policy)
    kept = {index.name for index in updated.global_indexes}
    for index in table.global_indexes:
        if index.name not in kept:
            txn.delete_table_items(storage_id(table, index))
    existed = {index.name for index in table.global_indexes}
    for index in updated.global_indexes:
        if index.name not in existed:
            backfill.schedule(txn, updated, index.name)
    answered = updated.with_changes(throughput=_pending(table.throughput, updated.throughput))
    status = "UPDATING" if _is_structural(request) else "ACTIVE"
    return describe(answered, txn.table_stats(table.table_id), status=status)


def _switch_stream(
    txn: WriteTxn, table: Table, updated: Table, now: float, policy: StreamPolicy
) -> None:
    """The old stream (if any) is disabled and stays readable; a new one gets a new ARN."""
    if table.stream == updated.stream:
        return
    if table.stream is not None:
        stream_lifecycle.close_stream(txn, table.stream.arn, now)
    if updated.stream is not None:
        stream_lifecycle.open_stream(txn, updated, now, policy)


def _is_structural(request: UpdateTableInput) -> bool:
    return any(
        key in request
        for key in (
            "BillingMode",
            "ProvisionedThroughput",
            "GlobalSecondaryIndexUpdates",
            "StreamSpecification",
        )
    )


def _pending(old: Throughput, new: Throughput) -> Throughput:
    """What AWS answers while a capacity change is in flight: old units, new timestamps."""
    return replace(new, read=old.read, write=old.write, decreases_today=old.decreases_today)


def _billing(table: Table, request: UpdateTableInput, now: float) -> Table:
    mode = request.get("BillingMode", table.billing_mode)
    throughput = request.get("ProvisionedThroughput")
    if mode == PAY_PER_REQUEST:
        rules.check_billing(PAY_PER_REQUEST, throughput)
        if table.billing_mode == PAY_PER_REQUEST:
            return table.with_changes(
                billing_mode_given=table.billing_mode_given or "BillingMode" in request
            )
        return table.with_changes(
            billing_mode=PAY_PER_REQUEST,
            billing_mode_given=True,
            pay_per_request_since=now,
            throughput=Throughput(),
            global_indexes=tuple(
                replace(index, throughput=Throughput()) for index in table.global_indexes
            ),
        )
    if table.billing_mode == PAY_PER_REQUEST:
        rules.check_billing(PROVISIONED, throughput)
        assert throughput is not None
        return table.with_changes(
            billing_mode=PROVISIONED,
            billing_mode_given=True,
            throughput=Throughput(
                throughput["ReadCapacityUnits"], throughput["WriteCapacityUnits"]
            ),
        )
    if throughput is None:
        return table.with_changes(
            billing_mode_given=table.billing_mode_given or "BillingMode" in request
        )
    _check_changes(table.throughput, throughput)
    changed = table.throughput.changed_to(
        throughput["ReadCapacityUnits"], throughput["WriteCapacityUnits"], now
    )
    return table.with_changes(
        throughput=changed, billing_mode_given=table.billing_mode_given or "BillingMode" in request
    )


def _check_changes(current: Throughput, requested: ProvisionedThroughput) -> None:
    read, write = requested["ReadCapacityUnits"], requested["WriteCapacityUnits"]
    if (read, write) == (current.read, current.write):
        raise ValidationException(
            "The provisioned throughput for the table will not change. The requested value "
            "equals the current value. "
            f"Current ReadCapacityUnits provisioned for the table: {current.read}. "
            f"Requested ReadCapacityUnits: {read}. "
            f"Current WriteCapacityUnits provisioned for the table: {current.write}. "
            f"Requested WriteCapacityUnits: {write}. "
            "Refer to the Amazon DynamoDB Developer Guide for current limits and how to "
            "request higher limits."
        )


def _global_indexes(table: Table, request: UpdateTableInput, now: float) -> Table:
    updates = request.get("GlobalSecondaryIndexUpdates")
    if not updates:
        _check_index_billing(table)
        return table
    building = [index.name for index in table.global_indexes if index.status == "CREATING"]
    if building and any(
        "Create" in update or update["Delete"]["IndexName"] not in building
        for update in updates
        if "Update" not in update
    ):
        raise _ONLINE_INDEX_LIMIT
    indexes = list(table.global_indexes)
    definitions = dict(table.attribute_types)
    for attribute in request.get("AttributeDefinitions", []):
        definitions.setdefault(attribute["AttributeName"], attribute["AttributeType"])
    for update in updates:
        if "Create" in update:
            indexes.append(_create_index(table, update["Create"], definitions))
        elif "Delete" in update:
            indexes = _without(table, indexes, update["Delete"]["IndexName"])
        else:
            indexes = _with_throughput(table, indexes, update["Update"], now)
    used = set(table.key_schema.names)
    for index in (*table.local_indexes, *indexes):
        used.update(index.key_schema.names)
    attribute_types = {name: kind for name, kind in definitions.items() if name in used}
    updated = table.with_changes(global_indexes=tuple(indexes), attribute_types=attribute_types)
    _check_index_billing(updated)
    return updated


def _check_index_billing(table: Table) -> None:
    if table.billing_mode != PROVISIONED:
        return
    for index in table.global_indexes:
        if index.throughput is None or index.throughput.read == 0:
            raise rules.invalid(f"ProvisionedThroughput must be specified for index: {index.name}")


def _create_index(
    table: Table, wire: CreateGlobalSecondaryIndexAction, definitions: dict[str, str]
) -> Index:
    if table.index(wire["IndexName"]) is not None:
        raise rules.invalid(f"Duplicate index name: {wire['IndexName']}")
    if len(table.global_indexes) >= rules.MAX_GLOBAL_INDEXES:
        raise rules.invalid(
            f"GlobalSecondaryIndex count exceeds the per-table limit of {rules.MAX_GLOBAL_INDEXES}"
        )
    # Backfilled by the background worker (dynafed.dynamodb.backfill), then ACTIVE.
    return replace(rules.global_index(wire, table.billing_mode, definitions), status="CREATING")


def _without(table: Table, indexes: list[Index], name: str) -> list[Index]:
    kept = [index for index in indexes if index.name != name]
    if len(kept) == len(indexes):
        raise ResourceNotFoundException(
            f"Requested resource not found: Index {name} for table {table.name} not found"
        )
    return kept


def _with_throughput(
    table: Table, indexes: list[Index], wire: UpdateGlobalSecondaryIndexAction, now: float
) -> list[Index]:
    name = wire["IndexName"]
    if not any(index.name == name for index in indexes):
        raise ResourceNotFoundException(
            f"Requested resource not found: Index {name} for table {table.name} not found"
        )
    return [
        _updated_index(table, index, wire, now) if index.name == name else index
        for index in indexes
    ]


def _updated_index(
    table: Table, index: Index, wire: UpdateGlobalSecondaryIndexAction, now: float
) -> Index:
    throughput = wire.get("ProvisionedThroughput")
    if throughput is not None:
        if table.billing_mode == PAY_PER_REQUEST:
            raise rules.invalid(
                f"ProvisionedThroughput should not be specified for index: {index.name} when "
                "BillingMode is PAY_PER_REQUEST"
            )
        read, write = throughput["ReadCapacityUnits"], throughput["WriteCapacityUnits"]
        index = replace(
            index, throughput=(index.throughput or Throughput()).changed_to(read, write, now)
        )
    if "OnDemandThroughput" in wire:
        index = replace(index, on_demand=stored_settings.request_limits(wire["OnDemandThroughput"]))
    if "WarmThroughput" in wire:
        index = replace(index, warm=stored_settings.warm_throughput(wire["WarmThroughput"]))
    return index


def _stored_settings(table: Table, request: UpdateTableInput) -> Table:
    """Encryption, on-demand limits and warm throughput: each replaced when given."""
    changes: dict[str, Any] = {}
    if "SSESpecification" in request:
        changes["encryption"] = stored_settings.encryption(
            request["SSESpecification"], table.region, _account_of(table)
        )
    if "OnDemandThroughput" in request:
        changes["on_demand"] = stored_settings.request_limits(request["OnDemandThroughput"])
    if "WarmThroughput" in request:
        changes["warm"] = stored_settings.warm_throughput(request["WarmThroughput"])
    return table.with_changes(**changes) if changes else table


def _account_of(table: Table) -> str:
    return table.arn.split(":", 5)[4]


def _stream(table: Table, spec: StreamSpecification | None, now: float, lanes: int) -> Table:
    if spec is None:
        return table
    if spec["StreamEnabled"]:
        if table.stream is not None:
            raise rules.invalid(f"Table already has an enabled stream: {table.stream.arn}")
        view_type = spec.get("StreamViewType")
        if view_type is None:
            raise rules.invalid("You must specify a StreamViewType when enabling a stream")
        return table.with_changes(
            stream=rules.new_stream(view_type, table.arn, now, lanes), ended_stream=None
        )
    if table.stream is None:
        raise rules.invalid("Table has no stream to disable")
    if spec.get("StreamViewType") is not None:
        raise rules.invalid("StreamViewType cannot be specified when StreamEnabled is false")
    return table.with_changes(stream=None, ended_stream=table.stream)
