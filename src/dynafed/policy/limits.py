"""IAM's policy size quotas (IAM and AWS STS quotas page). White space is not counted.

The limits depend on where a document is stored, so the IAM use cases call these next to
`parse_policy`. Messages are the ones IAM returns (LimitExceeded, HTTP 409), as real
responses quoted in public reports show them:

- managed policy: "Cannot exceed quota for PolicySize: 6144"
  (ministryofjustice/cloud-platform-environments#14473, CreatePolicyVersion);
- trust policy: "Cannot exceed quota for ACLSizePerRole: 2048" (kubeflow/dashboard#29,
  UpdateAssumeRolePolicy, status 409);
- inline policies of a role, together: "Maximum policy size of 10240 bytes exceeded for
  role NAME" (aws-amplify/amplify-backend#2615; the user and group forms, 2048 and 5120,
  in ministryofjustice/cloud-platform-environments#5303 and HumanCellAtlas/data-store#1963).
"""

from __future__ import annotations

from collections.abc import Iterable

from dynafed.errors import LimitExceeded

MANAGED_POLICY_LIMIT = 6144
TRUST_POLICY_LIMIT = 2048
"""Default; adjustable up to 4096 by a quota increase."""
ROLE_INLINE_LIMIT = 10240
USER_INLINE_LIMIT = 2048
GROUP_INLINE_LIMIT = 5120


def policy_size(text: str) -> int:
    """Characters that count toward a quota: everything but white space."""
    return sum(1 for char in text if not char.isspace())


def check_managed_policy_size(text: str) -> None:
    if policy_size(text) > MANAGED_POLICY_LIMIT:
        raise LimitExceeded(f"Cannot exceed quota for PolicySize: {MANAGED_POLICY_LIMIT}")


def check_trust_policy_size(text: str, limit: int = TRUST_POLICY_LIMIT) -> None:
    if policy_size(text) > limit:
        raise LimitExceeded(f"Cannot exceed quota for ACLSizePerRole: {limit}")


def check_inline_policies_size(
    texts: Iterable[str], *, role_name: str, limit: int = ROLE_INLINE_LIMIT
) -> None:
    """`texts`: every inline policy the role would have after the change."""
    if sum(policy_size(t) for t in texts) > limit:
        raise LimitExceeded(f"Maximum policy size of {limit} bytes exceeded for role {role_name}")
