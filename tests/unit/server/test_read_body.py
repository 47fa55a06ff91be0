"""Reading a request body: whole, refused when too large, never served truncated."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from typing import Any

import pytest

from dynafed.server.asgi import BodyTooLarge, ClientGone, Receive, read_body


def _receiving(messages: Iterable[dict[str, Any]]) -> Receive:
    queue = list(messages)

    async def receive() -> dict[str, Any]:
        return queue.pop(0)

    return receive


def test_chunks_are_joined() -> None:
    receive = _receiving(
        [
            {"type": "http.request", "body": b"Action=", "more_body": True},
            {"type": "http.request", "body": b"GetCallerIdentity", "more_body": False},
        ]
    )
    assert asyncio.run(read_body(receive, None, 1024)) == b"Action=GetCallerIdentity"


def test_a_body_cut_short_by_a_disconnect_is_not_a_request() -> None:
    receive = _receiving(
        [
            {"type": "http.request", "body": b"Action=AssumeRole&RoleArn=x", "more_body": True},
            {"type": "http.disconnect"},
        ]
    )
    with pytest.raises(ClientGone):
        asyncio.run(read_body(receive, None, 1024))


def test_too_large_is_refused_from_the_declared_length_or_as_it_arrives() -> None:
    with pytest.raises(BodyTooLarge):
        asyncio.run(read_body(_receiving([]), 2048, 1024))
    chunks = [{"type": "http.request", "body": b"x" * 600, "more_body": True}] * 2
    with pytest.raises(BodyTooLarge):
        asyncio.run(read_body(_receiving(chunks), None, 1024))
