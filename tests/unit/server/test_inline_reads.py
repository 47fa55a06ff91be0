"""Which DynamoDB requests run on the event loop: small bounded reads only."""

from __future__ import annotations

import pytest

from dynafed.dynamodb.reads.pages import INLINE_PAGE_LIMIT
from dynafed.dynamodb.service import runs_inline
from dynafed.server.services import never_inline


@pytest.mark.parametrize("operation", ["GetItem", "DescribeTable", "ListTables"])
def test_point_reads_and_descriptions_run_inline(operation: str) -> None:
    assert runs_inline(operation, {"TableName": "t"})


@pytest.mark.parametrize("operation", ["BatchGetItem", "TransactGetItems"])
def test_multi_item_reads_run_on_a_worker(operation: str) -> None:
    """Answers of up to 16 MB (BatchGetItem) or 4 MB (TransactGetItems) are built off the
    loop, so one never stalls every other connection."""
    assert not runs_inline(operation, {"TableName": "t"})


@pytest.mark.parametrize(
    "operation",
    ["PutItem", "UpdateItem", "DeleteItem", "BatchWriteItem", "TransactWriteItems",
     "CreateTable", "DeleteTable", "UpdateTable", "NoSuchOperation"],
)  # fmt: skip
def test_writes_wait_for_group_commit_on_a_worker(operation: str) -> None:
    assert not runs_inline(operation, {"TableName": "t"})


@pytest.mark.parametrize("operation", ["Query", "Scan"])
def test_only_pages_with_a_small_limit_run_inline(operation: str) -> None:
    assert runs_inline(operation, {"Limit": 20})
    assert runs_inline(operation, {"Limit": INLINE_PAGE_LIMIT})
    assert not runs_inline(operation, {"Limit": INLINE_PAGE_LIMIT + 1})
    assert not runs_inline(operation, {})  # up to 1 MB
    assert not runs_inline(operation, {"Limit": "20"})  # invalid: the worker reports it
    assert not runs_inline(operation, {"Limit": True})


def test_remote_storage_runs_nothing_inline() -> None:
    assert not never_inline("GetItem", {})
