"""Two server nodes on one PostgreSQL schema write the same items at once (issue 7).

Many client threads, half of them talking to each node, increment the same items and move
amounts between the same accounts. What a user checks afterwards: every acknowledged write
is there exactly once (no lost and no doubled update), a conditional write that was refused
wrote nothing, and a transaction applied all of its actions or none of them.

Semantics followed: "Condition expressions" and "Atomic counters" (DynamoDB Developer Guide,
Working with items), and the TransactWriteItems API reference (all-or-nothing, cancellation
reasons). Runs in both write-isolation modes of the PostgreSQL backend
(docs/decisions/postgres-write-isolation.md).
"""

from __future__ import annotations

import random
import threading
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.support.clients import client
from tests.support.cluster import Cluster, running_cluster
from tests.support.dynamodb_tables import create_table

pytestmark = pytest.mark.e2e

THREADS = 8
"""Client threads; thread t talks to node t % 2."""
INCREMENTS_PER_THREAD = 12
TRANSFERS_PER_THREAD = 12
ACCOUNTS = 5
OPENING_BALANCE = 100
MAX_ATTEMPTS = 500
"""A conditional increment retried this often without success means the nodes starve."""


@pytest.fixture(scope="module", params=["locks", "serializable"])
def cluster(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Cluster]:
    with running_cluster(tmp_path_factory.mktemp("multinode"), isolation=request.param) as running:
        yield running


@pytest.fixture(scope="module")
def table(cluster: Cluster) -> str:
    return create_table(client(cluster.nodes[0], "dynamodb"), "Counters", ("id", "S"))


def on_each_thread(cluster: Cluster, work: Callable[[int, Any], None]) -> None:
    """Run `work(thread_number, dynamodb_client)` on THREADS threads, spread over the nodes;
    re-raise the first failure."""
    clients = [client(cluster.nodes[t % len(cluster.nodes)], "dynamodb") for t in range(THREADS)]
    with ThreadPoolExecutor(THREADS) as pool:
        futures = [pool.submit(work, t, clients[t]) for t in range(THREADS)]
    for future in futures:
        future.result()


def error_code(error: ClientError) -> str:
    return str(error.response["Error"]["Code"])


def number(item: dict[str, Any], name: str) -> int:
    return int(item[name]["N"])


def test_conditional_increments_from_both_nodes_are_neither_lost_nor_doubled(
    cluster: Cluster, table: str
) -> None:
    """Optimistic concurrency with a version attribute: read, then write on the condition
    that the version is still the one read; a refused write is retried."""
    dynamodb = client(cluster.nodes[0], "dynamodb")
    items = ["hot-a", "hot-b"]
    for name in items:
        dynamodb.put_item(
            TableName=table, Item={"id": {"S": name}, "n": {"N": "0"}, "version": {"N": "0"}}
        )
    acknowledged: dict[str, list[int]] = {name: [] for name in items}
    refused = Counter[int]()
    lock = threading.Lock()

    def increment(thread: int, dynamodb: Any) -> None:
        for i in range(INCREMENTS_PER_THREAD):
            name = items[(thread + i) % len(items)]
            for _ in range(MAX_ATTEMPTS):
                key = {"id": {"S": name}}
                seen = dynamodb.get_item(TableName=table, Key=key, ConsistentRead=True)["Item"]
                version = number(seen, "version")
                try:
                    answer = dynamodb.update_item(
                        TableName=table,
                        Key=key,
                        UpdateExpression="SET n = n + :one, version = :next",
                        ConditionExpression="version = :seen",
                        ExpressionAttributeValues={
                            ":one": {"N": "1"},
                            ":seen": {"N": str(version)},
                            ":next": {"N": str(version + 1)},
                        },
                        ReturnValues="UPDATED_NEW",
                    )
                except ClientError as error:
                    if error_code(error) != "ConditionalCheckFailedException":
                        raise
                    with lock:
                        refused[thread % 2] += 1
                    continue
                with lock:
                    acknowledged[name].append(number(answer["Attributes"], "version"))
                break
            else:
                raise AssertionError(f"no increment of {name} in {MAX_ATTEMPTS} attempts")

    on_each_thread(cluster, increment)

    total = THREADS * INCREMENTS_PER_THREAD
    assert sum(len(versions) for versions in acknowledged.values()) == total
    for name, versions in acknowledged.items():
        final = dynamodb.get_item(TableName=table, Key={"id": {"S": name}}, ConsistentRead=True)
        assert number(final["Item"], "n") == len(versions)
        assert number(final["Item"], "version") == len(versions)
        # Each acknowledged write moved the item to a version of its own.
        assert sorted(versions) == list(range(1, len(versions) + 1))
    # The items really were contended, through both nodes.
    assert refused[0] > 0 and refused[1] > 0


