"""Numeric operators: both sides are decimal numbers (optional sign, optional fraction),
compared by value, so `"10"` equals `"10.0"` (IAM condition operators page). A value that is
not a number never matches (so the negated operators are true for it; iam-fgac.md 3.1 [C])."""

from __future__ import annotations

import operator
import re
from collections.abc import Callable
from decimal import Decimal

from dynafed.policy.conditions.base import Binder, OperatorSpec, constant, never, texts
from dynafed.policy.variables import Template

_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)")


def parse_number(text: str) -> Decimal | None:
    if _NUMBER.fullmatch(text) is None:
        return None
    return Decimal(text)


def _compiler(compare: Callable[[Decimal, Decimal], bool]) -> Callable[..., Binder]:
    def compile_numeric(templates: tuple[Template, ...]) -> Binder:
        numbers = [n for n in map(parse_number, texts(templates)) if n is not None]
        if not numbers:
            return constant(never)

        def match(text: str) -> bool:
            value = parse_number(text)
            return value is not None and any(compare(value, n) for n in numbers)

        return constant(match)

    return compile_numeric


OPERATORS = (
    OperatorSpec("NumericEquals", False, _compiler(operator.eq)),
    OperatorSpec("NumericNotEquals", True, _compiler(operator.eq)),
    OperatorSpec("NumericLessThan", False, _compiler(operator.lt)),
    OperatorSpec("NumericLessThanEquals", False, _compiler(operator.le)),
    OperatorSpec("NumericGreaterThan", False, _compiler(operator.gt)),
    OperatorSpec("NumericGreaterThanEquals", False, _compiler(operator.ge)),
)
