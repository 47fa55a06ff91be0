"""Statements worth looking at for an (action, resource) pair, computed once and cached.

Whether a statement's Action and static Resource patterns match depends on the action and
resource strings only, and a server sees few distinct pairs (its operations × its tables).
Filtering once per pair leaves only conditions (and resources with policy variables, which
depend on the request context) for every evaluation.
"""

from __future__ import annotations

from dataclasses import dataclass

from dynafed.policy.kinds import PolicyType
from dynafed.policy.policy_set import PolicySet, SourcedStatement

CACHE_LIMIT = 1024
"""Pairs remembered per policy set; the cache starts over when full (bounded memory)."""

Candidate = tuple[SourcedStatement, bool]
"""A statement whose action matches, and whether its resource must still be checked
against the request context (True when a pattern holds a policy variable)."""


@dataclass(frozen=True, slots=True)
class Candidates:
    denies: tuple[Candidate, ...]
    allows: dict[PolicyType, tuple[Candidate, ...]]


def candidates_for(policies: PolicySet, action_lower: str, resource: str) -> Candidates:
    cache = policies.candidate_cache
    key = (action_lower, resource)
    found = cache.get(key)
    if found is None:
        found = Candidates(
            _filter(policies.denies, action_lower, resource),
            {t: _filter(s, action_lower, resource) for t, s in policies.allows.items()},
        )
        if len(cache) >= CACHE_LIMIT:
            cache.clear()
        cache[key] = found
    return found


def _filter(
    statements: tuple[SourcedStatement, ...], action_lower: str, resource: str
) -> tuple[Candidate, ...]:
    kept: list[Candidate] = []
    for sourced in statements:
        statement = sourced.statement
        if not statement.actions.matches(action_lower):
            continue
        resources = statement.resources
        if resources is None:
            kept.append((sourced, False))
        elif resources.templated:
            kept.append((sourced, True))
        elif resources.matches(resource, {}):
            kept.append((sourced, False))
    return tuple(kept)
