"""On-demand backups of a table: what CreateBackup keeps and the answers that show it.

A backup is one storage document (kind `backup`, name = the backup's ARN, which holds the
region and the table name) with the table's definition as it was, and a copy of every item
under a `table_id` of its own (`backup/<id>`), written in the same transaction that read them,
so a backup is one consistent state of the table. Index entries are not copied: a restore
writes the items through `items.writes.store`, which builds the restored table's indexes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from dynafed.dynamodb.tables import Table
from dynafed.errors import BackupNotFoundException
from dynafed.storage.port import ReadView, WriteTxn

DOCUMENT_KIND = "backup"
USER = "USER"
AVAILABLE = "AVAILABLE"


@dataclass(frozen=True, slots=True)
class Backup:
    arn: str
    name: str
    created_at: float
    items_id: str
    """The `table_id` the copied items are stored under."""
    table: Table
    """The source table's definition when the backup was made."""
    item_count: int
    size_bytes: int

    @property
    def region(self) -> str:
        return self.arn.split(":", 4)[3]

    def to_document(self) -> dict[str, Any]:
        return {
            "arn": self.arn,
            "name": self.name,
            "created_at": self.created_at,
            "items_id": self.items_id,
            "table": self.table.to_document(),
            "item_count": self.item_count,
            "size_bytes": self.size_bytes,
        }

    @classmethod
    def from_document(cls, doc: dict[str, Any]) -> Backup:
        return cls(
            arn=doc["arn"],
            name=doc["name"],
            created_at=doc["created_at"],
            items_id=doc["items_id"],
            table=Table.from_document(doc["table"]),
            item_count=doc["item_count"],
            size_bytes=doc["size_bytes"],
        )


def backup_arn(table: Table, created_at: float, suffix: str) -> str:
    """`<table ARN>/backup/<creation time in ms, 14 digits>-<8 hex digits>`, as AWS names them."""
    return f"{table.arn}/backup/{int(created_at * 1000):014d}-{suffix}"


def find_backup(view: ReadView, arn: str) -> Backup | None:
    doc = view.get_document(DOCUMENT_KIND, arn)
    return None if doc is None else Backup.from_document(doc)


def find_in_region(view: ReadView, arn: str, region: str) -> Backup:
    """The backup `arn` names, if it lives in the request's region (backups are regional);
    BackupNotFoundException otherwise."""
    backup = find_backup(view, arn)
    if backup is None or backup.region != region:
        raise BackupNotFoundException(f"Backup not found: {arn}")
    return backup


def copy_items(txn: WriteTxn, source_id: str, target_id: str) -> None:
    """Every item of `source_id` under `target_id`, with its stored size."""
    for row in txn.scan(source_id):
        size = row.size if row.size is not None else 0
        txn.put_item(target_id, row.pk, row.sk, row.item, size)


# --- answers ---------------------------------------------------------------------------------


def details(backup: Backup, status: str = AVAILABLE) -> dict[str, Any]:
    """`BackupDetails`."""
    return {
        "BackupArn": backup.arn,
        "BackupName": backup.name,
        "BackupSizeBytes": backup.size_bytes,
        "BackupStatus": status,
        "BackupType": USER,
        "BackupCreationDateTime": backup.created_at,
    }


def summary(backup: Backup) -> dict[str, Any]:
    """One `BackupSummaries` entry of ListBackups."""
    return {
        "TableName": backup.table.name,
        "TableId": backup.table.table_id,
        "TableArn": backup.table.arn,
        "BackupArn": backup.arn,
        "BackupName": backup.name,
        "BackupCreationDateTime": backup.created_at,
        "BackupStatus": AVAILABLE,
        "BackupType": USER,
        "BackupSizeBytes": backup.size_bytes,
    }


def description(backup: Backup, status: str = AVAILABLE) -> dict[str, Any]:
    """`BackupDescription`: the backup, its source table and that table's features."""
    table = backup.table
    source: dict[str, Any] = {
        "TableName": table.name,
        "TableId": table.table_id,
        "TableArn": table.arn,
        "TableSizeBytes": backup.size_bytes,
        "KeySchema": table.key_schema.to_wire(),
        "TableCreationDateTime": table.created_at,
        "ProvisionedThroughput": {
            "ReadCapacityUnits": table.throughput.read,
            "WriteCapacityUnits": table.throughput.write,
        },
        "ItemCount": backup.item_count,
        "BillingMode": table.billing_mode,
    }
    features: dict[str, Any] = {}
    if table.local_indexes:
        features["LocalSecondaryIndexes"] = [
            {
                "IndexName": index.name,
                "KeySchema": index.key_schema.to_wire(),
                "Projection": index.projection.to_wire(),
            }
            for index in table.local_indexes
        ]
    if table.global_indexes:
        features["GlobalSecondaryIndexes"] = [
            {
                "IndexName": index.name,
                "KeySchema": index.key_schema.to_wire(),
                "Projection": index.projection.to_wire(),
                "ProvisionedThroughput": {
                    "ReadCapacityUnits": index.throughput.read if index.throughput else 0,
                    "WriteCapacityUnits": index.throughput.write if index.throughput else 0,
                },
            }
            for index in table.global_indexes
        ]
    if table.stream is not None:
        features["StreamDescription"] = {
            "StreamEnabled": True,
            "StreamViewType": table.stream.view_type,
        }
    ttl = table.time_to_live
    features["TimeToLiveDescription"] = (
        {"TimeToLiveStatus": "ENABLED", "AttributeName": ttl.attribute_name}
        if ttl.enabled
        else {"TimeToLiveStatus": "DISABLED"}
    )
    if table.encryption is not None:
        sse: dict[str, Any] = {"Status": "ENABLED", "SSEType": table.encryption.sse_type}
        if table.encryption.kms_key_arn is not None:
            sse["KMSMasterKeyArn"] = table.encryption.kms_key_arn
        features["SSEDescription"] = sse
    return {
        "BackupDetails": details(backup, status),
        "SourceTableDetails": source,
        "SourceTableFeatureDetails": features,
    }
