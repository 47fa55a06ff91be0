"""Session policies passed to AssumeRole*: checked when the session is created.

`Policy` must be a valid identity-style policy (MalformedPolicyDocument otherwise, with the
policy engine's IAM wording); every `PolicyArns` entry must name an existing managed policy
of the role's account ("The policies must exist in the same account as the role", STS API
reference, AssumeRoleWithWebIdentity). AWS publishes no error text for a missing one; we
answer MalformedPolicyDocument with IAM's "does not exist or is not attachable" wording [C].
Then policies and session tags are packed, and more than 100 % of the budget is
PackedPolicyTooLarge (see `packed_policy`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from dynafed.errors import MalformedPolicyDocument
from dynafed.policy import PolicyKind
from dynafed.sts.packed_policy import check_packed_policy_size, packed_policy_size
from dynafed.sts.trust import ParsePolicy


def check_session_policies(
    policy: str | None,
    arns: Sequence[str],
    tags: Mapping[str, str],
    policy_exists: Callable[[str], bool],
    parse: ParsePolicy,
) -> int | None:
    """The PackedPolicySize to report (None when no policy or tag was passed)."""
    if policy is not None:
        parse(policy, PolicyKind.SESSION)
    for arn in arns:
        if not policy_exists(arn):
            raise MalformedPolicyDocument(f"Policy {arn} does not exist or is not attachable.")
    if policy is None and not arns and not tags:
        return None
    size = packed_policy_size(policy, arns, tags)
    check_packed_policy_size(size)
    return size
