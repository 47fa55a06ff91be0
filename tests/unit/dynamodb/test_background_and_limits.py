"""In-process behaviour that needs a clock, large data or interleaving: the item-collection
limit ("Item collections in Local Secondary Indexes"), GSI backfill racing with writes
("Adding a Global Secondary Index to an existing table"), TTL sweeps ("Time to Live (TTL)"),
token expiry (TransactWriteItems, ClientRequestToken) and BatchGetItem's 16 MB answer."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, TypeVar

import pytest
from tests.unit.dynamodb.conftest import NOW, Dynamo

from dynafed.dynamodb import backfill, idempotency, ttl
from dynafed.dynamodb.background import BackgroundWorker
from dynafed.dynamodb.items import item_collections
from dynafed.dynamodb.operations import batch_get_item
from dynafed.errors import ItemCollectionSizeLimitExceededException
from dynafed.storage.memory import MemoryStorage
from dynafed.storage.port import ReadViewContext, WriteTxn

T = TypeVar("T")


def put(dynamo: Dynamo, table: str, item: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return dynamo("PutItem", {"TableName": table, "Item": item, **extra})


def count(dynamo: Dynamo, table: str, index: str | None = None) -> int:
    body: dict[str, Any] = {"TableName": table, "Select": "COUNT"}
    if index is not None:
        body["IndexName"] = index
    result: int = dynamo("Scan", body)["Count"]
    return result


# --- item collections ---------------------------------------------------------------------


def with_local_index(dynamo: Dynamo) -> None:
    dynamo.create_table(
        "Threads",
        hash_key=("Forum", "S"),
        range_key=("Subject", "S"),
        AttributeDefinitions=[
            {"AttributeName": "Forum", "AttributeType": "S"},
            {"AttributeName": "Subject", "AttributeType": "S"},
            {"AttributeName": "Posted", "AttributeType": "S"},
        ],
        LocalSecondaryIndexes=[
            {
                "IndexName": "ByPosted",
                "KeySchema": [
                    {"AttributeName": "Forum", "KeyType": "HASH"},
                    {"AttributeName": "Posted", "KeyType": "RANGE"},
                ],
                "Projection": {"ProjectionType": "ALL"},
            }
        ],
    )


def thread(subject: str, body: str = "x" * 400) -> dict[str, Any]:
    return {
        "Forum": {"S": "S3"},
        "Subject": {"S": subject},
        "Posted": {"S": "2024"},
        "Body": {"S": body},
    }


def test_item_collection_limit(dynamo: Dynamo, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(item_collections, "MAX_COLLECTION_BYTES", 2000)
    with_local_index(dynamo)
    put(dynamo, "Threads", thread("a"))  # ~2 x 440 bytes: the item and its LSI entry
    put(dynamo, "Threads", thread("b"))
    with pytest.raises(ItemCollectionSizeLimitExceededException) as caught:
        put(dynamo, "Threads", thread("c"))
    assert caught.value.message == "Collection size exceeded."
    # Shrinking or replacing within the limit is always allowed; other partitions are apart.
    put(dynamo, "Threads", thread("b", body="short"))
    put(dynamo, "Threads", thread("c"))
    put(dynamo, "Threads", {**thread("z"), "Forum": {"S": "EC2"}})
    assert count(dynamo, "Threads") == 4


def test_item_collection_metrics_follow_the_size(dynamo: Dynamo) -> None:
    with_local_index(dynamo)
    first = put(dynamo, "Threads", thread("a"), ReturnItemCollectionMetrics="SIZE")
    assert first["ItemCollectionMetrics"] == {
        "ItemCollectionKey": {"Forum": {"S": "S3"}},
        "SizeEstimateRangeGB": [0.0, 1.0],
    }
    gone = dynamo(
        "DeleteItem",
        {
            "TableName": "Threads",
            "Key": {"Forum": {"S": "S3"}, "Subject": {"S": "a"}},
            "ReturnItemCollectionMetrics": "SIZE",
        },
    )
    assert gone["ItemCollectionMetrics"]["ItemCollectionKey"] == {"Forum": {"S": "S3"}}
    assert item_collections.metrics(
        item_collections.CollectionSize({"k": {"S": "v"}}, 3 * item_collections.GIGABYTE + 5)
    )["SizeEstimateRangeGB"] == [3.0, 4.0]


# --- backfill -----------------------------------------------------------------------------


class InterleavingStorage:
    """Memory storage that runs `between` after each write: another client's writes landing
    between two backfill batches."""

    def __init__(self, inner: MemoryStorage, between: Callable[[], None]) -> None:
        self.inner = inner
        self.between = between

    def read(self, *, snapshot: bool = False) -> ReadViewContext:
        return self.inner.read(snapshot=snapshot)

    def write(self, fn: Callable[[WriteTxn], T]) -> T:
        result = self.inner.write(fn)
        self.between()
        return result

    def close(self) -> None:
        self.inner.close()


def add_color_index(dynamo: Dynamo) -> None:
    dynamo(
        "UpdateTable",
        {
            "TableName": "Things",
            "AttributeDefinitions": [{"AttributeName": "color", "AttributeType": "S"}],
            "GlobalSecondaryIndexUpdates": [
                {
                    "Create": {
                        "IndexName": "ByColor",
                        "KeySchema": [{"AttributeName": "color", "KeyType": "HASH"}],
                        "Projection": {"ProjectionType": "ALL"},
                    }
                }
            ],
        },
    )


def test_backfill_racing_with_writes_leaves_an_exact_index(dynamo: Dynamo) -> None:
    dynamo.create_table("Things", hash_key=("id", "N"), range_key=None)
    for number in range(40):
        put(dynamo, "Things", {"id": {"N": str(number)}, "color": {"S": f"c{number % 3}"}})
    add_color_index(dynamo)
    writes = iter(range(1000))

    def another_client() -> None:
        number = next(writes)
        if number % 2:
            dynamo("DeleteItem", {"TableName": "Things", "Key": {"id": {"N": str(number)}}})
        else:
            put(dynamo, "Things", {"id": {"N": str(number)}, "color": {"S": "new"}})

    racing = InterleavingStorage(dynamo.storage, another_client)
    assert backfill.run_pending(racing, batch_size=4) == 1  # type: ignore[arg-type]
    items = dynamo("Scan", {"TableName": "Things"})["Items"]
    entries = dynamo("Scan", {"TableName": "Things", "IndexName": "ByColor"})["Items"]
    assert sorted(entries, key=str) == sorted(items, key=str)
    described = dynamo("DescribeTable", {"TableName": "Things"})["Table"]
    assert described["GlobalSecondaryIndexes"][0]["IndexStatus"] == "ACTIVE"
    assert described["GlobalSecondaryIndexes"][0]["ItemCount"] == len(items)


def test_backfill_of_a_deleted_index_or_table_just_stops(dynamo: Dynamo) -> None:
    dynamo.create_table("Things", hash_key=("id", "N"), range_key=None)
    put(dynamo, "Things", {"id": {"N": "1"}, "color": {"S": "red"}})
    add_color_index(dynamo)
    dynamo(
        "UpdateTable",
        {
            "TableName": "Things",
            "GlobalSecondaryIndexUpdates": [{"Delete": {"IndexName": "ByColor"}}],
        },
    )
    assert backfill.run_pending(dynamo.storage) == 0
    assert backfill.pending(dynamo.storage) == []


# --- TTL ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expired"),
    [
        ({"N": str(NOW - 1)}, True),
        ({"N": str(NOW)}, False),  # expires strictly before now
        ({"N": str(NOW + 1)}, False),
        ({"S": str(NOW - 1)}, False),
        ({"N": str(NOW - 6 * 365 * 24 * 3600)}, False),
        ({"N": str(NOW - 4 * 365 * 24 * 3600)}, True),
    ],
)
def test_expiry_rule(value: dict[str, str], expired: bool) -> None:
    assert ttl.is_expired({"exp": value}, "exp", NOW) is expired
    assert ttl.is_expired({}, "exp", NOW) is False


def test_sweep_deletes_expired_items_and_their_entries(dynamo: Dynamo) -> None:
    dynamo.create_table(
        "Cache",
        hash_key=("k", "S"),
        range_key=None,
        AttributeDefinitions=[
            {"AttributeName": "k", "AttributeType": "S"},
            {"AttributeName": "g", "AttributeType": "S"},
        ],
        GlobalSecondaryIndexes=[
            {
                "IndexName": "ByG",
                "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}],
                "Projection": {"ProjectionType": "KEYS_ONLY"},
            }
        ],
    )
    dynamo(
        "UpdateTimeToLive",
        {"TableName": "Cache", "TimeToLiveSpecification": {"Enabled": True, "AttributeName": "e"}},
    )
    for number in range(30):
        expires = NOW - 10 if number % 3 == 0 else NOW + 100
        put(dynamo, "Cache", {"k": {"S": str(number)}, "g": {"S": "x"}, "e": {"N": str(expires)}})
    # Visible until swept, as on DynamoDB.
    assert count(dynamo, "Cache") == 30
    assert ttl.sweep(dynamo.storage, NOW) == 10
    assert (count(dynamo, "Cache"), count(dynamo, "Cache", "ByG")) == (20, 20)
    assert ttl.sweep(dynamo.storage, NOW + 101) == 20
    assert (count(dynamo, "Cache"), count(dynamo, "Cache", "ByG")) == (0, 0)


def test_sweep_forgets_client_request_tokens_after_ten_minutes(dynamo: Dynamo) -> None:
    dynamo.create_table("Ledger", hash_key=("k", "S"), range_key=None)
    request = {
        "TransactItems": [{"Put": {"TableName": "Ledger", "Item": {"k": {"S": "1"}}}}],
        "ClientRequestToken": "tok",
    }
    dynamo("TransactWriteItems", request)
    with dynamo.storage.read() as view:
        assert view.get_document(idempotency.DOCUMENT_KIND, "tok") is not None
    ttl.sweep(dynamo.storage, NOW + idempotency.WINDOW_SECONDS - 1)
    with dynamo.storage.read() as view:
        assert view.get_document(idempotency.DOCUMENT_KIND, "tok") is not None
    ttl.sweep(dynamo.storage, NOW + idempotency.WINDOW_SECONDS)
    with dynamo.storage.read() as view:
        assert view.get_document(idempotency.DOCUMENT_KIND, "tok") is None
    # After the window the token is new again: a different request with it is accepted.
    dynamo.clock.advance(idempotency.WINDOW_SECONDS)
    other = {
        **request,
        "TransactItems": [{"Put": {"TableName": "Ledger", "Item": {"k": {"S": "2"}}}}],
    }
    assert dynamo("TransactWriteItems", other) == {}


def test_token_mismatch_within_the_window(dynamo: Dynamo) -> None:
    dynamo.create_table("Ledger", hash_key=("k", "S"), range_key=None)
    put_one = {"Put": {"TableName": "Ledger", "Item": {"k": {"S": "1"}}}}
    dynamo("TransactWriteItems", {"TransactItems": [put_one], "ClientRequestToken": "t"})
    dynamo.clock.advance(idempotency.WINDOW_SECONDS - 1)
    code, _ = dynamo.error(
        "TransactWriteItems",
        {
            "TransactItems": [
                put_one,
                {**put_one, "Put": {**put_one["Put"], "Item": {"k": {"S": "2"}}}},
            ],
            "ClientRequestToken": "t",
        },
    )
    assert code == "IdempotentParameterMismatchException"


# --- BatchGetItem's 16 MB answer -----------------------------------------------------------


def test_batch_get_returns_unprocessed_keys_past_16_mb(dynamo: Dynamo) -> None:
    dynamo.create_table("Blobs", hash_key=("k", "N"), range_key=None)
    big = "x" * (400 * 1024 - 20)
    for number in range(45):
        put(dynamo, "Blobs", {"k": {"N": str(number)}, "v": {"S": big}})
    request = {
        "Blobs": {
            "Keys": [{"k": {"N": str(number)}} for number in range(45)],
            "ConsistentRead": True,
            "ProjectionExpression": "k",
        }
    }
    first = dynamo("BatchGetItem", {"RequestItems": request})
    returned = len(first["Responses"]["Blobs"])
    assert returned * 400 * 1024 <= batch_get_item.MAX_RESPONSE_BYTES < (returned + 1) * 400 * 1024
    unprocessed = first["UnprocessedKeys"]["Blobs"]
    assert unprocessed["ConsistentRead"] is True
    assert unprocessed["ProjectionExpression"] == "k"
    assert len(unprocessed["Keys"]) == 45 - returned
    second = dynamo("BatchGetItem", {"RequestItems": first["UnprocessedKeys"]})
    assert second["UnprocessedKeys"] == {}
    keys = {item["k"]["N"] for item in first["Responses"]["Blobs"] + second["Responses"]["Blobs"]}
    assert keys == {str(number) for number in range(45)}


def test_worker_backfills_at_once_and_sweeps_when_its_interval_has_passed(dynamo: Dynamo) -> None:
    dynamo.create_table("Things", hash_key=("id", "N"), range_key=None)
    dynamo(
        "UpdateTimeToLive",
        {"TableName": "Things", "TimeToLiveSpecification": {"Enabled": True, "AttributeName": "e"}},
    )
    put(dynamo, "Things", {"id": {"N": "1"}, "color": {"S": "red"}, "e": {"N": str(NOW - 1)}})
    add_color_index(dynamo)
    worker = BackgroundWorker(dynamo.storage, dynamo.clock, ttl_interval=30)
    worker.run_once()  # the first sweep is one interval after the worker is made
    described = dynamo("DescribeTable", {"TableName": "Things"})["Table"]
    assert described["GlobalSecondaryIndexes"][0]["IndexStatus"] == "ACTIVE"
    assert count(dynamo, "Things") == 1
    dynamo.clock.advance(30)
    worker.run_once()
    assert (count(dynamo, "Things"), count(dynamo, "Things", "ByColor")) == (0, 0)


def test_worker_thread_starts_and_stops_promptly(dynamo: Dynamo) -> None:
    worker = BackgroundWorker(dynamo.storage, dynamo.clock, backfill_poll=0.01)
    worker.start()
    dynamo.create_table("Things", hash_key=("id", "N"), range_key=None)
    add_color_index(dynamo)
    for _ in range(500):
        if not backfill.pending(dynamo.storage):
            break
        time.sleep(0.01)
    worker.stop()
    assert backfill.pending(dynamo.storage) == []


def enable_ttl(dynamo: Dynamo, table: str, enabled: bool = True) -> None:
    spec: dict[str, Any] = {"Enabled": enabled, "AttributeName": "e"}
    dynamo("UpdateTimeToLive", {"TableName": table, "TimeToLiveSpecification": spec})


class CountingStorage(InterleavingStorage):
    """Counts the items a write transaction reads by key."""

    def __init__(self, inner: MemoryStorage) -> None:
        super().__init__(inner, lambda: None)
        self.item_reads = 0

    def write(self, fn: Callable[[WriteTxn], T]) -> T:
        def counted(txn: WriteTxn) -> T:
            original = txn.get_item

            def get_item(table_id: str, pk: bytes, sk: bytes) -> Any:
                self.item_reads += 1
                return original(table_id, pk, sk)

            txn.get_item = get_item  # type: ignore[method-assign]
            return fn(txn)

        return super().write(counted)


def test_a_sweep_costs_what_expires_not_the_table(dynamo: Dynamo) -> None:
    dynamo.create_table("Big", hash_key=("k", "N"), range_key=None)
    enable_ttl(dynamo, "Big")
    for number in range(300):
        expires = NOW - 5 if number < 3 else NOW + 1000
        put(dynamo, "Big", {"k": {"N": str(number)}, "e": {"N": str(expires)}})
    counting = CountingStorage(dynamo.storage)
    assert ttl.sweep(counting, NOW) == 3  # type: ignore[arg-type]
    assert counting.item_reads == 3  # only the expired items are read
    assert count(dynamo, "Big") == 297


def test_items_written_before_ttl_was_enabled_expire_after_the_build(dynamo: Dynamo) -> None:
    dynamo.create_table("Old", hash_key=("k", "N"), range_key=None)
    for number in range(250):  # several build batches
        put(dynamo, "Old", {"k": {"N": str(number)}, "e": {"N": str(NOW - 1 - number % 2)}})
    enable_ttl(dynamo, "Old")
    assert ttl.sweep(dynamo.storage, NOW) == 0  # nothing indexed yet: the build comes first
    assert ttl.build_pending(dynamo.storage) == 1
    assert ttl.sweep(dynamo.storage, NOW) == 250
    assert count(dynamo, "Old") == 0


def test_changing_or_removing_the_ttl_value_moves_the_item_out_of_reach(dynamo: Dynamo) -> None:
    dynamo.create_table("Moves", hash_key=("k", "S"), range_key=None)
    enable_ttl(dynamo, "Moves")
    for key in ("extend", "remove", "stay"):
        put(dynamo, "Moves", {"k": {"S": key}, "e": {"N": str(NOW - 1)}})
    later = {":e": {"N": str(NOW + 500)}}
    dynamo(
        "UpdateItem",
        {
            "TableName": "Moves",
            "Key": {"k": {"S": "extend"}},
            "UpdateExpression": "SET e = :e",
            "ExpressionAttributeValues": later,
        },
    )
    dynamo(
        "UpdateItem",
        {"TableName": "Moves", "Key": {"k": {"S": "remove"}}, "UpdateExpression": "REMOVE e"},
    )
    assert ttl.sweep(dynamo.storage, NOW) == 1
    assert {item["k"]["S"] for item in dynamo("Scan", {"TableName": "Moves"})["Items"]} == {
        "extend",
        "remove",
    }
    assert ttl.sweep(dynamo.storage, NOW + 501) == 1


def test_disabling_ttl_stops_deletions(dynamo: Dynamo) -> None:
    dynamo.create_table("Off", hash_key=("k", "S"), range_key=None)
    enable_ttl(dynamo, "Off")
    put(dynamo, "Off", {"k": {"S": "a"}, "e": {"N": str(NOW - 1)}})
    enable_ttl(dynamo, "Off", enabled=False)
    assert ttl.sweep(dynamo.storage, NOW) == 0
    assert count(dynamo, "Off") == 1
