"""Query and Scan throughput, and GetItem latency against table size (issue 5's figures).

In process, on the embedded SQLite storage (WAL, durable commits), through the DynamoDB
service exactly as the HTTP edge calls it (validation, authorization, paging), so the figures
are the engine's; a boto3 round trip adds its constant HTTP cost on top.

- full paginated Query of one 100,000-item partition, and full paginated Scan of that table
  (items/s, default page size: DynamoDB's 1 MB cap);
- GetItem latency (median, p99) with 1,000 and with 1,000,000 items in the table: it should
  stay flat, as lookups go straight to a key.

Data is loaded straight through the storage port in large write transactions (loading is not
what is measured).

    .venv/bin/python benchmarks/query_scan.py [--partition 100000] [--small 1000]
                                              [--big 1000000] [--gets 2000]
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from dynafed.core.authorization import AllowAll
from dynafed.core.clock import SystemClock
from dynafed.dynamodb.keys import encode_key_value
from dynafed.dynamodb.service import DynamoDBService
from dynafed.dynamodb.values import item_size
from dynafed.storage.port import WriteTxn
from dynafed.storage.sqlite import SqliteStorage

LOAD_BATCH = 10_000
ALLOW = AllowAll()


def create(service: DynamoDBService, name: str, *, sort_key: bool) -> str:
    definitions = [{"AttributeName": "pk", "AttributeType": "S"}]
    schema = [{"AttributeName": "pk", "KeyType": "HASH"}]
    if sort_key:
        definitions.append({"AttributeName": "sk", "AttributeType": "N"})
        schema.append({"AttributeName": "sk", "KeyType": "RANGE"})
    answer = service.handle(
        "CreateTable",
        {
            "TableName": name,
            "AttributeDefinitions": definitions,
            "KeySchema": schema,
            "BillingMode": "PAY_PER_REQUEST",
        },
        ALLOW,
    )
    table_id: str = answer["TableDescription"]["TableId"]
    return table_id


def load(storage: SqliteStorage, table_id: str, items: list[dict[str, Any]]) -> None:
    def put_all(txn: WriteTxn, batch: list[dict[str, Any]]) -> None:
        for item in batch:
            pk = encode_key_value(item["pk"])
            sk = encode_key_value(item["sk"]) if "sk" in item else b""
            txn.put_item(table_id, pk, sk, item, item_size(item))

    for start in range(0, len(items), LOAD_BATCH):
        batch = items[start : start + LOAD_BATCH]
        storage.write(lambda txn, batch=batch: put_all(txn, batch))


def payload(number: int) -> dict[str, Any]:
    return {"score": {"N": str(number * 7 % 10_000)}, "name": {"S": f"player-{number:08d}"}}


def paginate(service: DynamoDBService, operation: str, body: dict[str, Any]) -> tuple[int, int]:
    items = pages = 0
    while True:
        page = service.handle(operation, body, ALLOW)
        items += page["Count"]
        pages += 1
        if "LastEvaluatedKey" not in page:
            return items, pages
        body = {**body, "ExclusiveStartKey": page["LastEvaluatedKey"]}


def read_throughput(service: DynamoDBService, storage: SqliteStorage, size: int) -> None:
    table_id = create(service, "Partition", sort_key=True)
    load(
        storage,
        table_id,
        [{"pk": {"S": "one"}, "sk": {"N": str(n)}, **payload(n)} for n in range(size)],
    )
    query = {
        "TableName": "Partition",
        "KeyConditionExpression": "pk = :p",
        "ExpressionAttributeValues": {":p": {"S": "one"}},
    }
    for operation, body in (("Query", query), ("Scan", {"TableName": "Partition"})):
        started = time.perf_counter()
        items, pages = paginate(service, operation, body)
        elapsed = time.perf_counter() - started
        assert items == size
        print(
            f"{operation:<5} {size:>9,} items in {pages:>3} pages: {elapsed:6.2f} s "
            f"= {items / elapsed:>10,.0f} items/s"
        )


def get_latency(service: DynamoDBService, storage: SqliteStorage, size: int, gets: int) -> None:
    name = f"Get{size}"
    table_id = create(service, name, sort_key=False)
    load(storage, table_id, [{"pk": {"S": f"user-{n:08d}"}, **payload(n)} for n in range(size)])
    keys = [f"user-{random.randrange(size):08d}" for _ in range(gets)]
    for key in keys[:100]:  # warm the table-document cache and SQLite's page cache
        service.handle("GetItem", {"TableName": name, "Key": {"pk": {"S": key}}}, ALLOW)
    samples = []
    for key in keys:
        started = time.perf_counter()
        answer = service.handle("GetItem", {"TableName": name, "Key": {"pk": {"S": key}}}, ALLOW)
        samples.append(time.perf_counter() - started)
        assert "Item" in answer
    samples.sort()
    median = statistics.median(samples) * 1e6
    p99 = samples[int(len(samples) * 0.99)] * 1e6
    print(f"GetItem with {size:>9,} items: median {median:6.1f} us, p99 {p99:6.1f} us")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--partition", type=int, default=100_000)
    parser.add_argument("--small", type=int, default=1_000)
    parser.add_argument("--big", type=int, default=1_000_000)
    parser.add_argument("--gets", type=int, default=2_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(dir=".") as directory:
        storage = SqliteStorage(Path(directory) / "bench.sqlite3")
        service = DynamoDBService(storage, "123456789012", "us-east-1", SystemClock())
        try:
            read_throughput(service, storage, args.partition)
            for size in (args.small, args.big):
                get_latency(service, storage, size, args.gets)
        finally:
            storage.close()


if __name__ == "__main__":
    main()
