"""What the HTTP edge is given: the services it routes to, and what it runs them on.

`server/compose.py` builds one `Services` per process; the edge (`app.py` with its routing
table, and the endpoint modules) only reads it. The protocols say what the edge needs of each
service, so tests can hand the edge doubles.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Protocol

from dynafed.auth.authenticator import Authenticator
from dynafed.auth.principal import Principal
from dynafed.core.authorization import Authorizer
from dynafed.dynamodb.context import ReadAhead, ReadAheadView, ReadNeeded
from dynafed.enforcement.context import RequestFacts
from dynafed.errors import AwsError
from dynafed.server.deferred_writes import DeferredWrite
from dynafed.server.request import Request
from dynafed.storage.port import ReadsOnLoop, WriteLater

Response = tuple[int, bytes, list[tuple[str, str]]]
"""(status, body, headers): what every endpoint answers."""


class JsonService(Protocol):
    """What the edge needs of a JSON-protocol service (DynamoDB Streams, DynamoDB)."""

    def handle(
        self,
        operation: str,
        body: dict[str, Any],
        authorizer: Authorizer,
        region: str | None = None,
    ) -> dict[str, Any]: ...

    def prepare(
        self,
        operation: str,
        body: dict[str, Any],
        authorizer: Authorizer,
        region: str | None = None,
        *,
        tables_as_last_seen: bool = True,
    ) -> DeferredWrite | None:
        """The request up to its write transaction, or None (server.deferred_writes)."""
        ...


class DynamoDBJsonService(JsonService, Protocol):
    """DynamoDB's: its `DescribeEndpoints` answers the address the request was sent to."""

    def handle(
        self,
        operation: str,
        body: dict[str, Any],
        authorizer: Authorizer,
        region: str | None = None,
        endpoint: str = "",
    ) -> dict[str, Any]: ...

    def read_ahead(
        self, operation: str, body: dict[str, Any], authorizer: Authorizer, region: str | None
    ) -> ReadAhead | None:
        """The request's one read, to await before `run_read_ahead`; None if it has none."""
        ...

    def run_read_ahead(
        self,
        operation: str,
        body: dict[str, Any],
        authorizer: Authorizer,
        region: str | None,
        endpoint: str,
        made: ReadAheadView,
    ) -> dict[str, Any]:
        """`handle` with its read made (server.dynamodb_endpoint)."""
        ...

    def error_stands(self, needed: ReadNeeded) -> AwsError | None:
        """The error `prepare` met against a table as last seen, if that table is still the
        stored one (a read: on a worker thread)."""
        ...


class QueryService(Protocol):
    """What the edge needs of a Query-protocol service (STS, IAM)."""

    def handle(
        self, action: str, params: dict[str, str], caller: Principal | None
    ) -> dict[str, Any]: ...


class IdentityEndpoints(Protocol):
    """The identity features' endpoints (`server/identity_endpoints.py`)."""

    async def cognito_identity(
        self, services: Services, request: Request, target: str, request_id: str
    ) -> Response: ...

    async def cognito_user_pools(
        self, services: Services, request: Request, target: str, request_id: str
    ) -> Response: ...

    async def user_pools(self, services: Services, request: Request) -> Response: ...

    def pool_issuer(self, request: Request) -> Response | None: ...

    def web_app(self, request: Request) -> Response: ...

    def close(self) -> None: ...


def never_inline(operation: str, body: dict[str, Any]) -> bool:
    """For storage whose reads may wait on the network (PostgreSQL)."""
    return False


@dataclass
class Services:
    authenticator: Authenticator
    dynamodb: DynamoDBJsonService
    sts: QueryService
    iam: QueryService
    authorizer_for: Callable[[Principal, RequestFacts], Authorizer]
    executor: ThreadPoolExecutor
    max_body_bytes: int
    on_close: Callable[[], None] | None = None
    runs_inline: Callable[[str, dict[str, Any]], bool] = never_inline
    """Whether a DynamoDB request runs on the event loop rather than `executor`: the
    operation modules declare it (`RUNS_INLINE`); `never_inline` for remote storage."""
    reads_on_loop: ReadsOnLoop | None = None
    """Storage's reads awaited on the event loop, where reads wait on the network
    (PostgreSQL): a GetItem, or a Query of a small page, then runs on the loop with its read
    made first."""
    write_later: WriteLater | None = None
    """Storage's non-blocking write, for writes the loop awaits (server.deferred_writes);
    None: every write runs on `executor`."""
    identity: IdentityEndpoints | None = None
    """Identity pools, the built-in OpenID provider and the web app."""
    streams: JsonService | None = None
    """DynamoDB Streams (`dynamodb/streams`); None: its targets are unknown operations."""
    database_answers: Callable[[], None] | None = None
    """A small read that raises unless the database answers (`/health/ready`); blocking,
    bounded by the storage's own timeouts. None: always ready."""
