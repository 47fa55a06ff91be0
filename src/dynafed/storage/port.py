"""The one narrow interface between the services and a database.

Two namespaces live behind it:
- **items**: DynamoDB items of a table (or of a secondary index), addressed by
  `(table_id, pk, sk)` where `pk`/`sk` are order-preserving byte encodings of the key
  attributes (see `dynafed.dynamodb.keys`). Ordering is plain unsigned byte order, which
  SQLite BLOBs and PostgreSQL `bytea` both provide. `sk` is `b""` for hash-only tables.
  Each item is stored with its DynamoDB size; `table_stats` sums them per `table_id`.
- **documents**: JSON documents addressed by `(kind, name)`: table descriptions, IAM roles,
  policies, providers, signing keys, identity-pool data. Every node of a cluster reads the
  same documents, so no state lives in a server process.

Reads happen in a `ReadView` (`with storage.read() as view: ...`). Every read sees only
committed data, all of a `write(fn)` or none of it, including every write acknowledged
before the read began. `query`/`scan` iterators yield each key once, in order, even if
writers commit while they run. `storage.read(snapshot=True)` also makes the whole block one
consistent state (for reads that must agree with each other, e.g. TransactGetItems); it
can cost round trips on a server database, so plain reads (GetItem, Query, Scan) omit it.
Iterators from `query`/`scan` are valid only inside the block (or inside `fn` for a
`WriteTxn`); consume them there.

Writes happen inside `Storage.write(fn)`, which runs `fn` atomically: every item or document
`fn` reads *by key* (`get_item`, `get_document`) through its `WriteTxn` is a state no other
writer can change before `fn`'s writes commit, and `fn` sees its own writes. That is what
makes a conditional write a single atomic step on every backend. Range reads inside `fn`
(`query`, `scan`, `list_documents`) see committed data and `fn`'s own writes, but a backend
may let another writer insert into the range concurrently (no phantom protection); do not
build a condition on them. `fn` may be retried (serialization conflicts, deadlocks), so it
must not have side effects outside the transaction. If `fn` raises, none of its writes
happen and the exception reaches `write`'s caller. `write` returns only after the commit is
durable. Inside `fn`, read through the `WriteTxn` only: `storage.read()` would not see
`fn`'s writes, and `storage.write()` from inside `fn` is an error.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

T = TypeVar("T")

Item = dict[str, Any]
"""A DynamoDB item in wire form: attribute name -> `{"S": "..."}`-style AttributeValue."""

Document = dict[str, Any]


@dataclass(frozen=True, slots=True)
class KeyRange:
    """Bounds on the sort key inside one partition; `None` means unbounded."""

    low: bytes | None = None
    low_inclusive: bool = True
    high: bytes | None = None
    high_inclusive: bool = True


WHOLE_PARTITION = KeyRange()
"""The unbounded range: every sort key of the partition."""


@dataclass(slots=True)
class StoredItem:
    """One row of a range read. Treat as immutable: range reads build one per row, and a
    frozen dataclass costs three times as much to construct."""

    pk: bytes
    sk: bytes
    item: Item
    size: int | None = None
    """The size stored with the item (`put_item`'s `size`), so readers that charge by size
    (Query, Scan) need not recompute it; None from a backend that does not say."""


@dataclass(frozen=True, slots=True)
class TableStats:
    item_count: int
    size_bytes: int


class ReadView(Protocol):
    def get_item(self, table_id: str, pk: bytes, sk: bytes) -> Item | None: ...

    def query(
        self,
        table_id: str,
        pk: bytes,
        key_range: KeyRange = WHOLE_PARTITION,
        *,
        forward: bool = True,
        exclusive_start_sk: bytes | None = None,
    ) -> Iterator[StoredItem]:
        """Items of one partition in sort-key order (reversed when not `forward`)."""
        ...

    def scan(
        self,
        table_id: str,
        *,
        exclusive_start: tuple[bytes, bytes] | None = None,
    ) -> Iterator[StoredItem]:
        """Every item of a table, in `(pk, sk)` byte order, after `exclusive_start`."""
        ...

    def table_stats(self, table_id: str) -> TableStats:
        """Item count and summed item sizes; zeros for a table with no items."""
        ...

    def get_document(self, kind: str, name: str) -> Document | None: ...

    def get_document_bytes(self, kind: str, name: str) -> bytes | None:
        """The document as its JSON text, undecoded: callers that cache what they parse
        from a document (table definitions) key the cache by it."""
        ...

    def list_documents(self, kind: str) -> list[tuple[str, Document]]:
        """All documents of a kind, ordered by name."""
        ...

    def get_item_and_document(
        self, table_id: str, pk: bytes, sk: bytes, kind: str, name: str
    ) -> tuple[Item | None, bytes | None]:
        """`get_item` and `get_document_bytes` in one statement: a single-item read checks
        the table document it assumed in the same round trip (`dynamodb.context`)."""
        ...

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
        """`query` and `get_document_bytes`, the document read with the query's first rows
        where the backend can: a Query checks the table document it assumed in the same
        round trip (`dynamodb.context`)."""
        ...


def query_and_document_apart(
    view: ReadView,
    table_id: str,
    pk: bytes,
    key_range: KeyRange,
    *,
    forward: bool,
    exclusive_start_sk: bytes | None,
    kind: str,
    name: str,
) -> tuple[Iterator[StoredItem], bytes | None]:
    """`ReadView.query_and_document` as two reads, for a backend whose reads cost no round
    trip (a local file, memory)."""
    document = view.get_document_bytes(kind, name)
    rows = view.query(
        table_id, pk, key_range, forward=forward, exclusive_start_sk=exclusive_start_sk
    )
    return rows, document


class WriteTxn(ReadView, Protocol):
    def put_item(self, table_id: str, pk: bytes, sk: bytes, item: Item, size: int) -> None:
        """Insert or replace; `size` is the item's DynamoDB size, kept for table stats."""
        ...

    def insert_item(self, table_id: str, pk: bytes, sk: bytes, item: Item, size: int) -> None:
        """`put_item` for a key the caller knows holds no item (an append-only log's next
        entry, such as a stream record under a fresh sequence number): no read of an old
        item's size for the stats."""
        ...

    def delete_item(self, table_id: str, pk: bytes, sk: bytes) -> None: ...

    def delete_table_items(self, table_id: str) -> None:
        """Delete every item of `table_id` and reset its stats to zero."""
        ...

    def put_document(self, kind: str, name: str, document: Document) -> None: ...

    def delete_document(self, kind: str, name: str) -> None: ...

    def expect_document(self, kind: str, name: str, stored: bytes) -> None:
        """Fail the transaction with `DocumentChangedError` unless the document under
        `(kind, name)` is `stored` (as `get_document_bytes` returns it); it then stays so
        until commit, as a document read by key does. A backend whose reads cost a round
        trip (PostgreSQL) checks it with the transaction's next statements, so a write
        that needs nothing read (a PutItem that overwrites blindly) is one round trip."""
        ...

    def get_document_for_update(self, kind: str, name: str) -> Document | None:
        """A document this transaction is about to rewrite, read under the lock writing it
        takes: transactions that all read then write one hot document (a stream's sequence
        counter) queue for it instead of each holding it shared and deadlocking when they
        upgrade."""
        ...

    def append_numbered(self, kind: str, name: str, table_id: str, item: Item, now: float) -> None:
        """Append `item` to the log `table_id` under the next number of the counter document
        `(kind, name)` (see `Counter`), and count it there, in one step: the item's key is
        `(counter.partition, number_key(counter.next))`, then `next` grows by `step` and
        `count` by one. Appends to one counter are serialized as writes of its document
        are, so numbers commit in the order they were given out, and none is skipped. A
        backend may leave the log's items out of `table_stats` (do not ask for the log's).

        Raises `CounterDueError` when the counter is missing or not `counter_usable` at
        `now`: the caller then renews it (reads it with `get_document_for_update`, replaces
        it if it is due, writes it back with `put_document`) and appends again. A backend
        that sends the append with the transaction's next statements (PostgreSQL) finds
        the counter due only then: the transaction fails, the storage runs `fn` again, and
        in that run appends to the counter check it at the call."""
        ...


@dataclass(frozen=True, slots=True)
class Counter:
    """The fields `WriteTxn.append_numbered` reads in a counter document (which may hold
    other fields of its owner's: they are kept as they are).

    The counter numbers items `next, next + step, ...` in the partition `partition` of a
    log, and is due for renewal once it has numbered `limit` items or `now` reaches
    `until`, unless it has numbered none yet (`count` 0): its owner then replaces it (a
    stream rolls its shard over)."""

    partition: str
    next: int
    step: int
    count: int
    until: float
    limit: int | None = None

    def fields(self) -> Document:
        return {
            "partition": self.partition,
            "next": self.next,
            "step": self.step,
            "count": self.count,
            "until": self.until,
            "limit": self.limit,
        }


def counter_usable(counter: Document, now: float) -> bool:
    """Whether `append_numbered` may number an item with the counter document `counter` at
    `now` (a document without the counter's fields is due)."""
    if "until" not in counter:
        return False
    count: int = counter["count"]
    limit: int | None = counter["limit"]
    return count == 0 or (now < counter["until"] and (limit is None or count < limit))


def number_key(number: int) -> bytes:
    """The sort key of the log item numbered `number`: 8 big-endian bytes, so a log's items
    sort by number."""
    return number.to_bytes(8, "big")


class CounterDueError(Exception):
    """`append_numbered`'s counter is missing or due for renewal; nothing was appended."""

    def __init__(self, kind: str, name: str) -> None:
        super().__init__(f"counter {kind}/{name} is due for renewal")
        self.kind = kind
        self.name = name


def append_numbered_apart(
    txn: WriteTxn, kind: str, name: str, table_id: str, item: Item, now: float
) -> None:
    """`WriteTxn.append_numbered` as a read, then writes, for a backend whose reads cost no
    round trip (a local file, memory)."""
    counter = txn.get_document_for_update(kind, name)
    if counter is None or not counter_usable(counter, now):
        raise CounterDueError(kind, name)
    number: int = counter["next"]
    txn.insert_item(table_id, counter["partition"].encode(), number_key(number), item, 0)
    advanced = {**counter, "next": number + counter["step"], "count": counter["count"] + 1}
    txn.put_document(kind, name, advanced)


class DocumentChangedError(Exception):
    """`expect_document`'s document is not the one expected; nothing was written."""


def expect_document_apart(txn: WriteTxn, kind: str, name: str, stored: bytes) -> None:
    """`WriteTxn.expect_document` as a read, for a backend whose reads cost no round trip."""
    if txn.get_document_bytes(kind, name) != stored:
        raise DocumentChangedError(f"document {kind}/{name} is not the one expected")


class ReadViewContext(Protocol):
    def __enter__(self) -> ReadView: ...

    def __exit__(self, *exc: object) -> None: ...


class StorageClosedError(RuntimeError):
    """The storage was closed (the server is shutting down); nothing was written."""


class WriteConflictError(RuntimeError):
    """`fn` kept conflicting with concurrent writers and the backend gave up; nothing was
    written. Services may answer it as DynamoDB's TransactionConflictException or a 500."""


class StorageUnavailableError(RuntimeError):
    """The database could not be reached, or did not answer within the backend's bounds;
    nothing was written. Temporary by nature: the edge answers it with the protocol's
    retryable "service unavailable" error (HTTP 503)."""


class WriteOutcomeUnknownError(RuntimeError):
    """The connection was lost while the write committed, and the database could not be
    asked afterwards (within the backend's bounds) whether it had. The write may or may not
    have happened."""


class LoopReadFailed(Exception):
    """A read awaited on the event loop (`Storage.reads_on_loop`) did not happen: read the
    ordinary way instead."""


class ReadsOnLoop(Protocol):
    """Single-round-trip reads awaited on the event loop, for backends whose reads wait on
    the network (PostgreSQL). Each raises `LoopReadFailed` when it could not be made there
    (the caller reads the ordinary way), or `StorageUnavailableError` past its deadline."""

    async def item_and_document(
        self, table_id: str, pk: bytes, sk: bytes, kind: str, name: str
    ) -> tuple[Item | None, bytes | None]:
        """`ReadView.get_item_and_document`."""
        ...

    async def rows_and_document(
        self,
        table_id: str,
        pk: bytes,
        key_range: KeyRange,
        *,
        forward: bool,
        exclusive_start_sk: bytes | None,
        limit: int,
        kind: str,
        name: str,
    ) -> tuple[list[StoredItem], bytes | None]:
        """`ReadView.query_and_document`'s first `limit` rows (all there are, if fewer)."""
        ...


Committed = Callable[[Any, BaseException | None], None]
"""`on_done(result, error)`: how a deferred write reports its outcome."""
WriteLater = Callable[[Callable[[WriteTxn], Any], Committed], None]
"""`write_later(fn, on_done)`: `write` without blocking the caller; `on_done` is called on
the storage's own thread once the outcome is durable (committed) or final (failed)."""


class Storage(Protocol):
    @property
    def local_reads(self) -> bool:
        """Whether a read never waits on the network or on another writer's lock (SQLite's
        WAL readers, memory): the HTTP edge then runs small reads on its event loop."""
        ...

    @property
    def reads_on_loop(self) -> ReadsOnLoop | None:
        """Reads awaited on the event loop, for backends whose reads wait on the network
        (PostgreSQL); None where reads are local."""
        ...

    @property
    def write_later(self) -> WriteLater | None:
        """The non-blocking write, for backends whose writer thread can report commits
        (SQLite's group commit); None: writes block their caller's thread."""
        ...

    def read(self, *, snapshot: bool = False) -> ReadViewContext:
        """A read view; with `snapshot`, one consistent state for the whole block."""
        ...

    def write(self, fn: Callable[[WriteTxn], T]) -> T:
        """Run `fn` atomically and durably; returns its result once committed.

        Raises what `fn` raised (nothing written), `StorageClosedError` after `close`,
        `WriteConflictError` when retries after conflicts run out, `StorageUnavailableError`
        when the database cannot be reached (nothing written), or `WriteOutcomeUnknownError`
        when the commit's connection was lost and its outcome could not be learned.
        """
        ...

    def close(self) -> None:
        """Commit the writes already submitted, then release the database; idempotent."""
        ...
