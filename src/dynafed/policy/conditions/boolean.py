"""`Bool`: `"true"`/`"false"`, compared case-insensitively (IAM condition operators page).
A policy value other than true/false never matches. Policy variables are not substituted
(iam-fgac.md 3.5 [C]: the Variables page lists String and ARN operators only)."""

from __future__ import annotations

from dynafed.core.wildcard import Matcher
from dynafed.policy.conditions.base import Binder, OperatorSpec, constant, never, texts
from dynafed.policy.variables import Template

_BOOLEANS = frozenset({"true", "false"})


def compile_bool(templates: tuple[Template, ...]) -> Binder:
    accepted = frozenset(v.lower() for v in texts(templates)) & _BOOLEANS
    if not accepted:
        return constant(never)
    return constant(_matcher(accepted))


def _matcher(accepted: frozenset[str]) -> Matcher:
    def match(text: str) -> bool:
        return text.lower() in accepted

    return match


OPERATORS = (OperatorSpec("Bool", False, compile_bool),)
