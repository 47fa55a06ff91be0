"""What every operation gets to work with: storage, time, ids, identity of the endpoint, and
the caller's authorizer. Operations are plain functions `run(ctx, body) -> dict`."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
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
from dynafed.errors import AwsError, ResourceNotFoundException
from dynafed.storage.port import (
    DocumentChangedError,
    KeyRange,
    LoopReadFailed,
    ReadsOnLoop,
    ReadView,
    Storage,
    StoredItem,
    WriteTxn,
)

T = TypeVar("T")
DEFAULT_STREAM_POLICY = StreamPolicy()


def _new_uuid() -> str:
    return str(uuid.uuid4())


class TableAndItem(NamedTuple):
    table: Table | None
    item: Item | None
    item_read: bool
    """False when `item` was not read: the caller reads it once the key has passed its
    checks against `table`."""


class RangeRead(NamedTuple):
    """The rows a Query reads, as storage addresses them."""

    storage_id: str
    partition: bytes
    key_range: KeyRange
    forward: bool
    exclusive_start_sk: bytes | None


class ReadAheadView:
    """A `ReadView` that answers the one read made ahead (`ItemReadAhead`, `RangeReadAhead`)
    and raises `LoopReadFailed` for any other: its operation then runs again the ordinary
    way. Built only if the table's document is still the one the read was planned against,
    so an operation run on it never needs another read after it authorized."""

    def __init__(
        self,
        seen: bytes,
        stored: bytes | None,
        *,
        item: tuple[tuple[str, bytes, bytes, str, str], Item | None] | None = None,
        rows: tuple[tuple[RangeRead, str, str], list[StoredItem]] | None = None,
    ) -> None:
        if stored != seen:
            raise LoopReadFailed("the table changed since it was last seen")
        self._stored = stored
        self._item = item
        self._rows = rows

    def get_item_and_document(
        self, table_id: str, pk: bytes, sk: bytes, kind: str, name: str
    ) -> tuple[Item | None, bytes | None]:
        if self._item is None or (table_id, pk, sk, kind, name) != self._item[0]:
            raise LoopReadFailed("another read than the one made ahead")
        return self._item[1], self._stored

    def query_and_document(
        self,
        table_id: str,
        pk: bytes,
        key_range: KeyRange,
        *,
        forward: bool,
        exclusive_start_sk: bytes | None,
        kind: str,
        name: str,
    ) -> tuple[Iterator[StoredItem], bytes | None]:
        asked = (RangeRead(table_id, pk, key_range, forward, exclusive_start_sk), kind, name)
        if self._rows is None or asked != self._rows[0]:
            raise LoopReadFailed("another read than the one made ahead")
        return iter(self._rows[1]), self._stored

    def __getattr__(self, name: str) -> Any:
        raise LoopReadFailed(f"{name} was not read ahead")


@dataclass(frozen=True, slots=True)
class ItemReadAhead:
    """A GetItem's read, planned against its table as last seen (`document`)."""

    table_id: str
    pk: bytes
    sk: bytes
    table_key: str
    document: bytes

    async def made(self, reads: ReadsOnLoop) -> ReadAheadView:
        arguments = (self.table_id, self.pk, self.sk, DOCUMENT_KIND, self.table_key)
        item, stored = await reads.item_and_document(*arguments)
        return ReadAheadView(self.document, stored, item=(arguments, item))


@dataclass(frozen=True, slots=True)
class RangeReadAhead:
    """A Query's rows, at most `limit` (its whole page), planned against its table as last
    seen (`document`)."""

    read: RangeRead
    limit: int
    table_key: str
    document: bytes

    async def made(self, reads: ReadsOnLoop) -> ReadAheadView:
        read = self.read
        rows, stored = await reads.rows_and_document(
            read.storage_id,
            read.partition,
            read.key_range,
            forward=read.forward,
            exclusive_start_sk=read.exclusive_start_sk,
            limit=self.limit,
            kind=DOCUMENT_KIND,
            name=self.table_key,
        )
        return ReadAheadView(
            self.document, stored, rows=((read, DOCUMENT_KIND, self.table_key), rows)
        )


ReadAhead = ItemReadAhead | RangeReadAhead
"""A read an operation starts with, made before it runs, on the event loop
(`Storage.reads_on_loop`), where reads wait on the network."""


TABLES_SEEN = 1024
"""Tables whose last-seen document a `TablesSeen` keeps (starting over past it)."""


