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

from dataclasses import replace
from typing import Any

from dynafed.core.authorization import AuthorizationRequest
from dynafed.dynamodb import backups, fgac
from dynafed.dynamodb.context import OperationContext
from dynafed.dynamodb.control_plane import schema_rules as rules
from dynafed.dynamodb.control_plane import stored_settings
from dynafed.dynamodb.control_plane.table_description import describe
from dynafed.dynamodb.items import writes as item_writes
from dynafed.dynamodb.requests import RestoreTableFromBackupInput
from dynafed.dynamodb.tables import DOCUMENT_KIND, PAY_PER_REQUEST, Index, Table, Throughput
from dynafed.dynamodb.validation import RequestShape, validate_request
from dynafed.dynamodb.validation.model import request_shape
from dynafed.errors import TableAlreadyExistsException
from dynafed.storage.port import WriteTxn

RUNS_INLINE = False
"""Writes every item of a backup: never on the event loop (server.dynamodb_endpoint)."""

REQUEST: RequestShape[RestoreTableFromBackupInput] = RequestShape(
    request_shape("RestoreTableFromBackup")
)

ITEM_ACTIONS = ("PutItem", "UpdateItem", "DeleteItem", "GetItem", "Query", "Scan", "BatchWriteItem")
"""What a restore does to its target table, each authorized on the target's ARN."""


def run(ctx: OperationContext, body: dict[str, Any]) -> dict[str, Any]:
    request = validate_request(REQUEST, body)
    arn = request["BackupArn"]
    target = request["TargetTableName"]
    target_arn = ctx.table_arn(target)
    ctx.authorize(
        [
            *fgac.control_plane("RestoreTableFromBackup", arn),
            *(AuthorizationRequest(f"dynamodb:{action}", target_arn) for action in ITEM_ACTIONS),
        ]
    )
    now = ctx.clock.now()
    with ctx.storage.read() as view:
        backup = backups.find_in_region(view, arn, ctx.region)
    table = restored_table(ctx, request, backup, now)

    def restore(txn: WriteTxn) -> None:
        if txn.get_document(DOCUMENT_KIND, table.key) is not None:
            raise TableAlreadyExistsException(f"Table already exists: {target}")
        backups.find_in_region(txn, arn, ctx.region)  # not deleted meanwhile
        txn.put_document(DOCUMENT_KIND, table.key, table.to_document())
        for row in txn.scan(backup.items_id):
            item_writes.store(txn, table, row.pk, row.sk, None, row.item, clock=ctx.clock)

    ctx.storage.write(restore)
    with ctx.storage.read() as view:
        stats = view.table_stats(table.table_id)
    description = describe(table, stats, status="CREATING", index_status="CREATING")
    description["RestoreSummary"] = {
        "SourceBackupArn": backup.arn,
        "SourceTableArn": backup.table.arn,
        "RestoreDateTime": backup.created_at,
        "RestoreInProgress": True,
    }
    return {"TableDescription": description}


def restored_table(
    ctx: OperationContext, request: RestoreTableFromBackupInput, backup: backups.Backup, now: float
) -> Table:
    """The backup's table under its new name, with the request's overrides."""
    source = backup.table
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
