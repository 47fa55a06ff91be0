"""In-process DynamoDB service on the memory storage, called as the HTTP edge calls it."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import pytest

from dynafed.core.authorization import AllowAll, AuthorizationRequest
from dynafed.core.clock import FixedClock
from dynafed.dynamodb.service import DynamoDBService
from dynafed.errors import AwsError
from dynafed.storage.memory import MemoryStorage

ACCOUNT = "123456789012"
REGION = "us-west-2"
NOW = 1_700_000_000.0


class RecordingAuthorizer:
    """Allows everything and keeps what it was asked, so tests can see each request."""

    def __init__(self) -> None:
        self.requests: list[AuthorizationRequest] = []

    def authorize(self, requests: Sequence[AuthorizationRequest]) -> None:
        self.requests.extend(requests)


class Dynamo:
    def __init__(self) -> None:
        self.storage = MemoryStorage()
        self.clock = FixedClock(NOW)
        ids = (f"00000000-0000-4000-8000-{n:012d}" for n in itertools.count(1))
        self.service = DynamoDBService(self.storage, ACCOUNT, REGION, self.clock, lambda: next(ids))
        self.authorizer = RecordingAuthorizer()

    def __call__(self, operation: str, body: dict[str, Any]) -> dict[str, Any]:
        return self.service.handle(operation, body, self.authorizer)

    def error(self, operation: str, body: dict[str, Any]) -> tuple[str, str]:
        """The (code, message) the call fails with; fails the test if it succeeds."""
        try:
            self.service.handle(operation, body, AllowAll())
        except AwsError as error:
            return error.code, error.message
        raise AssertionError(f"{operation} succeeded but an error was expected")

    def create_table(
        self,
        name: str = "Music",
        hash_key: tuple[str, str] = ("Artist", "S"),
        range_key: tuple[str, str] | None = ("SongTitle", "S"),
        **extra: Any,
    ) -> dict[str, Any]:
        definitions = [{"AttributeName": hash_key[0], "AttributeType": hash_key[1]}]
        schema = [{"AttributeName": hash_key[0], "KeyType": "HASH"}]
        if range_key is not None:
            definitions.append({"AttributeName": range_key[0], "AttributeType": range_key[1]})
            schema.append({"AttributeName": range_key[0], "KeyType": "RANGE"})
        body = {
            "TableName": name,
            "AttributeDefinitions": definitions,
            "KeySchema": schema,
            "BillingMode": "PAY_PER_REQUEST",
            **extra,
        }
        return self("CreateTable", body)["TableDescription"]


@pytest.fixture
def dynamo() -> Iterator[Dynamo]:
    service = Dynamo()
    yield service
    service.storage.close()


ErrorOf = Callable[[str, dict[str, Any]], tuple[str, str]]
