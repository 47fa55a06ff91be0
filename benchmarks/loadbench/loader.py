"""Creates the GameScores table on a target and loads the dataset through the normal API."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

import botocore.session
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from loadbench.dataset import PARTITION_KEY, SORT_KEY, TABLE, Dataset, make_item
from loadbench.signing import Credentials

BATCH_SIZE = 25  # BatchWriteItem's limit
LOAD_CONCURRENCY = 8
T = TypeVar("T")


class SetupFailed(Exception):
    """The target cannot hold the benchmark's data; every scenario on it is unsupported."""


def client(endpoint: str, region: str, credentials: Credentials) -> Any:
    session = botocore.session.get_session()
    return session.create_client(
        "dynamodb",
        region_name=region,
        endpoint_url=endpoint,
        aws_access_key_id=credentials.access_key_id,
        aws_secret_access_key=credentials.secret_access_key,
        aws_session_token=credentials.session_token,
        config=Config(
            retries={"max_attempts": 3, "mode": "standard"},
            connect_timeout=5,
            read_timeout=60,
            max_pool_connections=16,
        ),
    )


def load(dynamodb: Any, dataset: Dataset, timeout_s: float = 180) -> str:
    """Creates the table and writes every item; returns how (for the report)."""
    deadline = time.monotonic() + timeout_s
    try:
        _create_table(dynamodb, deadline)
        items = [make_item(key) for key in dataset.all_keys()]
        if _batch_write_works(dynamodb, items[:BATCH_SIZE]):
            _batch_write(dynamodb, items[BATCH_SIZE:], deadline)
            return f"{len(items)} items with BatchWriteItem"
        _put_each(dynamodb, items, deadline)
        return f"{len(items)} items with PutItem (BatchWriteItem unsupported)"
    except (ClientError, BotoCoreError) as error:
        raise SetupFailed(str(error)) from error


def write_items(dynamodb: Any, items: list[dict[str, Any]], timeout_s: float = 180) -> None:
    """Writes `items` into the existing table with BatchWriteItem."""
    try:
        _batch_write(dynamodb, items, time.monotonic() + timeout_s)
    except (ClientError, BotoCoreError) as error:
        raise SetupFailed(str(error)) from error


def _create_table(dynamodb: Any, deadline: float) -> None:
    dynamodb.create_table(
        TableName=TABLE,
        AttributeDefinitions=[
            {"AttributeName": PARTITION_KEY, "AttributeType": "S"},
            {"AttributeName": SORT_KEY, "AttributeType": "S"},
        ],
        KeySchema=[
            {"AttributeName": PARTITION_KEY, "KeyType": "HASH"},
            {"AttributeName": SORT_KEY, "KeyType": "RANGE"},
        ],
        BillingMode="PAY_PER_REQUEST",
    )
    while True:
        try:
            status = dynamodb.describe_table(TableName=TABLE)["Table"]["TableStatus"]
        except ClientError as error:
            # A server without DescribeTable can still be measured on the other operations.
            if error.response["Error"]["Code"] in ("UnknownOperationException", "InternalFailure"):
                return
            raise
        if status == "ACTIVE":
            return
        if time.monotonic() > deadline:
            raise SetupFailed(f"table still {status} after the setup timeout")
        time.sleep(0.1)


def _batch_write_works(dynamodb: Any, first: list[dict[str, Any]]) -> bool:
    try:
        _batch_write(dynamodb, first, time.monotonic() + 60)
    except ClientError as error:
        if error.response["Error"]["Code"] in ("UnknownOperationException", "InternalFailure"):
            return False
        raise
    return True


def _batch_write(dynamodb: Any, items: list[dict[str, Any]], deadline: float) -> None:
    def write(start: int) -> None:
        batch = items[start : start + BATCH_SIZE]
        pending: dict[str, Any] = {TABLE: [{"PutRequest": {"Item": item}} for item in batch]}
        while pending:
            _check_deadline(deadline)
            pending = dynamodb.batch_write_item(RequestItems=pending).get("UnprocessedItems") or {}

    _in_parallel(write, range(0, len(items), BATCH_SIZE))


def _put_each(dynamodb: Any, items: list[dict[str, Any]], deadline: float) -> None:
    def put(item: dict[str, Any]) -> None:
        _check_deadline(deadline)
        dynamodb.put_item(TableName=TABLE, Item=item)

    _in_parallel(put, items)


def _in_parallel(work: Callable[[T], None], inputs: Iterable[T]) -> None:
    """A few requests in flight keep the server busy while the client builds the next ones."""
    with ThreadPoolExecutor(LOAD_CONCURRENCY) as pool:
        for _ in pool.map(work, inputs):
            pass


def _check_deadline(deadline: float) -> None:
    if time.monotonic() > deadline:
        raise SetupFailed("loading the items took longer than the setup timeout")
