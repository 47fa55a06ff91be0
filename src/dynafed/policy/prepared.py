"""A policy set prepared once for many requests: each decision it made, kept. Pure.

A decision depends on the action, the resource, the caller and the values of the context
keys the statements read (their condition keys, and the keys of the policy variables in
their conditions and resources), nothing else: the evaluator never looks at another key. So
requests that differ only in keys no statement reads share one evaluation: the requests of
every user of one identity pool, against a trust policy that checks only its `aud`, or of
every second, against one without a date condition. Bounded: past `capacity` distinct
requests, new decisions are worked out and not kept.
"""

from __future__ import annotations

from collections.abc import Hashable

from dynafed.policy.decision import Decision
from dynafed.policy.evaluate import evaluate
from dynafed.policy.policy_set import PolicySet
from dynafed.policy.request import ContextInput, Request, RequestPrincipal

DEFAULT_CAPACITY = 1024


class PreparedPolicySet:
    def __init__(self, policies: PolicySet, capacity: int = DEFAULT_CAPACITY) -> None:
        self.policies = policies
        self._reads = keys_read(policies)
        self._read_set = frozenset(self._reads)
        self._capacity = capacity
        self._decisions: dict[Hashable, Decision] = {}

    def decide(
        self,
        action: str,
        resource: str,
        context: ContextInput,
        principal: RequestPrincipal | None = None,
    ) -> Decision:
        """`evaluate(policies, Request(action, resource, context, principal))`, worked out
        once for each distinct value of everything it depends on."""
        key = (action, resource, principal, self._read_values(context))
        decision = self._decisions.get(key)
        if decision is None:
            decision = evaluate(self.policies, Request(action, resource, context, principal))
            if len(self._decisions) < self._capacity:
                self._decisions[key] = decision
        return decision

    def _read_values(self, context: ContextInput) -> tuple[tuple[str, ...] | None, ...]:
        """The values of the keys read, as `Request` normalizes them (key names lower-cased,
        values given under several spellings of one key merged in order)."""
        reads = self._read_set
        found: dict[str, tuple[str, ...]] = {}
        for name, value in context.items():
            key = name.lower()
            if key in reads:
                values = (value,) if isinstance(value, str) else tuple(value)
                found[key] = found.get(key, ()) + values
        return tuple(found.get(key) for key in self._reads)


def keys_read(policies: PolicySet) -> tuple[str, ...]:
    """Every context key (lower-cased) the statements of `policies` can read, in a fixed
    order."""
    keys: dict[str, None] = {}
    for sourced in policies.statements():
        statement = sourced.statement
        for entry in statement.conditions:
            keys[entry.key_lower] = None
            keys.update((variable.key, None) for variable in entry.variables)
        if statement.resources is not None:
            for template in statement.resources.templated:
                keys.update((variable.key, None) for variable in template.variables)
    return tuple(keys)
