"""The decision for one request against a principal's policies (iam-fgac.md 2.2).

1. An applicable Deny in any policy is an explicit deny (reported in the order identity,
   resource-based, boundary, session).
2. A resource-based Allow that names the caller itself grants on its own.
3. Otherwise an identity-based Allow is needed (a resource-based Allow naming the caller's
   role counts as one), then an Allow in the permissions boundary if there is one, then an
   Allow in the session policies if any were passed. The first missing one is the implicit
   deny's policy type.

A statement applies when its action, resource (and for resource-based policies principal)
match and all of its conditions hold. The evaluator never raises for a request it cannot
match: unknown keys are absent, unparseable values never match.
"""

from __future__ import annotations

from dynafed.policy.candidates import Candidate, Candidates, candidates_for
from dynafed.policy.condition_block import ConditionEntry
from dynafed.policy.decision import ConditionFailure, Decision, EvalDecision
from dynafed.policy.kinds import PolicyType
from dynafed.policy.model import Statement
from dynafed.policy.policy_set import PolicySet, SourcedStatement
from dynafed.policy.principals import PrincipalMatch
from dynafed.policy.request import Request


def evaluate(policies: PolicySet, request: Request) -> Decision:
    found = candidates_for(policies, request.action_lower, request.resource)
    for candidate in found.denies:
        if _candidate_applies(candidate, request) is not PrincipalMatch.NONE:
            return candidate[0].decision
    resource_grant, grant_match = None, PrincipalMatch.NONE
    if found.allows[PolicyType.RESOURCE]:
        resource_grant, grant_match = _strongest_allow(found.allows[PolicyType.RESOURCE], request)
        if resource_grant is not None and grant_match is PrincipalMatch.CALLER:
            return resource_grant.decision
    identity_grant = _first_allow(found.allows[PolicyType.IDENTITY], request)
    if identity_grant is None and grant_match is PrincipalMatch.ROLE:
        identity_grant = resource_grant
    if identity_grant is None:
        return _implicit_deny(found, PolicyType.IDENTITY, request)
    if policies.boundary is not None and not _first_allow(
        found.allows[PolicyType.BOUNDARY], request
    ):
        return _implicit_deny(found, PolicyType.BOUNDARY, request)
    if policies.session is not None and not _first_allow(found.allows[PolicyType.SESSION], request):
        return _implicit_deny(found, PolicyType.SESSION, request)
    return identity_grant.decision


def _candidate_applies(candidate: Candidate, request: Request) -> PrincipalMatch:
    """`_applies` for a statement whose action (and static resource) already matched."""
    sourced, check_resource = candidate
    statement = sourced.statement
    if check_resource:
        resources = statement.resources
        assert resources is not None
        if not resources.matches(request.resource, request.context):
            return PrincipalMatch.NONE
    return _principal_and_conditions(statement, request)


def _principal_and_conditions(statement: Statement, request: Request) -> PrincipalMatch:
    """How the statement names the caller, or NONE if a condition fails."""
    matched = PrincipalMatch.CALLER
    if statement.principal is not None:
        matched = statement.principal.match(request.principal)
        if matched is PrincipalMatch.NONE:
            return matched
    context = request.context
    for entry in statement.conditions:
        if not entry.check(context):
            return PrincipalMatch.NONE
    return matched


def statement_applies(statement: Statement, request: Request) -> bool:
    """True if the statement applies to the request (its effect aside)."""
    return _applies(statement, request) is not PrincipalMatch.NONE


def matches_action_and_resource(statement: Statement, request: Request) -> bool:
    if not statement.actions.matches(request.action_lower):
        return False
    resources = statement.resources
    return resources is None or resources.matches(request.resource, request.context)


def first_failed_condition(statement: Statement, request: Request) -> ConditionEntry | None:
    context = request.context
    for entry in statement.conditions:
        if not entry.check(context):
            return entry
    return None


def principal_match(statement: Statement, request: Request) -> PrincipalMatch:
    if statement.principal is None:
        return PrincipalMatch.CALLER
    return statement.principal.match(request.principal)


def _applies(statement: Statement, request: Request) -> PrincipalMatch:
    if not matches_action_and_resource(statement, request):
        return PrincipalMatch.NONE
    return _principal_and_conditions(statement, request)


def _first_allow(candidates: tuple[Candidate, ...], request: Request) -> SourcedStatement | None:
    for candidate in candidates:
        if _candidate_applies(candidate, request) is not PrincipalMatch.NONE:
            return candidate[0]
    return None


def _strongest_allow(
    candidates: tuple[Candidate, ...], request: Request
) -> tuple[SourcedStatement | None, PrincipalMatch]:
    """The resource-based Allow that names the caller most directly. An Allow that names
    only the caller's account delegates to identity policies and grants nothing itself."""
    best: SourcedStatement | None = None
    best_match = PrincipalMatch.NONE
    for candidate in candidates:
        matched = _candidate_applies(candidate, request)
        if matched > best_match and matched is not PrincipalMatch.ACCOUNT:
            best, best_match = candidate[0], matched
    return best, best_match


def _implicit_deny(found: Candidates, lacking: PolicyType, request: Request) -> Decision:
    # A resource-based Allow could have granted in place of an identity-based one, so its
    # failed conditions explain an identity-type implicit deny too (e.g. a trust policy).
    candidates = found.allows[lacking]
    if lacking is PolicyType.IDENTITY:
        candidates += found.allows[PolicyType.RESOURCE]
    failures = tuple(
        ConditionFailure(sourced.ref, entry.operator, entry.key)
        for sourced, _ in candidates
        if matches_action_and_resource(sourced.statement, request)
        and principal_match(sourced.statement, request) is not PrincipalMatch.NONE
        and (entry := first_failed_condition(sourced.statement, request)) is not None
    )
    return Decision(EvalDecision.IMPLICIT_DENY, lacking, None, failures)
