"""DynamoDB's JSON 1.0 framing: request bodies in, results and typed errors out."""

from __future__ import annotations

import gzip
import zlib
from typing import Any

import orjson

from dynafed.errors import (
    AwsError,
    DynamoDBError,
    InternalServerError,
    RequestEntityTooLarge,
    SerializationException,
    ValidationException,
)

CONTENT_TYPE = "application/x-amz-json-1.0"

Response = tuple[int, bytes, list[tuple[str, str]]]


def parse_body(body: bytes) -> dict[str, Any]:
    if not body:
        return {}
    try:
        parsed = orjson.loads(body)
    except orjson.JSONDecodeError:
        raise SerializationException(
            "Start of structure or map found where not expected."
            if body.lstrip()[:1] not in (b"{", b"")
            else "The request body could not be parsed as JSON."
        ) from None
    if not isinstance(parsed, dict):
        raise SerializationException("Start of structure or map found where not expected.")
    return parsed


def _headers(body: bytes, request_id: str, error_type: str | None = None) -> list[tuple[str, str]]:
    # boto3 and the JS SDK check x-amz-crc32 when present, as DynamoDB always sends it.
    headers = [
        ("content-type", CONTENT_TYPE),
        ("x-amzn-requestid", request_id),
        ("x-amz-crc32", str(zlib.crc32(body))),
    ]
    if error_type is not None:
        headers.append(("x-amzn-errortype", error_type))
    return headers


def render_result(result: dict[str, Any], request_id: str) -> Response:
    body = orjson.dumps(result)
    return 200, body, _headers(body, request_id)


COMPRESS_FROM = 1024
"""Smaller answers go as they are even to a client that accepts gzip: compressing them
would save a few bytes and cost more than it saves."""


def accepts_gzip(accept_encoding: str | None) -> bool:
    """Whether an `Accept-Encoding` header names gzip with a non-zero quality."""
    if not accept_encoding or "gzip" not in accept_encoding.lower():
        return False
    for coding in accept_encoding.lower().split(","):
        name, _, params = coding.partition(";")
        if name.strip() != "gzip":
            continue
        quality = params.strip().removeprefix("q=").strip()
        return not quality or _positive(quality)
    return False


def _positive(quality: str) -> bool:
    try:
        return float(quality) > 0
    except ValueError:
        return False


def gzipped(response: Response) -> Response:
    """`response` compressed, as DynamoDB answers a client that accepts gzip: the body
    gzipped, `Content-Encoding: gzip`, and `x-amz-crc32` of the bytes sent."""
    status, body, headers = response
    compressed = gzip.compress(body, compresslevel=6, mtime=0)
    rewritten = [(k, str(zlib.crc32(compressed)) if k == "x-amz-crc32" else v) for k, v in headers]
    rewritten.append(("content-encoding", "gzip"))
    return status, compressed, rewritten


def render_error(error: DynamoDBError, request_id: str) -> Response:
    payload: dict[str, Any] = {"__type": error.type_name, "message": error.message}
    payload.update(error.extra_fields())
    body = orjson.dumps(payload)
    return error.status, body, _headers(body, request_id, error.code)


def as_dynamodb_error(error: AwsError) -> DynamoDBError:
    return ValidationException(error.message)


def request_too_large() -> DynamoDBError:
    return RequestEntityTooLarge(
        "Request size exceeded the maximum allowed size for a DynamoDB request."
    )


def internal_error() -> DynamoDBError:
    return InternalServerError("Internal server error")
