"""Policy text → compiled policy, parsed once.

Parsing validates and compiles every condition and wildcard, which costs far more than an
evaluation; the same few role and session policies are evaluated on every request, so the
compiled form is kept, keyed by (text, kind). Bounded LRU: session policies are chosen by
clients and must not grow memory without limit.
"""

from __future__ import annotations

import threading
from collections import OrderedDict

from dynafed.policy import Policy, PolicyKind, parse_policy

DEFAULT_CAPACITY = 4096


class CompiledPolicies:
    def __init__(self, capacity: int = DEFAULT_CAPACITY) -> None:
        self._capacity = capacity
        self._compiled: OrderedDict[tuple[str, PolicyKind], Policy] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, text: str, kind: PolicyKind) -> Policy:
        """The compiled policy; raises MalformedPolicyDocument like `parse_policy` (failures
        are not cached: they are rare and cheap to repeat)."""
        key = (text, kind)
        with self._lock:
            policy = self._compiled.get(key)
            if policy is not None:
                self._compiled.move_to_end(key)
                return policy
        policy = parse_policy(text, kind)
        with self._lock:
            self._compiled[key] = policy
            if len(self._compiled) > self._capacity:
                self._compiled.popitem(last=False)
        return policy

    def __len__(self) -> int:
        return len(self._compiled)
