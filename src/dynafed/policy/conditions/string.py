"""String operators (IAM condition operators page, "String condition operators").

Equality is exact and case-sensitive on code points. `IgnoreCase` lower-cases both sides
with plain `str.lower` (the IAM simulator reports `ß` != `ss`: no case folding, no Unicode
normalization). `Like` is a whole-string wildcard match (`*`, `?`). In `StringEquals` the
characters `*` and `?` are literal. All of them substitute policy variables.
"""

from __future__ import annotations

from dynafed.core.wildcard import Matcher, compile_pieces
from dynafed.policy.conditions.base import (
    Binder,
    ContextValues,
    OperatorSpec,
    any_of,
    constant,
    never,
)
from dynafed.policy.variables import Template


def _membership(values: list[str]) -> Matcher:
    if not values:
        return never
    if len(values) == 1:
        return values[0].__eq__
    return frozenset(values).__contains__


def _lowered(matcher: Matcher) -> Matcher:
    def match(text: str) -> object:
        return matcher(text.lower())

    return match


def _resolved(templates: tuple[Template, ...], context: ContextValues) -> list[str]:
    """Substituted values; a value whose variable has no value is dropped (never matches)."""
    out = []
    for template in templates:
        text = template.text(context)
        if text is not None:
            out.append(text)
    return out


def compile_equals(templates: tuple[Template, ...]) -> Binder:
    if all(t.is_constant for t in templates):
        return constant(_membership(_resolved(templates, {})))
    sole = templates[0].sole_variable if len(templates) == 1 else None
    if sole is not None:
        # The common `${provider:sub}` alone: one dictionary lookup, no lists.
        resolve = sole.resolve

        def bind_sole(context: ContextValues) -> Matcher:
            value = resolve(context)
            return never if value is None else value.__eq__

        return bind_sole

    def bind(context: ContextValues) -> Matcher:
        return _membership(_resolved(templates, context))

    return bind


def compile_equals_ignore_case(templates: tuple[Template, ...]) -> Binder:
    if all(t.is_constant for t in templates):
        values = [v.lower() for v in _resolved(templates, {})]
        return constant(_lowered(_membership(values)))

    def bind(context: ContextValues) -> Matcher:
        return _lowered(_membership([v.lower() for v in _resolved(templates, context)]))

    return bind


def _like_matchers(templates: tuple[Template, ...], context: ContextValues) -> Matcher:
    matchers = []
    for template in templates:
        pieces = template.pieces(context)
        if pieces is not None:
            matchers.append(compile_pieces(pieces))
    return any_of(matchers)


def compile_like(templates: tuple[Template, ...]) -> Binder:
    if all(t.is_constant for t in templates):
        return constant(_like_matchers(templates, {}))

    def bind(context: ContextValues) -> Matcher:
        return _like_matchers(templates, context)

    return bind


OPERATORS = (
    OperatorSpec("StringEquals", False, compile_equals, accepts_variables=True),
    OperatorSpec("StringNotEquals", True, compile_equals, accepts_variables=True),
    OperatorSpec(
        "StringEqualsIgnoreCase", False, compile_equals_ignore_case, accepts_variables=True
    ),
    OperatorSpec(
        "StringNotEqualsIgnoreCase", True, compile_equals_ignore_case, accepts_variables=True
    ),
    OperatorSpec("StringLike", False, compile_like, accepts_variables=True),
    OperatorSpec("StringNotLike", True, compile_like, accepts_variables=True),
)
