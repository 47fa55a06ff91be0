"""The expiry index of a table with TTL enabled: its items ordered by TTL timestamp, so a
sweep reads only what has expired instead of the whole table.

Pure. Entries live under storage id `<table_id>/ttl`, all in one partition (`pk` = b""),
with `sk = encode_composite([expiry, table pk, table sk])`: expiry (a number, encoded so
byte order is numeric order) first, the item's own storage key to keep entries unique and to
find the item again. Only items whose TTL attribute is a Number get an entry; the sweep still
re-checks every item ("Time to Live (TTL)", DynamoDB Developer Guide).
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from dynafed.dynamodb.keys import (
    composite_bound,
    decode_composite,
    encode_composite,
    encode_number,
)
from dynafed.dynamodb.tables import Table
from dynafed.dynamodb.values import AttributeValue
from dynafed.storage.port import KeyRange

PARTITION = b""
FIVE_YEARS_SECONDS = 5 * 365 * 24 * 3600
"""Items whose TTL lies further in the past are left alone, as DynamoDB leaves them."""


def storage_id(table: Table) -> str:
    return f"{table.table_id}/ttl"


def attribute(table: Table) -> str | None:
    """The TTL attribute while TTL is enabled."""
    return table.time_to_live.attribute_name if table.time_to_live.enabled else None


def entry_key(
    table: Table, item: Mapping[str, AttributeValue], pk: bytes, sk: bytes
) -> bytes | None:
    """The entry's sort key for an item stored at `(pk, sk)`; None when it has no entry."""
    name = attribute(table)
    value = None if name is None else item.get(name)
    if value is None or "N" not in value:
        return None
    return encode_composite([encode_number(value["N"]), pk, sk])


def item_position(entry_sk: bytes) -> tuple[bytes, bytes]:
    """The `(pk, sk)` of the item an entry stands for."""
    _expiry, pk, sk = decode_composite(entry_sk)
    return pk, sk


def expired_range(now: float) -> KeyRange:
    """Entries with an expiry before `now` and not more than five years before it."""
    oldest = _number_text(Decimal(str(now)) - FIVE_YEARS_SECONDS)
    return KeyRange(
        low=composite_bound(encode_number(oldest), after=False),
        low_inclusive=True,
        high=composite_bound(encode_number(_number_text(Decimal(str(now)))), after=False),
        high_inclusive=False,
    )


def _number_text(value: Decimal) -> str:
    return format(value, "f")
