"""The result of one evaluation, and why."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

from dynafed.policy.kinds import PolicyType


class EvalDecision(enum.Enum):
    """The simulator's `EvalDecision` values."""

    ALLOWED = "allowed"
    EXPLICIT_DENY = "explicitDeny"
    IMPLICIT_DENY = "implicitDeny"


@dataclass(frozen=True, slots=True)
class StatementRef:
    """Which statement of which policy."""

    policy_type: PolicyType
    policy_id: str
    """The id the caller gave the policy in the `PolicySet` (a name or an ARN)."""
    sid: str | None
    index: int
    """Position of the statement in the policy's `Statement` list (0-based)."""


@dataclass(frozen=True, slots=True)
class ConditionFailure:
    """A statement whose action and resource matched, and the first condition that failed."""

    statement: StatementRef
    operator: str
    key: str


@dataclass(frozen=True, slots=True)
class Decision:
    decision: EvalDecision
    policy_type: PolicyType | None
    """Explicit deny: the type holding the deny. Implicit deny: the type that lacks an
    allow (identity-based when nothing allowed at all). Allowed: the type of `statement`."""
    statement: StatementRef | None
    """The deciding statement: the deny, or the allow that granted (identity-based first, or
    the resource-based one that granted directly). None for an implicit deny."""
    failed_conditions: tuple[ConditionFailure, ...] = ()
    """Implicit deny only: allow statements of `policy_type` that matched the action and
    resource but whose conditions did not hold."""
    allowed: bool = field(init=False, compare=False, repr=False)
    """Worked out once: enforcement asks each cached decision on every request."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "allowed", self.decision is EvalDecision.ALLOWED)
