"""`dynafed policy check`: warnings about valid policies that probably do not mean what
they say. Checks follow the IAM Access Analyzer policy check reference (check names in
`code`) plus the DynamoDB fine-grained access control traps of iam-fgac.md 5.2
(`policy.lint.dynamodb`). Findings never change how a policy evaluates.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

from dynafed.core.wildcard import has_wildcard
from dynafed.policy.condition_block import ConditionEntry
from dynafed.policy.conditions.binary import decode
from dynafed.policy.conditions.numeric import parse_number
from dynafed.policy.conditions.registry import Qualifier
from dynafed.policy.lint.dynamodb import dynamodb_findings
from dynafed.policy.lint.findings import Finding, Issue, Severity
from dynafed.policy.lint.keys import is_multivalued, is_single_valued
from dynafed.policy.model import Policy

_VARIABLE = re.compile(r"\$\{[^}]*\}")
_EQUALITY_OPERATORS = frozenset(
    {"StringEquals", "StringNotEquals", "StringEqualsIgnoreCase", "StringNotEqualsIgnoreCase"}
)


def lint_policy(policy: Policy, *, key_attributes: Sequence[str] = ()) -> list[Finding]:
    """Findings for a parsed policy. `key_attributes`: the table's (and indexes') key
    attribute names, to check `dynamodb:Attributes` allow-lists against."""
    findings: list[Finding] = []
    for statement in policy.statements:
        for entry in statement.conditions:
            for code, severity, message in _entry_findings(entry, policy.substitutes_variables):
                findings.append(Finding(code, severity, message, statement.index, statement.sid))
        for code, severity, message in dynamodb_findings(statement, key_attributes):
            findings.append(Finding(code, severity, message, statement.index, statement.sid))
    return findings


def _entry_findings(entry: ConditionEntry, substitutes: bool) -> Iterator[Issue]:
    operator, key = entry.parsed, entry.key_lower
    where = f"{entry.operator} on {entry.key}"
    qualified = operator.qualifier is not Qualifier.NONE
    if operator.base.tests_presence:
        if qualified:
            yield (
                "NULL_WITH_QUALIFIER",
                Severity.WARNING,
                f"{where}: a set qualifier makes Null always true (ForAllValues) or always "
                "false (ForAnyValue); use plain Null.",
            )
        return
    if operator.qualifier is Qualifier.FOR_ALL_VALUES and is_single_valued(key):
        yield (
            "FOR_ALL_VALUES_WITH_SINGLE_VALUED_KEY",
            Severity.SECURITY_WARNING,
            f"{where}: {entry.key} is single-valued, and ForAllValues is true when the key "
            "is absent, so this condition can pass without the key. Use the operator "
            "without ForAllValues.",
        )
    if operator.qualifier is Qualifier.FOR_ANY_VALUE and is_single_valued(key):
        yield (
            "FOR_ANY_VALUE_WITH_SINGLE_VALUED_KEY",
            Severity.WARNING,
            f"{where}: {entry.key} is single-valued; ForAnyValue is not needed.",
        )
    if not qualified and is_multivalued(key):
        yield (
            "MISSING_QUALIFIER",
            Severity.WARNING,
            f"{where}: {entry.key} is multivalued; say whether every value (ForAllValues:) "
            "or any value (ForAnyValue:) must match.",
        )
    if not entry.values and (qualified or operator.if_exists):
        yield (
            "EMPTY_ARRAY_CONDITION",
            Severity.WARNING,
            f"{where}: an empty value list matches only an absent or empty key "
            "(ForAllValues), never (ForAnyValue), or only an absent key (IfExists).",
        )
    yield from _value_findings(entry, where, substitutes)


def _value_findings(entry: ConditionEntry, where: str, substitutes: bool) -> Iterator[Issue]:
    name = entry.parsed.base.name
    for value in entry.values:
        literal = _VARIABLE.sub("", value) if substitutes else value
        if name in _EQUALITY_OPERATORS and has_wildcard(literal):
            yield (
                "WILDCARD_WITHOUT_LIKE_OPERATOR",
                Severity.WARNING,
                f"{where}: '{value}' contains * or ?, which {name} compares literally; use "
                "StringLike or StringNotLike for a pattern.",
            )
        if _type_mismatch(name, value):
            yield (
                "TYPE_MISMATCH",
                Severity.WARNING,
                f"{where}: '{value}' is not a valid value for {name}, so it never matches.",
            )
    for variable in entry.variables:
        if is_multivalued(variable.key):
            yield (
                "VARIABLE_WITH_MULTIVALUED_KEY",
                Severity.WARNING,
                f"{where}: the multivalued key {variable.written} cannot be a policy "
                "variable; the variable never has a value.",
            )


def _type_mismatch(operator: str, value: str) -> bool:
    if operator.startswith("Numeric"):
        return parse_number(value) is None
    if operator == "Bool":
        return value.lower() not in ("true", "false")
    if operator == "BinaryEquals":
        return decode(value) is None
    return False
