"""What RestoreTableFromBackup and RestoreTableToPointInTime share: the restored table's
definition with the request's overrides, its authorization, writing it, and the answer.

The restored table is new (a fresh table id and ARN, created now) with the source's key
schema, indexes, billing mode, throughput, table class and encryption, each replaced by its
override when the request gives one (`BillingModeOverride`, `ProvisionedThroughputOverride`,
`GlobalSecondaryIndexOverride`, `LocalSecondaryIndexOverride`, `SSESpecificationOverride`,
`OnDemandThroughputOverride`). As on AWS, a restore brings back no stream, Time to Live,
tags, deletion protection or point-in-time recovery. Its items are written through
`items.writes.store`, so its indexes are built in the same transaction.

Authorization, as AWS documents for restores ("Using IAM with DynamoDB backup and restore"):
the restore action on its source, and the item actions a restore performs on the target
table (PutItem, UpdateItem, DeleteItem, GetItem, Query, Scan, BatchWriteItem).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace
from typing import Any

from dynafed.core.authorization import AuthorizationRequest
from dynafed.dynamodb.context import OperationContext
from dynafed.dynamodb.control_plane import schema_rules as rules
from dynafed.dynamodb.control_plane import stored_settings
from dynafed.dynamodb.control_plane.table_description import describe
from dynafed.dynamodb.items import writes as item_writes
from dynafed.dynamodb.tables import DOCUMENT_KIND, PAY_PER_REQUEST, Index, Table, Throughput
from dynafed.dynamodb.values import Item
from dynafed.errors import TableAlreadyExistsException
from dynafed.storage.port import WriteTxn

ITEM_ACTIONS = ("PutItem", "UpdateItem", "DeleteItem", "GetItem", "Query", "Scan", "BatchWriteItem")
"""What a restore does to its target table, each authorized on the target's ARN."""


def target_authorization(target_arn: str) -> list[AuthorizationRequest]:
    return [AuthorizationRequest(f"dynamodb:{action}", target_arn) for action in ITEM_ACTIONS]


def insert(
    txn: WriteTxn,
    table: Table,
    items: Iterable[tuple[bytes, bytes, Item]],
    ctx: OperationContext,
) -> None:
    """Store the restored table and its items, unless its name is taken."""
    if txn.get_document(DOCUMENT_KIND, table.key) is not None:
        raise TableAlreadyExistsException(f"Table already exists: {table.name}")
    txn.put_document(DOCUMENT_KIND, table.key, table.to_document())
    for pk, sk, item in items:
        item_writes.store(txn, table, pk, sk, None, item, clock=ctx.clock)


def described(ctx: OperationContext, table: Table, summary: dict[str, Any]) -> dict[str, Any]:
    """The answer's TableDescription: CREATING, as AWS answers a restore, with its summary."""
    with ctx.storage.read() as view:
        stats = view.table_stats(table.table_id)
    description = describe(table, stats, status="CREATING", index_status="CREATING")
    description["RestoreSummary"] = summary
    return description


def restored_table(
    ctx: OperationContext, request: Mapping[str, Any], source: Table, now: float
) -> Table:
    """`source` under the request's `TargetTableName`, with the request's overrides."""
    billing_mode = request.get("BillingModeOverride", source.billing_mode)
    throughput_override = request.get("ProvisionedThroughputOverride")
    rules.check_throughput_bounds(throughput_override)
    if billing_mode == PAY_PER_REQUEST:
        rules.check_billing(billing_mode, throughput_override)
        throughput = Throughput()
    elif throughput_override is not None:
        throughput = Throughput(
            throughput_override["ReadCapacityUnits"], throughput_override["WriteCapacityUnits"]
        )
    elif source.billing_mode == PAY_PER_REQUEST:
        rules.check_billing(billing_mode, None)  # PROVISIONED needs its throughput
        throughput = Throughput()
    else:
        throughput = Throughput(source.throughput.read, source.throughput.write)
    definitions = dict(source.attribute_types)
    local = source.local_indexes
    if "LocalSecondaryIndexOverride" in request:
        local = rules.local_indexes(
            request["LocalSecondaryIndexOverride"], source.key_schema, definitions
        )
    global_ = tuple(
        replace(index, status="ACTIVE", throughput=_index_throughput(index, billing_mode))
        for index in source.global_indexes
    )
    if "GlobalSecondaryIndexOverride" in request:
        global_ = rules.global_indexes(
            request["GlobalSecondaryIndexOverride"], billing_mode, definitions
        )
    rules.check_unique_names((*local, *global_))
    encryption = source.encryption
    if "SSESpecificationOverride" in request:
        encryption = stored_settings.encryption(
            request["SSESpecificationOverride"], ctx.region, ctx.account_id
        )
    on_demand = source.on_demand
    if "OnDemandThroughputOverride" in request:
        on_demand = stored_settings.request_limits(request["OnDemandThroughputOverride"])
    name = request["TargetTableName"]
    return Table(
        name=name,
        table_id=ctx.new_id(),
        arn=ctx.table_arn(name),
        created_at=now,
        attribute_types=definitions,
        key_schema=source.key_schema,
        billing_mode=billing_mode,
        billing_mode_given=source.billing_mode_given or "BillingModeOverride" in request,
        pay_per_request_since=now if billing_mode == PAY_PER_REQUEST else None,
        throughput=throughput,
        local_indexes=local,
        global_indexes=global_,
        table_class=source.table_class,
        encryption=encryption,
        on_demand=on_demand,
        warm=source.warm,
    )


def _index_throughput(index: Index, billing_mode: str) -> Throughput:
    if billing_mode == PAY_PER_REQUEST or index.throughput is None:
        return Throughput()
    return Throughput(index.throughput.read, index.throughput.write)
