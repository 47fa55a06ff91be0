"""The TableDescription structure that CreateTable, DescribeTable, UpdateTable and DeleteTable
answer with (API reference: "TableDescription")."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from dynafed.dynamodb.tables import (
    PAY_PER_REQUEST,
    Encryption,
    Index,
    RequestLimits,
    Table,
    WarmThroughput,
)
from dynafed.storage.port import TableStats

ACTIVE = "ACTIVE"
_EMPTY = TableStats(0, 0)


def describe(
    table: Table,
    stats: TableStats,
    *,
    status: str = ACTIVE,
    index_status: str | None = None,
    index_stats: Mapping[str, TableStats] | None = None,
) -> dict[str, Any]:
    """`index_status` overrides every global index's own status (CreateTable answers
    CREATING); `index_stats` holds each index's entry count and size by index name."""
    index_stats = index_stats or {}
    description: dict[str, Any] = {
        "AttributeDefinitions": [
            {"AttributeName": name, "AttributeType": kind}
            for name, kind in sorted(table.attribute_types.items())
        ],
        "TableName": table.name,
        "KeySchema": table.key_schema.to_wire(),
        "TableStatus": status,
        "CreationDateTime": table.created_at,
        "ProvisionedThroughput": table.throughput.to_wire(),
        "TableSizeBytes": stats.size_bytes,
        "ItemCount": stats.item_count,
        "TableArn": table.arn,
        "TableId": table.table_id,
    }
    if table.billing_mode_given or table.billing_mode == PAY_PER_REQUEST:
        description["BillingModeSummary"] = _billing_mode_summary(table)
    if table.local_indexes:
        description["LocalSecondaryIndexes"] = [
            _describe_local_index(table, index, index_stats.get(index.name, _EMPTY))
            for index in table.local_indexes
        ]
    if table.global_indexes:
        description["GlobalSecondaryIndexes"] = [
            _describe_global_index(
                table, index, index_status or index.status, index_stats.get(index.name, _EMPTY)
            )
            for index in table.global_indexes
        ]
    if table.stream is not None:
        description["StreamSpecification"] = {
            "StreamEnabled": True,
            "StreamViewType": table.stream.view_type,
        }
    latest = table.stream or table.ended_stream
    if latest is not None:
        description["LatestStreamLabel"] = latest.label
        description["LatestStreamArn"] = latest.arn
    if table.table_class is not None:
        description["TableClassSummary"] = {"TableClass": table.table_class}
    if table.encryption is not None:
        description["SSEDescription"] = _sse_description(table.encryption)
    _describe_stored_capacity(description, table.on_demand, table.warm)
    description["DeletionProtectionEnabled"] = table.deletion_protection
    return description


def _sse_description(encryption: Encryption) -> dict[str, Any]:
    described: dict[str, Any] = {"Status": "ENABLED", "SSEType": encryption.sse_type}
    if encryption.kms_key_arn is not None:
        described["KMSMasterKeyArn"] = encryption.kms_key_arn
    return described


def _describe_stored_capacity(
    description: dict[str, Any], on_demand: RequestLimits | None, warm: WarmThroughput | None
) -> None:
    """`OnDemandThroughput` and `WarmThroughput` as they were set (table or index)."""
    if on_demand is not None:
        limits = {
            "MaxReadRequestUnits": on_demand.max_read,
            "MaxWriteRequestUnits": on_demand.max_write,
        }
        description["OnDemandThroughput"] = {k: v for k, v in limits.items() if v is not None}
    if warm is not None:
        units = {"ReadUnitsPerSecond": warm.read, "WriteUnitsPerSecond": warm.write}
        described = {k: v for k, v in units.items() if v is not None}
        description["WarmThroughput"] = {**described, "Status": ACTIVE}


def _billing_mode_summary(table: Table) -> dict[str, Any]:
    summary: dict[str, Any] = {"BillingMode": table.billing_mode}
    if table.pay_per_request_since is not None:
        summary["LastUpdateToPayPerRequestDateTime"] = table.pay_per_request_since
    return summary


def _describe_local_index(table: Table, index: Index, stats: TableStats) -> dict[str, Any]:
    return {
        "IndexName": index.name,
        "KeySchema": index.key_schema.to_wire(),
        "Projection": index.projection.to_wire(),
        "IndexSizeBytes": stats.size_bytes,
        "ItemCount": stats.item_count,
        "IndexArn": table.index_arn(index.name),
    }


def _describe_global_index(
    table: Table, index: Index, status: str, stats: TableStats
) -> dict[str, Any]:
    described: dict[str, Any] = {
        "IndexName": index.name,
        "KeySchema": index.key_schema.to_wire(),
        "Projection": index.projection.to_wire(),
        "IndexStatus": status,
    }
    if index.status == "CREATING" and status == "CREATING":
        # An index added by UpdateTable (not one of CreateTable's) is being backfilled.
        described["Backfilling"] = True
    if index.throughput is not None:
        described["ProvisionedThroughput"] = index.throughput.to_wire()
    _describe_stored_capacity(described, index.on_demand, index.warm)
    described.update(
        {
            "IndexSizeBytes": stats.size_bytes,
            "ItemCount": stats.item_count,
            "IndexArn": table.index_arn(index.name),
        }
    )
    return described
