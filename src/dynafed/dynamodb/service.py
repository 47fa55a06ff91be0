"""The DynamoDB service: one entry point the HTTP edge calls for every DynamoDB request.

`handle(operation, body, authorizer)` finds the operation's module in the registry below and
runs it. Each module under `operations/` reads top to bottom: validate, authorize, execute,
render, and declares beside its `run` what the rest of the server needs to know about it:
`RUNS_INLINE` (may the edge run it on the event loop: `True`, `False`, or a rule on the
request body) and, for a write that can stop before its transaction, `prepare`. The registry
collects those facts once, at import; adding an operation means adding its module and one
line to `_MODULES`. The service holds no state of its own beyond its collaborators, so any
number of worker threads may call it at once.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from types import ModuleType
from typing import Any, cast

from dynafed.core.authorization import Authorizer
from dynafed.core.clock import Clock
from dynafed.dynamodb.context import (
    DeferredWrite,
    OperationContext,
    ReadAhead,
    ReadAheadView,
    ReadNeeded,
    TablesSeen,
)
from dynafed.dynamodb.operations import (
    batch_execute_statement,
    batch_get_item,
    batch_write_item,
    create_backup,
    create_table,
    delete_backup,
    delete_item,
    delete_table,
    describe_backup,
    describe_continuous_backups,
    describe_endpoints,
    describe_table,
    describe_time_to_live,
    execute_statement,
    execute_transaction,
    get_item,
    list_backups,
    list_tables,
    list_tags_of_resource,
    put_item,
    query,
    restore_table_from_backup,
    restore_table_to_point_in_time,
    scan,
    tag_resource,
    transact_get_items,
    transact_write_items,
    untag_resource,
    update_continuous_backups,
    update_item,
    update_table,
    update_time_to_live,
)
from dynafed.dynamodb.streams.model import StreamPolicy
from dynafed.dynamodb.tables import DOCUMENT_KIND
from dynafed.errors import AwsError, UnknownOperationException
from dynafed.storage.port import ReadView, Storage

Operation = Callable[[OperationContext, dict[str, Any]], dict[str, Any]]

_MODULES: dict[str, ModuleType] = {
    "CreateTable": create_table,
    "DescribeTable": describe_table,
    "ListTables": list_tables,
    "DeleteTable": delete_table,
    "UpdateTable": update_table,
    "UpdateTimeToLive": update_time_to_live,
    "DescribeTimeToLive": describe_time_to_live,
    "TagResource": tag_resource,
    "UntagResource": untag_resource,
    "ListTagsOfResource": list_tags_of_resource,
    "PutItem": put_item,
    "GetItem": get_item,
    "UpdateItem": update_item,
    "DeleteItem": delete_item,
    "Query": query,
    "Scan": scan,
    "BatchGetItem": batch_get_item,
    "BatchWriteItem": batch_write_item,
    "TransactGetItems": transact_get_items,
    "TransactWriteItems": transact_write_items,
    "ExecuteStatement": execute_statement,
    "BatchExecuteStatement": batch_execute_statement,
    "ExecuteTransaction": execute_transaction,
    "CreateBackup": create_backup,
    "DescribeBackup": describe_backup,
    "ListBackups": list_backups,
    "DeleteBackup": delete_backup,
    "RestoreTableFromBackup": restore_table_from_backup,
    "UpdateContinuousBackups": update_continuous_backups,
    "DescribeContinuousBackups": describe_continuous_backups,
    "RestoreTableToPointInTime": restore_table_to_point_in_time,
    "DescribeEndpoints": describe_endpoints,
}

OPERATIONS: dict[str, Operation] = {name: module.run for name, module in _MODULES.items()}
"""Operation name (the part after `DynamoDB_20120810.`) -> its `run` function."""

DEFERRABLE: dict[str, Callable[[OperationContext, dict[str, Any]], DeferredWrite[Any]]] = {
    name: module.prepare for name, module in _MODULES.items() if hasattr(module, "prepare")
}
"""Writes that can stop before their write transaction (`DynamoDBService.prepare`)."""

READS_AHEAD: dict[str, ModuleType] = {
    name: module for name, module in _MODULES.items() if hasattr(module, "read_ahead")
}
"""Operations whose one read can be made before they run (`DynamoDBService.read_ahead`)."""

INLINE: frozenset[str] = frozenset(
    name for name, module in _MODULES.items() if module.RUNS_INLINE is True
)
"""Operations that always may run on the event loop (`RUNS_INLINE = True`)."""

INLINE_WHEN: dict[str, Callable[[Mapping[str, Any]], bool]] = {
    name: module.RUNS_INLINE for name, module in _MODULES.items() if callable(module.RUNS_INLINE)
}
"""Operations that may run on the event loop when their rule says so (Query, Scan)."""


def runs_inline(operation: str, body: Mapping[str, Any]) -> bool:
    """Whether `operation` may run on the event loop, by what its module declares
    (server.dynamodb_endpoint explains when the edge asks)."""
    if operation in INLINE:
        return True
    rule = INLINE_WHEN.get(operation)
    return rule is not None and rule(body)


class DynamoDBService:
    def __init__(
        self,
        storage: Storage,
        account_id: str,
        region: str,
        clock: Clock,
        new_id: Callable[[], str] | None = None,
        stream_policy: StreamPolicy | None = None,
    ) -> None:
        self._storage = storage
        self._stream_policy = stream_policy
        self._account_id = account_id
        self._region = region
        self._clock = clock
        self._new_id = new_id
        self._tables_seen = TablesSeen()

    def handle(
        self,
        operation: str,
        body: dict[str, Any],
        authorizer: Authorizer,
        region: str | None = None,
        endpoint: str = "",
    ) -> dict[str, Any]:
        """Run `operation` in `region` (the request's; the server's default when None);
        `endpoint` is the address the request was sent to (its `Host`)."""
        run = OPERATIONS.get(operation)
        if run is None:
            raise UnknownOperationException()
        return run(self._context(authorizer, region, endpoint), body)

    def prepare(
        self,
        operation: str,
        body: dict[str, Any],
        authorizer: Authorizer,
        region: str | None = None,
        *,
        tables_as_last_seen: bool = True,
    ) -> DeferredWrite[Any] | None:
        """A write validated and authorized up to its transaction, for a caller that runs
        the transaction itself (`DeferredWrite`); None if `operation` cannot be split. Its
        transaction raises `TableChanged` when it was prepared against a table this process
        saw before and another is stored: prepare it again with `tables_as_last_seen` False.
        On a storage whose reads wait on the network, a request that needs a read first (a
        table not seen yet) raises `ReadNeeded`: the caller is an event loop."""
        prepare = DEFERRABLE.get(operation)
        if prepare is None:
            return None
        ctx = self._context(authorizer, region)
        ctx.tables_as_last_seen = tables_as_last_seen
        ctx.may_read = self._storage.local_reads
        return prepare(ctx, body)

    def error_stands(self, needed: ReadNeeded) -> AwsError | None:
        """The error a write prepared on the event loop met against its table as last seen,
        if that is still the stored table; None if another is (run the operation again).
        Reads the table: call it on a worker thread."""
        with self._storage.read() as view:
            stored = view.get_document_bytes(DOCUMENT_KIND, needed.key)
        return needed.error if stored == needed.seen else None

    def read_ahead(
        self, operation: str, body: dict[str, Any], authorizer: Authorizer, region: str | None
    ) -> ReadAhead | None:
        """The one read `operation` would start with (a GetItem's item, a small Query page),
        for a caller that makes it first (awaited on its event loop) and then calls
        `run_read_ahead`; None if there is none to make (another operation, a table not seen
        yet, a larger page)."""
        module = READS_AHEAD.get(operation)
        if module is None:
            return None
        ahead: ReadAhead | None = module.read_ahead(self._context(authorizer, region), body)
        return ahead

    def run_read_ahead(
        self,
        operation: str,
        body: dict[str, Any],
        authorizer: Authorizer,
        region: str | None,
        endpoint: str,
        made: ReadAheadView,
    ) -> dict[str, Any]:
        """`handle`, with the read it starts with made (`read_ahead`); raises
        `LoopReadFailed` if the operation needs another read: `handle` it then."""
        # Only the read made ahead is answered; anything else raises (`ReadAheadView`).
        view = cast(ReadView, made)
        result: dict[str, Any] = READS_AHEAD[operation].run_on(
            self._context(authorizer, region, endpoint), body, view
        )
        return result

    def _context(
        self, authorizer: Authorizer, region: str | None, endpoint: str = ""
    ) -> OperationContext:
        region = region or self._region
        ctx = OperationContext(
            self._storage,
            self._account_id,
            region,
            self._clock,
            authorizer,
            tables_seen=self._tables_seen,
        )
        ctx.endpoint = endpoint
        ctx.operations = OPERATIONS
        if self._new_id is not None:
            ctx.new_id = self._new_id
        if self._stream_policy is not None:
            ctx.stream_policy = self._stream_policy
        return ctx
