"""Before a scenario is measured, a sample of the very requests it will replay is sent once and
each answer is checked: GetItem returns the item asked for with every projected attribute,
Query returns the partition's 20 items in sort-key order, PutItem is read back. A scenario
whose sample fails is reported as unsupported, with the server's answer as the reason."""

from __future__ import annotations

import http.client
import json
from collections.abc import Callable, Sequence
from typing import Any
from urllib.parse import urlsplit

from loadbench.dataset import ATTRIBUTES, PARTITION_KEY, QUERY_PARTITION_ITEMS, SORT_KEY, Item, Key
from loadbench.scenarios import PlannedRequest

ReadBack = Callable[[Key], Item | None]
"""Reads an item with a consistent read (as admin), to check that a put was stored."""


def send_raw(endpoint: str, raw: bytes, timeout_s: float = 30) -> tuple[int, bytes]:
    """Sends one pre-built HTTP/1.1 request on a fresh connection and returns status and body."""
    url = urlsplit(endpoint)
    host = url.hostname or "127.0.0.1"
    connection = http.client.HTTPConnection(host, url.port, timeout=timeout_s)
    try:
        connection.connect()
        assert connection.sock is not None
        connection.sock.sendall(raw)
        response = http.client.HTTPResponse(connection.sock, method="POST")
        response.begin()
        return response.status, response.read()
    finally:
        connection.close()


def first_failure(
    endpoint: str, sample: Sequence[PlannedRequest], read_back: ReadBack
) -> str | None:
    """None when every request in `sample` got the right answer, else what went wrong."""
    for planned in sample:
        status, body = send_raw(endpoint, planned.raw)
        problem = _check(planned, status, body, read_back)
        if problem:
            return f"{planned.op}: {problem}"
    return None


def enforcement_failure(endpoint: str, foreign_read: bytes) -> str | None:
    """None when the server refuses `foreign_read` (a session reading another player's
    partition) with AccessDeniedException, as AWS does; else what it answered. Measuring a
    GameRole session is only meaningful while the policy is really enforced."""
    status, body = send_raw(endpoint, foreign_read)
    if status == 400 and b"AccessDeniedException" in body:
        return None
    return f"FGAC not enforced: another player's item read gave HTTP {status} {_error_text(body)}"


def _check(planned: PlannedRequest, status: int, body: bytes, read_back: ReadBack) -> str | None:
    if status != 200:
        return f"HTTP {status} {_error_text(body)}"
    try:
        answer = json.loads(body)
    except ValueError:
        return f"reply is not JSON: {body[:120]!r}"
    if planned.op == "get":
        return _check_item(answer.get("Item"), planned.key)
    if planned.op == "query":
        return _check_partition(answer, planned.key.player)
    stored = read_back(planned.key)
    return None if stored == planned.item else f"PutItem not read back: got {stored!r}"


def _check_item(item: Any, key: Key) -> str | None:
    if not isinstance(item, dict):
        return "GetItem returned no Item"
    if item.get(PARTITION_KEY) != {"S": key.player} or item.get(SORT_KEY) != {"S": key.title}:
        return f"GetItem returned another item: {json.dumps(item)[:160]}"
    missing = [name for name in ATTRIBUTES if name not in item]
    return f"GetItem item lacks {missing}" if missing else None


def _check_partition(answer: dict[str, Any], player: str) -> str | None:
    items = answer.get("Items")
    if not isinstance(items, list) or len(items) != QUERY_PARTITION_ITEMS:
        return f"Query returned {len(items or [])} items, wanted {QUERY_PARTITION_ITEMS}"
    if answer.get("Count") != QUERY_PARTITION_ITEMS:
        return f"Query Count is {answer.get('Count')}"
    if any(item.get(PARTITION_KEY) != {"S": player} for item in items):
        return "Query returned items of another partition"
    titles = [item[SORT_KEY]["S"] for item in items]
    return None if titles == sorted(titles) else "Query items are not in sort-key order"


def _error_text(body: bytes) -> str:
    try:
        error = json.loads(body)
    except ValueError:
        return body[:200].decode("utf-8", "replace")
    if not isinstance(error, dict):
        return str(error)[:200]
    kind = str(error.get("__type", "")).rpartition("#")[2]
    message = error.get("message") or error.get("Message") or ""
    return f"{kind}: {message}"[:300]