def test_atomic_counter_updates_from_both_nodes_all_count(cluster: Cluster, table: str) -> None:
    """UpdateItem's own read-modify-write (ADD) on one item, without a condition."""
    key = {"id": {"S": "page-views"}}
    seen: list[int] = []
    lock = threading.Lock()

    def add(_thread: int, dynamodb: Any) -> None:
        for _ in range(INCREMENTS_PER_THREAD):
            answer = dynamodb.update_item(
                TableName=table,
                Key=key,
                UpdateExpression="ADD hits :one",
                ExpressionAttributeValues={":one": {"N": "1"}},
                ReturnValues="UPDATED_NEW",
            )
            with lock:
                seen.append(number(answer["Attributes"], "hits"))

    on_each_thread(cluster, add)

    final = client(cluster.nodes[1], "dynamodb").get_item(
        TableName=table, Key=key, ConsistentRead=True
    )
    total = THREADS * INCREMENTS_PER_THREAD
    assert number(final["Item"], "hits") == total
    assert sorted(seen) == list(range(1, total + 1))


def transfer(source: str, target: str, amount: int, table: str) -> list[dict[str, Any]]:
    """Move `amount` from `source` to `target` if `source` has it."""
    return [
        {
            "Update": {
                "TableName": table,
                "Key": {"id": {"S": source}},
                "UpdateExpression": "SET balance = balance - :amount",
                "ConditionExpression": "balance >= :amount",
                "ExpressionAttributeValues": {":amount": {"N": str(amount)}},
            }
        },
        {
            "Update": {
                "TableName": table,
                "Key": {"id": {"S": target}},
                "UpdateExpression": "SET balance = balance + :amount",
                "ExpressionAttributeValues": {":amount": {"N": str(amount)}},
            }
        },
    ]


def open_accounts(cluster: Cluster, table: str, prefix: str) -> list[str]:
    dynamodb = client(cluster.nodes[0], "dynamodb")
    accounts = [f"{prefix}-{n}" for n in range(ACCOUNTS)]
    for account in accounts:
        dynamodb.put_item(
            TableName=table,
            Item={"id": {"S": account}, "balance": {"N": str(OPENING_BALANCE)}},
        )
    return accounts


def balances(dynamodb: Any, table: str, accounts: list[str]) -> dict[str, int]:
    return {
        account: number(
            dynamodb.get_item(TableName=table, Key={"id": {"S": account}}, ConsistentRead=True)[
                "Item"
            ],
            "balance",
        )
        for account in accounts
    }


def test_contended_transfers_across_nodes_are_all_or_nothing(cluster: Cluster, table: str) -> None:
    """Transfers between a few accounts from both nodes, in both directions at once. Every
    fifth asks for more than any account holds: its credit half must not be applied either.
    Afterwards each balance is the opening balance plus the acknowledged transfers in, minus
    the acknowledged transfers out."""
    accounts = open_accounts(cluster, table, "account")
    applied: list[tuple[str, str, int]] = []
    cancelled = Counter[str]()
    lock = threading.Lock()

    def transfers(thread: int, dynamodb: Any) -> None:
        rng = random.Random(thread)
        for i in range(TRANSFERS_PER_THREAD):
            source, target = rng.sample(accounts, 2)
            amount = 10_000 if i % 5 == 4 else rng.randint(1, 40)
            try:
                dynamodb.transact_write_items(TransactItems=transfer(source, target, amount, table))
            except ClientError as error:
                if error_code(error) != "TransactionCanceledException":
                    raise
                reasons = [r["Code"] for r in error.response.get("CancellationReasons", [])]
                with lock:
                    cancelled.update(code for code in reasons if code != "None")
                continue
            with lock:
                applied.append((source, target, amount))

    on_each_thread(cluster, transfers)

    expected = dict.fromkeys(accounts, OPENING_BALANCE)
    for source, target, amount in applied:
        expected[source] -= amount
        expected[target] += amount
    found = balances(client(cluster.nodes[1], "dynamodb"), table, accounts)
    assert found == expected
    assert sum(found.values()) == OPENING_BALANCE * ACCOUNTS
    assert min(found.values()) >= 0
    assert all(amount < 10_000 for _, _, amount in applied)
    assert cancelled["ConditionalCheckFailed"] >= THREADS * TRANSFERS_PER_THREAD // 5
    assert len(applied) >= THREADS * TRANSFERS_PER_THREAD // 2


def test_a_client_request_token_is_honoured_by_every_node(cluster: Cluster, table: str) -> None:
    """A TransactWriteItems retried with the same ClientRequestToken through another node
    (as a client behind a load balancer would) is applied once."""
    accounts = open_accounts(cluster, table, "idempotent")
    request = {
        "TransactItems": transfer(accounts[0], accounts[1], 30, table),
        "ClientRequestToken": f"transfer-{accounts[0]}-once",
    }
    for node in cluster.nodes:
        client(node, "dynamodb").transact_write_items(**request)
    found = balances(client(cluster.nodes[0], "dynamodb"), table, accounts[:2])
    assert found == {accounts[0]: OPENING_BALANCE - 30, accounts[1]: OPENING_BALANCE + 30}


def test_both_nodes_kept_serving(cluster: Cluster) -> None:
    for node in cluster.nodes:
        assert node.process.poll() is None
        assert not any("Traceback" in line for line in node.output)
