"""Two server nodes on one PostgreSQL schema write to a table with a stream while a third
client reads the stream with boto3's `dynamodbstreams` client, its requests alternating
between the nodes (issue 14, "Storage").

What a consumer checks: every committed write's record arrives exactly once; within a shard
records come in increasing sequence number order; following DescribeStream's lineage (a
child shard after its parent) the changes to one item arrive in the order they were made,
with none missing. The shards roll over every few records (`--stream-shard-records`), so
the reader crosses shards opened by either node. Runs in both write-isolation modes of the
PostgreSQL backend (docs/decisions/postgres-write-isolation.md)."""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from tests.support.clients import client
from tests.support.cluster import Cluster, running_cluster
from tests.support.dynamodb_tables import create_table
from tests.support.stream_poller import StreamPoller

pytestmark = pytest.mark.e2e

WRITERS = 6
"""Writer threads; thread t writes through node t % 2."""
PUTS_PER_WRITER = 20
SHARD_RECORDS = 25
READ_DEADLINE_SECONDS = 60


@pytest.fixture(scope="module", params=["locks", "serializable"])
def cluster(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Cluster]:
    with running_cluster(
        tmp_path_factory.mktemp("streams-multinode"),
        isolation=request.param,
        extra_args=("--stream-shard-records", str(SHARD_RECORDS)),
    ) as running:
        yield running


def write_from(dynamodb: Any, table: str, writer: int) -> None:
    """Distinct items of its own, and an increment of one item every writer shares."""
    for n in range(PUTS_PER_WRITER):
        dynamodb.put_item(
            TableName=table,
            Item={"pk": {"S": f"writer-{writer}"}, "sk": {"N": str(n)}},
        )
        dynamodb.update_item(
            TableName=table,
            Key={"pk": {"S": "shared"}, "sk": {"N": "0"}},
            UpdateExpression="ADD hits :one",
            ExpressionAttributeValues={":one": {"N": "1"}},
        )


def test_a_reader_sees_every_nodes_records_once_in_order(cluster: Cluster) -> None:
    writers = [client(cluster.nodes[t % 2], "dynamodb") for t in range(WRITERS)]
    table = create_table(
        writers[0],
        "StreamedCluster",
        ("pk", "S"),
        ("sk", "N"),
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_IMAGE"},
    )
    arn = writers[0].describe_table(TableName=table)["Table"]["LatestStreamArn"]
    reader = StreamPoller([client(node, "dynamodbstreams") for node in cluster.nodes], arn)
    expected = WRITERS * PUTS_PER_WRITER * 2
    writing_done = threading.Event()

    with ThreadPoolExecutor(WRITERS) as pool:
        futures = [pool.submit(write_from, writers[t], table, t) for t in range(WRITERS)]
        # Read while they write: the reader must never skip past a record still to commit.
        deadline = time.monotonic() + READ_DEADLINE_SECONDS
        while len(reader.records()) < expected and time.monotonic() < deadline:
            if not reader.poll():
                writing_done.wait(0.02)  # nothing new yet: let the writers run
            if all(future.done() for future in futures):
                writing_done.set()
    for future in futures:
        future.result()

    records = reader.records()
    assert len(records) == expected
    numbers = [int(record["dynamodb"]["SequenceNumber"]) for record in records]
    assert len(set(numbers)) == len(numbers)
    # Ordered within each shard (on PostgreSQL a stream has several lanes, each its own line
    # of shards: order across lanes is not promised, as on AWS; each item's is, below).
    for shard in reader.shards.values():
        in_shard = [int(r["dynamodb"]["SequenceNumber"]) for r in shard.records]
        assert in_shard == sorted(in_shard)
    assert len(reader.shards) >= expected // SHARD_RECORDS

    puts = Counter(
        (r["dynamodb"]["Keys"]["pk"]["S"], r["dynamodb"]["Keys"]["sk"]["N"])
        for r in records
        if r["dynamodb"]["Keys"]["pk"]["S"] != "shared"
    )
    assert set(puts.values()) == {1}
    assert set(puts) == {
        (f"writer-{t}", str(n)) for t in range(WRITERS) for n in range(PUTS_PER_WRITER)
    }
    hits = [
        int(r["dynamodb"]["NewImage"]["hits"]["N"])
        for r in records
        if r["dynamodb"]["Keys"]["pk"]["S"] == "shared"
    ]
    assert hits == list(range(1, WRITERS * PUTS_PER_WRITER + 1))
    assert [r["eventName"] for r in records if r["dynamodb"]["Keys"]["pk"]["S"] == "shared"] == [
        "INSERT",
        *["MODIFY"] * (WRITERS * PUTS_PER_WRITER - 1),
    ]
