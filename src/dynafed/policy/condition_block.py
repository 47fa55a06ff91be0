"""The `Condition` element: operator → {key → value or values}, compiled to checks.

The block holds when every operator entry holds, an operator entry holds when every key
under it holds, and one key's values are alternatives (IAM Condition element page;
iam-fgac.md 2.4). The element has passed the syntax check (`syntax.py`) before it gets here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from dynafed.errors import MalformedPolicyDocument
from dynafed.policy import messages
from dynafed.policy.conditions.base import ContextValues
from dynafed.policy.conditions.quantifiers import Check, build_check
from dynafed.policy.conditions.registry import ParsedOperator, parse_operator
from dynafed.policy.jsondoc import JsonNumber
from dynafed.policy.variables import Template, Variable, literal_template, parse_template


@dataclass(frozen=True, slots=True)
class ConditionEntry:
    """One `operator: {key: values}` pair."""

    operator: str
    """As written, e.g. `ForAllValues:StringEquals`."""
    key: str
    """As written, e.g. `dynamodb:LeadingKeys`."""
    values: tuple[str, ...]
    """The policy values as text (`true` and `10` become `"true"` and `"10"`)."""
    parsed: ParsedOperator
    check: Check
    variables: tuple[Variable, ...]
    """The policy variables in `values` (one per key)."""

    @property
    def key_lower(self) -> str:
        return self.key.lower()

    def holds(self, context: ContextValues) -> bool:
        return self.check(context)


def value_text(value: Any) -> str:
    """A condition value as text: quotes are optional for numbers and booleans."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, JsonNumber):
        return value.text
    assert isinstance(value, str)
    return value


def compile_condition_block(
    block: dict[str, Any], *, variables: bool
) -> tuple[ConditionEntry, ...]:
    entries: list[ConditionEntry] = []
    for operator_name, keys in block.items():
        operator = parse_operator(operator_name)
        if operator is None:
            # The syntax check admits an unknown operator only with an empty body, as IAM
            # does; it constrains nothing.
            continue
        for key, raw in keys.items():
            entries.append(_compile_entry(operator, key, raw, variables=variables))
    return tuple(entries)


def _compile_entry(
    operator: ParsedOperator, key: str, raw: Any, *, variables: bool
) -> ConditionEntry:
    values = tuple(value_text(v) for v in (raw if isinstance(raw, list) else [raw]))
    _check_key(key, variables=variables)
    _check_values(operator, key, values)
    templates = tuple(_template(operator, v, variables=variables) for v in values)
    bind = operator.base.compile(templates)
    found = tuple({v.key: v for t in templates for v in t.variables}.values())
    return ConditionEntry(
        operator=operator.written,
        key=key,
        values=values,
        parsed=operator,
        check=build_check(key.lower(), operator, bind),
        variables=found,
    )


def _check_key(key: str, *, variables: bool) -> None:
    # IAM accepts keys without a `prefix:` (CreatePolicy recorded against AWS, localstack
    # test_iam_policies.snapshot.json valid-17/-30/-32: key `a`); such a key is just never
    # in a request's context.
    if variables and "${" in key:
        raise MalformedPolicyDocument(messages.variable_not_allowed("condition key", key))


def _check_values(operator: ParsedOperator, key: str, values: tuple[str, ...]) -> None:
    if operator.base.tests_presence and operator.if_exists:
        raise MalformedPolicyDocument(messages.null_with_if_exists(operator.written))
    # An empty value list is accepted (CreatePolicy recorded against AWS: localstack
    # test_iam_policies.snapshot.json valid-18, `"DateGreaterThan": {"a": []}`).
    validate = operator.base.value_error
    if validate is None:
        return
    for value in values:
        problem = validate(value)
        if problem is not None:
            raise MalformedPolicyDocument(problem)


def _template(operator: ParsedOperator, value: str, *, variables: bool) -> Template:
    if not variables or "${" not in value:
        return literal_template(value)
    if not operator.base.accepts_variables:
        raise MalformedPolicyDocument(
            messages.variable_not_allowed(f"{operator.written} condition", value)
        )
    return parse_template(value)
