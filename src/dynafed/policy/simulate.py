"""What IAM's policy simulator reports beyond the decision: the statements that matched
and the context keys the policies reference but the request lacks.

Slower than `evaluate` (it looks at every statement), so meant for SimulateCustomPolicy,
SimulatePrincipalPolicy and `dynafed policy simulate`, not for request authorization.
"""

from __future__ import annotations

from dataclasses import dataclass

from dynafed.policy.decision import Decision, StatementRef
from dynafed.policy.evaluate import evaluate, matches_action_and_resource, statement_applies
from dynafed.policy.model import Statement
from dynafed.policy.policy_set import PolicySet
from dynafed.policy.request import Request
from dynafed.policy.variables import Variable


@dataclass(frozen=True, slots=True)
class Simulation:
    decision: Decision
    matched_statements: tuple[StatementRef, ...]
    """Every statement (Allow or Deny, any policy type) that applies to the request."""
    missing_context_values: tuple[str, ...]
    """Condition keys and policy-variable keys referenced by statements whose action and
    resource match, and absent from the request (spelled as the policy spells them)."""


def simulate(policies: PolicySet, request: Request) -> Simulation:
    decision = evaluate(policies, request)
    matched = tuple(s.ref for s in policies.statements() if statement_applies(s.statement, request))
    return Simulation(decision, matched, _missing_keys(policies, request))


def _missing_keys(policies: PolicySet, request: Request) -> tuple[str, ...]:
    missing: dict[str, str] = {}

    def note(lower: str, written: str) -> None:
        if lower not in request.context:
            missing.setdefault(lower, written)

    for sourced in policies.statements():
        statement = sourced.statement
        if not statement.actions.matches(request.action_lower):
            continue
        for variable in _resource_variables(statement):
            if variable.default is None:
                note(variable.key, variable.written)
        if not matches_action_and_resource(statement, request):
            continue
        for entry in statement.conditions:
            note(entry.key_lower, entry.key)
            for variable in entry.variables:
                if variable.default is None:
                    note(variable.key, variable.written)
    return tuple(missing.values())


def _resource_variables(statement: Statement) -> list[Variable]:
    if statement.resources is None:
        return []
    return [v for t in statement.resources.templated for v in t.variables]
