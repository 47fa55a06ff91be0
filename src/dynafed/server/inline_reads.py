"""Which DynamoDB requests the edge runs on the event loop instead of a worker thread.

A worker-thread hop (submit, wake a thread, hand the result back to the loop, wake the loop)
cost more than a whole SQLite point read: about a fifth of a GetItem's CPU time. So reads
whose work is small and bounded run inline when storage is local (SQLite, memory), where a
read never waits on the network or on a lock: WAL readers do not wait for the writer.
Writes keep the pool, since they wait for group commit; so do Query and Scan pages that
may read up to 1 MB (no Limit, or a large one), and BatchGetItem and TransactGetItems
(up to 100 items of 400 KB each: 16 MB and 4 MB answers), so one big answer never stalls
the loop and every other connection with it.

Each operation declares which it is, beside its `run` (`RUNS_INLINE` in
`dynamodb/operations/<operation>.py`); `runs_inline` is the DynamoDB registry's answer.
`never_inline` is for storage whose reads may wait on the network (PostgreSQL).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from dynafed.dynamodb.service import runs_inline

__all__ = ["never_inline", "runs_inline"]


def never_inline(operation: str, body: Mapping[str, Any]) -> bool:
    """For storage whose reads may wait on the network (PostgreSQL)."""
    return False
