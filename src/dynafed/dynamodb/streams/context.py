"""What every Streams operation gets: storage, time, the request's region, the caller's
authorizer and the key that seals shard iterators."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from dynafed.core.authorization import AuthorizationRequest, Authorizer
from dynafed.core.clock import Clock
from dynafed.dynamodb.streams.model import DOCUMENT_KIND, Stream
from dynafed.errors import ResourceNotFoundException
from dynafed.storage.port import ReadView, Storage


@dataclass(frozen=True, slots=True)
class StreamsContext:
    storage: Storage
    account_id: str
    region: str
    clock: Clock
    authorizer: Authorizer
    iterator_key: bytes

    def authorize(self, operation: str, resource: str) -> None:
        requests: Sequence[AuthorizationRequest] = [
            AuthorizationRequest(f"dynamodb:{operation}", resource)
        ]
        self.authorizer.authorize(requests)


def load_stream(view: ReadView, arn: str) -> Stream:
    """The stream `arn` names, or AWS's ResourceNotFoundException."""
    stored = view.get_document(DOCUMENT_KIND, arn)
    if stored is None:
        raise ResourceNotFoundException(f"Requested resource not found: Stream: {arn} not found")
    return Stream.from_document(stored)


def shard_not_found(shard_id: str) -> ResourceNotFoundException:
    return ResourceNotFoundException(
        f"Requested resource not found: Shard: {shard_id} does not exist"
    )
