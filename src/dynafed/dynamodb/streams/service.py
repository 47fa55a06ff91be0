"""The DynamoDB Streams service: the entry point the HTTP edge calls for every
`DynamoDBStreams_20120810.<Operation>` request, one module per operation.

The key that seals shard iterators lives in storage (made by the first node that needs it),
so an iterator one node hands out is read by every other."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from dynafed.core.authorization import Authorizer
from dynafed.core.clock import Clock
from dynafed.dynamodb.streams import describe_stream, get_records, get_shard_iterator, list_streams
from dynafed.dynamodb.streams.context import StreamsContext
from dynafed.errors import UnknownOperationException
from dynafed.storage.port import Storage, WriteTxn

Operation = Callable[[StreamsContext, dict[str, Any]], dict[str, Any]]

OPERATIONS: dict[str, Operation] = {
    "ListStreams": list_streams.run,
    "DescribeStream": describe_stream.run,
    "GetShardIterator": get_shard_iterator.run,
    "GetRecords": get_records.run,
}
"""Operation name (the part after `DynamoDBStreams_20120810.`) -> its `run` function."""

KEY_KIND = "stream-iterator-key"
KEY_NAME = "current"


class StreamsService:
    def __init__(
        self,
        storage: Storage,
        account_id: str,
        region: str,
        clock: Clock,
        random_bytes: Callable[[int], bytes],
    ) -> None:
        self._storage = storage
        self._account_id = account_id
        self._region = region
        self._clock = clock
        self._random_bytes = random_bytes
        self._key: bytes | None = None

    def handle(
        self,
        operation: str,
        body: dict[str, Any],
        authorizer: Authorizer,
        region: str | None = None,
    ) -> dict[str, Any]:
        run = OPERATIONS.get(operation)
        if run is None:
            raise UnknownOperationException()
        ctx = StreamsContext(
            self._storage,
            self._account_id,
            region or self._region,
            self._clock,
            authorizer,
            self._iterator_key(),
        )
        return run(ctx, body)

    def prepare(self, *args: Any, **kwargs: Any) -> None:
        """Streams has no write to defer (the edge's `JsonService` protocol asks)."""
        return None

    def _iterator_key(self) -> bytes:
        if self._key is None:
            self._key = self._storage.write(self._load_or_make_key)
        return self._key

    def _load_or_make_key(self, txn: WriteTxn) -> bytes:
        stored = txn.get_document(KEY_KIND, KEY_NAME)
        if stored is None:
            stored = {"key": self._random_bytes(32).hex()}
            txn.put_document(KEY_KIND, KEY_NAME, stored)
        return bytes.fromhex(stored["key"])
