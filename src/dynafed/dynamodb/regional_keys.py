"""Moving tables stored before tables were regional to their regional keys.

Earlier versions served one region and stored a table's document under its bare name.
Tables are now keyed `<region>/<name>` (`tables.table_key`); a table stored the old way
moves to the region its ARN names, which is the region the server served when the table
was created, with its background jobs (TTL index builds, index backfills). Runs at start in
one write transaction, on every backend; a table already moved is left alone, so running it
again, or from several workers at once, changes nothing.
"""

from __future__ import annotations

from dynafed.dynamodb import backfill, ttl
from dynafed.dynamodb.tables import DOCUMENT_KIND, Table
from dynafed.storage.port import Storage, WriteTxn

JOB_KINDS = (ttl.BUILD_KIND, backfill.DOCUMENT_KIND)


def move_unregioned_tables(storage: Storage) -> int:
    """Move every table stored under a bare name; returns how many moved."""
    with storage.read() as view:
        legacy = [name for name, _ in view.list_documents(DOCUMENT_KIND) if "/" not in name]
    if not legacy:
        return 0
    return storage.write(lambda txn: sum(_move(txn, name) for name in legacy))


def _move(txn: WriteTxn, name: str) -> int:
    document = txn.get_document(DOCUMENT_KIND, name)
    if document is None:
        return 0  # another worker moved it first
    table = Table.from_document(document)
    txn.put_document(DOCUMENT_KIND, table.key, document)
    txn.delete_document(DOCUMENT_KIND, name)
    for kind in JOB_KINDS:
        job = txn.get_document(kind, name)
        if job is not None:
            txn.put_document(kind, table.key, job)
            txn.delete_document(kind, name)
    return 1
