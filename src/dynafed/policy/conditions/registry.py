"""Every condition operator IAM knows, and how an operator name is read.

A name is an optional set qualifier (`ForAllValues:` or `ForAnyValue:`), a base operator
from one of the family modules, and an optional `IfExists` suffix. Names are exact,
case-sensitive tokens (iam-fgac.md 1.1 rule 10 [C]); anything else is not an operator.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from dynafed.policy.conditions import arn, binary, boolean, date, ip, null, numeric, string
from dynafed.policy.conditions.base import OperatorSpec

OPERATORS: dict[str, OperatorSpec] = {
    spec.name: spec
    for family in (string, numeric, date, boolean, binary, ip, arn, null)
    for spec in family.OPERATORS
}

IF_EXISTS = "IfExists"


class Qualifier(enum.Enum):
    NONE = ""
    FOR_ALL_VALUES = "ForAllValues:"
    FOR_ANY_VALUE = "ForAnyValue:"


@dataclass(frozen=True, slots=True)
class ParsedOperator:
    written: str
    """The name as the policy spells it, e.g. `ForAllValues:StringEqualsIfExists`."""
    base: OperatorSpec
    qualifier: Qualifier
    if_exists: bool


def parse_operator(name: str) -> ParsedOperator | None:
    """The operator `name` denotes, or None if IAM has no such operator."""
    qualifier = Qualifier.NONE
    rest = name
    for candidate in (Qualifier.FOR_ALL_VALUES, Qualifier.FOR_ANY_VALUE):
        if rest.startswith(candidate.value):
            qualifier, rest = candidate, rest[len(candidate.value) :]
            break
    spec = OPERATORS.get(rest)
    if spec is not None:
        return ParsedOperator(name, spec, qualifier, if_exists=False)
    if rest.endswith(IF_EXISTS):
        spec = OPERATORS.get(rest[: -len(IF_EXISTS)])
        if spec is not None:
            return ParsedOperator(name, spec, qualifier, if_exists=True)
    return None