class TablesSeen:
    """The table documents a DynamoDB service last read, by table key, each with its table.

    Single-item requests use them to skip a read of their own: a read plans its item or rows
    against the table as last seen and reads them in the statement that reads the document
    (`read_with_item`, `read_with_range`); a write is checked against it and its transaction
    reads the document (`OperationContext.against_table`). Either way the stored document
    decides, and what was planned against another one is done again."""

    def __init__(self) -> None:
        self._by_key: dict[str, tuple[bytes, Table]] = {}

    def last_seen(self, table_key: str) -> tuple[bytes, Table] | None:
        """(document, table) as last read under `table_key`, or None."""
        return self._by_key.get(table_key)

    def document_of(self, table: Table) -> bytes | None:
        """The document `table` was read from, if it is still the one last seen under its
        key; None otherwise."""
        seen = self._by_key.get(table.key)
        return seen[0] if seen is not None and seen[1] is table else None

    def remember(self, table_key: str, stored: bytes | None) -> Table | None:
        """The table of the document just read under `table_key`, remembered as last seen."""
        if stored is None:
            self._by_key.pop(table_key, None)
            return None
        table = _table(stored)
        if len(self._by_key) >= TABLES_SEEN:
            self._by_key.clear()
        self._by_key[table_key] = (stored, table)
        return table

    def read(self, view: ReadView, table_key: str) -> Table | None:
        """The table stored under `table_key`, remembered as last seen."""
        return self.remember(table_key, view.get_document_bytes(DOCUMENT_KIND, table_key))

    def read_with_item(self, view: ReadView, table_key: str, key: Item) -> TableAndItem:
        """The table stored under `table_key` and, when it can, the item at `key` in the same
        statement: one round trip for a single-item read instead of two.

        The item's storage key depends on the table's key schema, so the read assumes the
        table as last seen, and checks in the same statement that its document is still the
        stored one; when it is not (the table changed or is gone) the item read is discarded.
        Nothing read is returned before the caller authorizes the request."""
        seen = self._by_key.get(table_key)
        if seen is not None and key_matches_schema(seen[1], key):
            document, table = seen
            item, stored = view.get_item_and_document(
                table.table_id, *storage_key(table, key), DOCUMENT_KIND, table_key
            )
            if stored == document:
                return TableAndItem(table, item, item_read=True)
        else:
            stored = view.get_document_bytes(DOCUMENT_KIND, table_key)
        return TableAndItem(self.remember(table_key, stored), None, item_read=False)

    def item_read_ahead(self, table_key: str, key: Item) -> ItemReadAhead | None:
        """`read_with_item`'s read, planned without a view, if the table was seen."""
        seen = self._by_key.get(table_key)
        if seen is None or not key_matches_schema(seen[1], key):
            return None
        document, table = seen
        return ItemReadAhead(table.table_id, *storage_key(table, key), table_key, document)

    def read_with_range(
        self, view: ReadView, table_key: str, planned: Callable[[Table], RangeRead | None]
    ) -> tuple[Table | None, Iterator[StoredItem] | None]:
        """The table stored under `table_key` and, when it can, the rows `planned(table)`
        names, read with the table's document (`read_with_item`'s way, for a Query): None for
        the rows when they were not read — the caller plans and reads them once its checks
        passed. `planned` returns None for a request it cannot plan against the table it is
        given."""
        seen = self._by_key.get(table_key)
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
        return self.remember(table_key, stored), None


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
    tables_seen: TablesSeen = field(default_factory=TablesSeen)
    """The service's tables as last read (`DynamoDBService` keeps one for all its requests)."""
    tables_as_last_seen: bool = True
    """Whether a single-item write may be prepared against its table as last seen
    (`against_table`); False once the stored table turned out to be another one."""
    may_read: bool = True
    """False while a write is prepared on the event loop over a storage whose reads wait on
    the network: a read it would need raises `ReadNeeded` instead of stalling the loop."""

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

    def against_table(self, name: str, prepare: Callable[[Table | None, bool], T]) -> T:
        """`prepare(table, as_last_seen)`: a single-item write checked and authorized against
        the table `name` names, up to its transaction.

        Every write's transaction reads its table's document anyway (`current_table`), so
        the checks before it use the table as last seen (`tables_seen`; `as_last_seen`
        True), without a read of their own; the transaction raises `TableChanged` if another
        table is stored by then. An error against the table as last seen stands if that is
        still the stored table, and is decided again against the stored one if not; a
        request against a table the service has not seen reads it first."""
        key = self.table_key(name)
        seen = self.tables_seen.last_seen(key) if self.tables_as_last_seen else None
        if seen is None:
            stored = self._table_document(key)
        else:
            document, table = seen
            try:
                return prepare(table, True)
            except AwsError as error:
                if not self.may_read:  # the caller decides whether the error stands
                    raise ReadNeeded(key, seen=document, error=error) from None
                stored = self._table_document(key)
                if stored == document:
                    raise
        return prepare(self.tables_seen.remember(key, stored), False)

    def _table_document(self, key: str) -> bytes | None:
        if not self.may_read:
            raise ReadNeeded(key)
        with self.storage.read() as view:
            return view.get_document_bytes(DOCUMENT_KIND, key)


class ReadNeeded(Exception):
    """Preparing a write needs a read of table `key` that may not be made where it is being
    prepared (`OperationContext.may_read`). With `error`: the write failed against the
    table as last seen (document `seen`), and the error stands if that is still the stored
    table (`DynamoDBService.error_stands`); else, or without one, the operation runs the
    ordinary way, on a worker thread. Never reaches a client."""

    def __init__(
        self, key: str, *, seen: bytes | None = None, error: AwsError | None = None
    ) -> None:
        super().__init__(key)
        self.key = key
        self.seen = seen
        self.error = error


class TableChanged(Exception):
    """A write prepared against its table as last seen found another table stored under the
    name (deleted, or deleted and created again): the request is prepared again from a fresh
    read (`run_write`; the edge for a deferred write). Never reaches a client."""


PREPARED_AGAINST_ANOTHER_TABLE = (TableChanged, DocumentChangedError)
"""What a write's transaction raises when the request must be prepared again from a fresh
read of its table: `TableChanged`, or `DocumentChangedError` from a write that expected its
table's document as last seen instead of reading it (`writes.overwrite`)."""


def run_write(
    ctx: OperationContext, prepare: Callable[[OperationContext], DeferredWrite[Any]]
) -> dict[str, Any]:
    """A single-item write run through: `prepare(ctx)` then its transaction, and once more
    from a fresh read of the table if the transaction found another table or document
    (`PREPARED_AGAINST_ANOTHER_TABLE`)."""
    try:
        return prepare(ctx).run(ctx.storage)
    except PREPARED_AGAINST_ANOTHER_TABLE:
        fresh = replace(ctx, tables_as_last_seen=False)
        return prepare(fresh).run(fresh.storage)


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
