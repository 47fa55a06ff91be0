"""What every operation gets to work with: storage, time, ids, identity of the endpoint, and
the caller's authorizer. Operations are plain functions `run(ctx, body) -> dict`."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Generic, NamedTuple, TypeVar

import orjson

from dynafed.core.authorization import AuthorizationRequest, Authorizer
from dynafed.core.clock import Clock
from dynafed.dynamodb.keys import key_matches_schema, storage_key
from dynafed.dynamodb.streams.model import StreamPolicy
from dynafed.dynamodb.tables import (
    DOCUMENT_KIND,
    Table,
    referenced_table_arn,
    referenced_table_key,
)
from dynafed.dynamodb.values import Item
from dynafed.errors import ResourceNotFoundException
from dynafed.storage.port import KeyRange, ReadView, Storage, StoredItem, WriteTxn

T = TypeVar("T")
DEFAULT_STREAM_POLICY = StreamPolicy()


def _new_uuid() -> str:
    return str(uuid.uuid4())


@dataclass(slots=True)  # treat as immutable; not frozen: built for every request
class OperationContext:
    storage: Storage
    account_id: str
    region: str
    clock: Clock
    authorizer: Authorizer
    new_id: Callable[[], str] = field(default=_new_uuid)
    operations: Mapping[str, Callable[[OperationContext, dict[str, Any]], dict[str, Any]]] = field(
        default_factory=dict
    )
    """The service's registry (`service.OPERATIONS`). Only the PartiQL operations use it: a
    statement runs as the operation it translates to (`partiql.execution`), never by
    importing that operation's module."""
    stream_policy: StreamPolicy = field(default=DEFAULT_STREAM_POLICY)
    """When the shards of streams this request enables roll over (`streams.model`)."""
    endpoint: str = ""
    """The address the request was sent to (its `Host`): DescribeEndpoints answers it."""

    def table_arn(self, name: str) -> str:
        """The ARN of the table a request names (by name or by ARN)."""
        return referenced_table_arn(name, self.region, self.account_id)

    def table_key(self, name: str) -> str:
        """The storage key of the table a request names (by name or by ARN) in the request's
        region."""
        return referenced_table_key(name, self.region, self.account_id)

    def authorize(self, requests: Sequence[AuthorizationRequest]) -> None:
        self.authorizer.authorize(requests)

    def find_table(self, name: str) -> Table | None:
        with self.storage.read() as view:
            return find_table(view, self.table_key(name))


@dataclass(slots=True)  # treat as immutable; not frozen: built for every write
class DeferredWrite(Generic[T]):
    """An operation validated and authorized up to its write: `write` runs in a storage
    write transaction, `finish` turns its result into the answer. Lets the HTTP edge hand
    the write to storage without a thread waiting for the commit (`DynamoDBService.prepare`);
    `run` is the plain blocking path."""

    write: Callable[[WriteTxn], T]
    finish: Callable[[T], dict[str, Any]]

    def run(self, storage: Storage) -> dict[str, Any]:
        return self.finish(storage.write(self.write))


class TableAndItem(NamedTuple):
    table: Table | None
    item: Item | None
    item_read: bool
    """False when `item` was not read: the caller reads it once the key has passed its
    checks against `table`."""


def read_table_and_item(view: ReadView, table_key: str, key: Item) -> TableAndItem:
    """The table stored under `table_key` and, when it can, the item at `key` in the same
    statement: one round trip for a single-item read instead of two.

    The item's storage key depends on the table's key schema, so the read assumes the table
    as this process last saw it, and checks in the same statement that its document is
    still the stored one; when it is not (the table changed or is gone) the item read is
    discarded. Nothing read is returned before the caller authorizes the request."""
    seen = _tables_seen.get(table_key)
    if seen is not None and key_matches_schema(seen[1], key):
        document, table = seen
        item, stored = view.get_item_and_document(
            table.table_id, *storage_key(table, key), DOCUMENT_KIND, table_key
        )
        if stored == document:
            return TableAndItem(table, item, item_read=True)
    else:
        stored = view.get_document_bytes(DOCUMENT_KIND, table_key)
    return TableAndItem(_seen(table_key, stored), None, item_read=False)


class RangeRead(NamedTuple):
    """The rows a Query reads, as storage addresses them."""

    storage_id: str
    partition: bytes
    key_range: KeyRange
    forward: bool
    exclusive_start_sk: bytes | None


def read_table_and_range(
    view: ReadView, table_key: str, planned: Callable[[Table], RangeRead | None]
) -> tuple[Table | None, Iterator[StoredItem] | None]:
    """The table stored under `table_key` and, when it can, the rows `planned(table)` names,
    read with the table's document (`read_table_and_item`'s way, for a Query): None for the
    rows when they were not read — the caller plans and reads them once its checks passed.
    `planned` returns None for a request it cannot plan against the table it is given."""
    seen = _tables_seen.get(table_key)
    read = None if seen is None else planned(seen[1])
    if seen is not None and read is not None:
        document, table = seen
        rows, stored = view.query_and_document(
            read.storage_id,
            read.partition,
            read.key_range,
            forward=read.forward,
            exclusive_start_sk=read.exclusive_start_sk,
            kind=DOCUMENT_KIND,
            name=table_key,
        )
        if stored == document:
            return table, rows
    else:
        stored = view.get_document_bytes(DOCUMENT_KIND, table_key)
    return _seen(table_key, stored), None


def _seen(table_key: str, stored: bytes | None) -> Table | None:
    """The table of the document just read under `table_key`, remembered as last seen."""
    if stored is None:
        _tables_seen.pop(table_key, None)
        return None
    table = _table(stored)
    if len(_tables_seen) >= TABLES_SEEN:
        _tables_seen.clear()
    _tables_seen[table_key] = (stored, table)
    return table


TABLES_SEEN = 1024
"""Tables whose last-seen document this process keeps (starting over past it)."""

_tables_seen: dict[str, tuple[bytes, Table]] = {}


def find_table(view: ReadView, key: str) -> Table | None:
    """The table stored under `key` (`table_key(region, name)`), or None. Read as stored
    bytes: they are the parse cache's key as they are, with no decode and re-encode."""
    stored = view.get_document_bytes(DOCUMENT_KIND, key)
    return None if stored is None else _table(stored)


@lru_cache(maxsize=256)
def _table(document: bytes) -> Table:
    """Tables parsed once per distinct document: every item request reads its table's
    document, and the document changes only when the table does. (`Table` is immutable.)"""
    return Table.from_document(orjson.loads(document))


def table_not_found(name: str) -> ResourceNotFoundException:
    """The control plane's wording; item operations say only "Requested resource not found"."""
    return ResourceNotFoundException(f"Requested resource not found: Table: {name} not found")


ITEM_TABLE_NOT_FOUND = "Requested resource not found"
