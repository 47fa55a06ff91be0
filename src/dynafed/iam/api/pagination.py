"""IAM's Marker/MaxItems paging: `IsTruncated` always, `Marker` only when truncated.

The marker is opaque to clients; ours is the url-safe base64 of the first key of the next
page, so a page boundary survives entities being added or removed between calls.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from dynafed.errors import InvalidInput

T = TypeVar("T")

DEFAULT_MAX_ITEMS = 100


def _encode(key: str) -> str:
    return base64.urlsafe_b64encode(key.encode()).decode()


def _decode(marker: str) -> str:
    try:
        return base64.b64decode(marker.encode(), altchars=b"-_", validate=True).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError) as error:
        raise InvalidInput("Invalid Marker.") from error


def page(
    items: Sequence[T],
    key: Callable[[T], str],
    marker: str | None,
    max_items: int | None,
) -> tuple[list[T], dict[str, Any]]:
    """The page of `items` (already in key order) and its `IsTruncated`/`Marker` fields."""
    start = 0
    if marker is not None:
        first = _decode(marker)
        start = next((i for i, item in enumerate(items) if key(item) >= first), len(items))
    limit = max_items or DEFAULT_MAX_ITEMS
    chunk = list(items[start : start + limit])
    truncated = start + limit < len(items)
    fields: dict[str, Any] = {"IsTruncated": truncated}
    if truncated:
        fields["Marker"] = _encode(key(items[start + limit]))
    return chunk, fields
