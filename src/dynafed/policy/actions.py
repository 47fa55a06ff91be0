"""The `Action` / `NotAction` element: `service:ActionPattern` or `*`.

Matching is a case-insensitive wildcard match of the whole action name (IAM Action element
page: service prefixes and action names are case-insensitive). Policy variables are not
supported here, so `${...}` in an action is plain text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from dynafed.core.wildcard import Matcher, compile_glob, has_wildcard
from dynafed.errors import MalformedPolicyDocument
from dynafed.policy import messages

_VENDOR = re.compile(r"[a-zA-Z0-9.\-]+")


def check_action(action: str) -> None:
    """Raise IAM's error for an action string it rejects (texts modelled by moto)."""
    if action == "*":
        return
    parts = action.split(":")
    if len(parts) == 1:
        raise MalformedPolicyDocument(messages.ACTION_NEEDS_VENDOR)
    if len(parts) > 2:
        raise MalformedPolicyDocument(messages.ACTION_ONE_COLON)
    vendor = parts[0]
    if vendor != "*" and _VENDOR.fullmatch(vendor) is None:
        raise MalformedPolicyDocument(messages.invalid_vendor(vendor))


@dataclass(frozen=True, slots=True)
class ActionMatch:
    patterns: tuple[str, ...]
    """As written in the policy."""
    negated: bool
    """True for `NotAction`."""
    exact: frozenset[str]
    """Lower-cased patterns without wildcards: one set lookup covers them all."""
    globs: tuple[Matcher, ...]

    def matches(self, action_lower: str) -> bool:
        """`action_lower` is the request's action, lower-cased once per request."""
        if action_lower in self.exact:
            return not self.negated
        for glob in self.globs:
            if glob(action_lower):
                return not self.negated
        return self.negated


def compile_actions(patterns: tuple[str, ...], *, negated: bool) -> ActionMatch:
    exact = frozenset(p.lower() for p in patterns if not has_wildcard(p))
    globs = tuple(compile_glob(p, ignore_case=True) for p in patterns if has_wildcard(p))
    return ActionMatch(patterns, negated, exact, globs)
