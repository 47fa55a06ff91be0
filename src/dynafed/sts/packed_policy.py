"""`PackedPolicySize`: how much of the session's packed-policy budget the call used.

AWS does not document its packing; it compresses session policies and session tags into a
fixed budget and reports the percentage used, failing above 100 % with PackedPolicyTooLarge.
We pack the same inputs with zlib over a fixed budget, so small policies report a few
percent and oversized policy-plus-tag sets fail the way AWS's do.
"""

from __future__ import annotations

import json
import math
import zlib
from collections.abc import Mapping, Sequence

from dynafed.errors import PackedPolicyTooLarge

PACKED_BUDGET_BYTES = 1024


def packed_policy_size(
    policy: str | None, policy_arns: Sequence[str], tags: Mapping[str, str]
) -> int:
    """The percentage of the packed budget used (0 when nothing is passed)."""
    if policy is None and not policy_arns and not tags:
        return 0
    parts: list[str] = []
    if policy is not None:
        try:
            parts.append(json.dumps(json.loads(policy), separators=(",", ":")))
        except ValueError:
            parts.append(policy)
    parts.extend(policy_arns)
    parts.extend(f"{key}={value}" for key, value in sorted(tags.items()))
    packed = zlib.compress("\n".join(parts).encode("latin-1", "replace"), 9)
    return math.ceil(100 * len(packed) / PACKED_BUDGET_BYTES)


def check_packed_policy_size(percentage: int) -> None:
    if percentage > 100:
        raise PackedPolicyTooLarge(
            f"Packed policy consumes {percentage}% of allotted space, please use smaller policy."
        )
