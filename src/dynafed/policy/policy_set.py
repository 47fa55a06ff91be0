"""The policies that apply to one principal, grouped by the role each plays."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from dynafed.policy.decision import Decision, EvalDecision, StatementRef
from dynafed.policy.kinds import PolicyType
from dynafed.policy.model import Effect, Policy, Statement


@dataclass(frozen=True, slots=True)
class NamedPolicy:
    """A policy and the id decisions report for it (policy name, ARN, or any label)."""

    id: str
    policy: Policy


@dataclass(frozen=True, slots=True)
class SourcedStatement:
    statement: Statement
    ref: StatementRef
    decision: Decision
    """What this statement decides when it applies (built once: decisions are hot)."""


@dataclass(frozen=True, slots=True)
class PolicySet:
    identity: tuple[NamedPolicy, ...] = ()
    """Inline and attached managed policies of the role (or user)."""
    boundary: NamedPolicy | None = None
    """The permissions boundary, if the role has one."""
    session: tuple[NamedPolicy, ...] | None = None
    """Session policies passed when the session was created. None: none were passed, and
    nothing is restricted; an empty tuple would restrict everything."""
    resource: tuple[NamedPolicy, ...] = ()
    """Resource-based policies of the resource (or a role's trust policy, for AssumeRole*)."""

    denies: tuple[SourcedStatement, ...] = field(init=False, repr=False, compare=False)
    """Every Deny statement, in AWS's reporting order: identity, resource, boundary, session."""
    allows: dict[PolicyType, tuple[SourcedStatement, ...]] = field(
        init=False, repr=False, compare=False
    )
    candidate_cache: dict[tuple[str, str], Any] = field(init=False, repr=False, compare=False)
    """Used by `candidates.candidates_for`: (action, resource) → the statements to check."""

    def __post_init__(self) -> None:
        by_type = {
            PolicyType.IDENTITY: self.identity,
            PolicyType.RESOURCE: self.resource,
            PolicyType.BOUNDARY: (self.boundary,) if self.boundary is not None else (),
            PolicyType.SESSION: self.session or (),
        }
        denies: list[SourcedStatement] = []
        allows: dict[PolicyType, tuple[SourcedStatement, ...]] = {}
        for policy_type, named_policies in by_type.items():
            sourced = [
                _sourced(policy_type, n, s) for n in named_policies for s in n.policy.statements
            ]
            denies.extend(s for s in sourced if s.statement.effect is Effect.DENY)
            allows[policy_type] = tuple(s for s in sourced if s.statement.effect is Effect.ALLOW)
        object.__setattr__(self, "denies", tuple(denies))
        object.__setattr__(self, "allows", allows)
        object.__setattr__(self, "candidate_cache", {})

    def statements(self) -> tuple[SourcedStatement, ...]:
        """Every statement, denies first."""
        return self.denies + tuple(s for group in self.allows.values() for s in group)


def _sourced(policy_type: PolicyType, named: NamedPolicy, statement: Statement) -> SourcedStatement:
    ref = StatementRef(policy_type, named.id, statement.sid, statement.index)
    outcome = (
        EvalDecision.ALLOWED if statement.effect is Effect.ALLOW else EvalDecision.EXPLICIT_DENY
    )
    return SourcedStatement(statement, ref, Decision(outcome, policy_type, ref))
