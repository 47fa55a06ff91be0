"""The contract between an operator family and the condition evaluator.

A family compiles the policy values of one condition key into a `Binder`. Given the
request context (needed only when values hold policy variables), the binder returns a
`Matcher`: `pos(c)`, "context value `c` matches at least one policy value". Negation,
`IfExists`, `ForAllValues`/`ForAnyValue` and absent keys are applied on top of `pos` by
`quantifiers`, identically for every family (iam-fgac.md 3.1).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from dynafed.core.wildcard import Matcher
from dynafed.policy.variables import Template

ContextValues = Mapping[str, Sequence[str]]
Binder = Callable[[ContextValues], Matcher]
Compiler = Callable[[tuple[Template, ...]], Binder]


@dataclass(frozen=True, slots=True)
class OperatorSpec:
    """One base operator (no `ForAllValues:` prefix, no `IfExists` suffix)."""

    name: str
    negated: bool
    compile: Compiler
    accepts_variables: bool = False
    """String and ARN operators substitute policy variables (Variables page)."""
    value_error: Callable[[str], str | None] | None = None
    """Checks one policy value when the policy is parsed: the MalformedPolicyDocument
    message for a value IAM rejects, or None."""
    tests_presence: bool = False
    """`Null`: tests whether the key is present instead of comparing values."""


class ConstantBinder:
    """A binder for values without variables: the matcher is built once, at parse time, and
    the evaluator uses `matcher` directly instead of calling the binder."""

    __slots__ = ("matcher",)

    def __init__(self, matcher: Matcher) -> None:
        self.matcher = matcher

    def __call__(self, context: ContextValues) -> Matcher:
        return self.matcher


def constant(matcher: Matcher) -> Binder:
    return ConstantBinder(matcher)


def static_matcher(bind: Binder) -> Matcher | None:
    """The matcher of a constant binder, or None when values depend on the context."""
    return bind.matcher if isinstance(bind, ConstantBinder) else None


def texts(templates: tuple[Template, ...]) -> list[str]:
    """The literal text of templates known to hold no variables."""
    return [t.text({}) or "" for t in templates]


def never(text: str) -> bool:
    return False


def any_of(matchers: Sequence[Matcher]) -> Matcher:
    """A matcher that is true when one of `matchers` is; specialised for 0 and 1."""
    if not matchers:
        return never
    if len(matchers) == 1:
        return matchers[0]
    frozen = tuple(matchers)

    def match(text: str) -> bool:
        for matcher in frozen:  # noqa: SIM110 (hot path: a loop beats any())
            if matcher(text):
                return True
        return False

    return match
