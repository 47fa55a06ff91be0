"""ARN operators: `ArnEquals` and `ArnLike` behave identically, as do `ArnNotEquals` and
`ArnNotLike` (IAM condition operators page). Matching is segment-wise with wildcards
(`core.arn`). A context value that is not an ARN makes both the positive and the negated
operators false (IAM simulator behaviour recorded by PMapper; iam-fgac.md 3.8 [C]): for the
negated operators `pos` is therefore true on such a value, so that `not pos` is false."""

from __future__ import annotations

from dynafed.core.arn import compile_arn_pattern, is_arn
from dynafed.core.wildcard import Matcher
from dynafed.policy.conditions.base import (
    Binder,
    Compiler,
    ContextValues,
    OperatorSpec,
    any_of,
    constant,
)
from dynafed.policy.variables import Template


def _patterns(templates: tuple[Template, ...], context: ContextValues) -> Matcher:
    matchers = []
    for template in templates:
        pieces = template.pieces(context)
        if pieces is not None:
            matchers.append(compile_arn_pattern(pieces))
    return any_of(matchers)


def _guarded(patterns: Matcher, *, negated: bool) -> Matcher:
    def match(text: str) -> object:
        if not is_arn(text):
            return negated
        return patterns(text)

    return match


def _compiler(*, negated: bool) -> Compiler:
    def compile_arn(templates: tuple[Template, ...]) -> Binder:
        if all(t.is_constant for t in templates):
            return constant(_guarded(_patterns(templates, {}), negated=negated))

        def bind(context: ContextValues) -> Matcher:
            return _guarded(_patterns(templates, context), negated=negated)

        return bind

    return compile_arn


OPERATORS = (
    OperatorSpec("ArnEquals", False, _compiler(negated=False), accepts_variables=True),
    OperatorSpec("ArnLike", False, _compiler(negated=False), accepts_variables=True),
    OperatorSpec("ArnNotEquals", True, _compiler(negated=True), accepts_variables=True),
    OperatorSpec("ArnNotLike", True, _compiler(negated=True), accepts_variables=True),
)
