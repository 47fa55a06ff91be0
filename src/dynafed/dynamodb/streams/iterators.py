"""Shard iterators: where a reader is in a shard, sealed so no client can forge or alter one,
and carrying their own expiry, so any node with the key reads them without storage.

A token is `<payload>.<mac>`: the payload is URL-safe base64 of the JSON list
`[stream ARN, shard id, after, issued at, expires at]` (`after`: the reader has every record
up to that sequence number; the next read returns the ones after it), the MAC its
HMAC-SHA256 under the server's iterator key. Pure: time comes in as an argument.

API reference, GetShardIterator: "A shard iterator expires 15 minutes after it is returned
to the requester"; GetRecords answers ExpiredIteratorException for an expired one.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from dataclasses import dataclass
from datetime import UTC, datetime

import orjson

from dynafed.dynamodb.streams.errors import ExpiredIteratorException
from dynafed.errors import ValidationException

LIFETIME_SECONDS = 15 * 60
MAX_LENGTH = 2048
"""AWS's bound on a ShardIterator (botocore's model)."""


@dataclass(frozen=True, slots=True)
class Position:
    stream_arn: str
    shard_id: str
    after: int
    """The last sequence number already read (records after it come next)."""


def encode(key: bytes, position: Position, now: float, lifetime: float = LIFETIME_SECONDS) -> str:
    payload = orjson.dumps(
        [position.stream_arn, position.shard_id, position.after, now, now + lifetime]
    )
    body = _b64(payload)
    return f"{body}.{_mac(key, body)}"


def decode(key: bytes, token: str, now: float) -> Position:
    """The position `token` holds; ValidationException if it is not one this server issued,
    ExpiredIteratorException once it has expired."""
    body, _, mac = token.partition(".")
    if len(token) > MAX_LENGTH or not hmac.compare_digest(mac, _mac(key, body)):
        raise _invalid()
    try:
        arn, shard_id, after, issued, expires = orjson.loads(base64.urlsafe_b64decode(body + "=="))
    except (ValueError, TypeError):
        raise _invalid() from None
    if now >= expires:
        raise ExpiredIteratorException(
            f"Iterator expired. The iterator was created at time {_iso(issued)} while right now "
            f"it is {_iso(now)}. The iterator is valid for 15 minutes."
        )
    return Position(arn, shard_id, after)


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _mac(key: bytes, body: str) -> str:
    return _b64(hmac.new(key, body.encode(), hashlib.sha256).digest())


def _invalid() -> ValidationException:
    return ValidationException("Invalid ShardIterator")


def _iso(seconds: float) -> str:
    return datetime.fromtimestamp(seconds, UTC).strftime("%a %b %d %H:%M:%S UTC %Y")
