"""Parallel-scan segments: which of `TotalSegments` segments an item belongs to.

Pure. An item's segment depends only on its partition-key bytes (the storage key a scan
walks), through a hash that is the same in every process and on every node (CRC-32, not
Python's salted `hash`). The hash space is cut into `total` equal ranges, so the segments
are disjoint and together cover every item, whatever the paging: a page of one segment
continues from its LastEvaluatedKey and skips items of the others ("Parallel scan",
DynamoDB Developer Guide).
"""

from __future__ import annotations

import zlib

from dynafed.errors import ValidationException

_HASH_BITS = 32


def segment_of(partition_key: bytes, total_segments: int) -> int:
    return (zlib.crc32(partition_key) * total_segments) >> _HASH_BITS


def check_segments(segment: int | None, total_segments: int | None) -> None:
    """Both or neither, and `segment` below `total_segments` (messages as DynamoDB's)."""
    if segment is not None and total_segments is None:
        raise ValidationException(
            "The TotalSegments parameter is required but was not present in the request when "
            "Segment parameter is present"
        )
    if total_segments is not None and segment is None:
        raise ValidationException(
            "The Segment parameter is required but was not present in the request when "
            "parameter TotalSegments is present"
        )
    if segment is not None and total_segments is not None and segment >= total_segments:
        raise ValidationException(
            "The Segment parameter is zero-based and must be less than parameter "
            f"TotalSegments: Segment: {segment} is not less than TotalSegments: {total_segments}"
        )
