"""Lint checks for DynamoDB fine-grained access control (iam-fgac.md 5.2 and section 9):

- `ForAllValues` on a key that some allowed action never carries passes vacuously for that
  action: `dynamodb:Scan` with only a `LeadingKeys` condition reads the whole table.
- An attribute allow-list must include the table's key attributes, because every item
  request names them: without them every item request is denied.
- An attribute allow-list restricts the request, not the response: reads without a
  `dynamodb:Select` condition, and writes whose `dynamodb:ReturnValues` may be `ALL_OLD` or
  `ALL_NEW` (which `ReturnValuesOnConditionCheckFailure=ALL_OLD` also asks for), return
  attributes the list does not name.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from dynafed.policy.condition_block import ConditionEntry
from dynafed.policy.conditions.registry import Qualifier
from dynafed.policy.lint.findings import Issue, Severity
from dynafed.policy.lint.keys import (
    ATTRIBUTES,
    DYNAMODB_ACTION_KEYS,
    DYNAMODB_KEYS,
    READ_ACTIONS,
    RETURN_VALUES,
    RETURNING_WRITE_ACTIONS,
    SELECT,
)
from dynafed.policy.model import Effect, Statement


def dynamodb_findings(statement: Statement, key_attributes: Sequence[str]) -> Iterator[Issue]:
    if statement.effect is not Effect.ALLOW:
        return
    actions = [a for a in DYNAMODB_ACTION_KEYS if statement.actions.matches(a.lower())]
    if not actions:
        return
    yield from _vacuous_for_all_values(statement, actions)
    allow_list = _attribute_allow_list(statement)
    if allow_list is None:
        return
    yield from _missing_key_attributes(allow_list, key_attributes)
    yield from _unrestricted_responses(statement, actions)


def _vacuous_for_all_values(statement: Statement, actions: list[str]) -> Iterator[Issue]:
    guarded = {e.key_lower for e in statement.conditions if _requires_presence(e)}
    for entry in statement.conditions:
        key = entry.key_lower
        if entry.parsed.qualifier is not Qualifier.FOR_ALL_VALUES or key not in DYNAMODB_KEYS:
            continue
        if key in guarded:
            continue
        lacking = [a for a in actions if key not in DYNAMODB_ACTION_KEYS[a]]
        if lacking:
            yield (
                "FOR_ALL_VALUES_ON_ABSENT_KEY",
                Severity.SECURITY_WARNING,
                f"{entry.operator} on {entry.key}: requests for {', '.join(lacking)} never carry "
                f"{entry.key}, so the condition passes for them whatever they access. Remove "
                f'those actions, or add "Null": {{"{entry.key}": "false"}}.',
            )


def _requires_presence(entry: ConditionEntry) -> bool:
    operator = entry.parsed
    return (
        operator.base.tests_presence
        and operator.qualifier is Qualifier.NONE
        and [v.lower() for v in entry.values] == ["false"]
    )


def _attribute_allow_list(statement: Statement) -> list[str] | None:
    for entry in statement.conditions:
        operator = entry.parsed
        if (
            entry.key_lower == ATTRIBUTES
            and operator.qualifier is Qualifier.FOR_ALL_VALUES
            and not operator.base.negated
            and operator.base.name.startswith("String")
        ):
            return list(entry.values)
    return None


def _missing_key_attributes(
    allow_list: list[str], key_attributes: Sequence[str]
) -> Iterator[Issue]:
    missing = [k for k in key_attributes if k not in allow_list]
    if missing:
        yield (
            "ATTRIBUTES_MISSING_KEY_ATTRIBUTES",
            Severity.ERROR,
            f"dynamodb:Attributes does not list the key attribute(s) {', '.join(missing)}; "
            "every item request names its key attributes, so all of them are denied.",
        )


def _unrestricted_responses(statement: Statement, actions: list[str]) -> Iterator[Issue]:
    constrained = {e.key_lower for e in statement.conditions}
    reads = [a for a in actions if a in READ_ACTIONS]
    if reads and SELECT not in constrained:
        yield (
            "READS_WITHOUT_SELECT_RESTRICTION",
            Severity.SECURITY_WARNING,
            f"{', '.join(reads)} are allowed with an attribute allow-list but without a "
            "dynamodb:Select condition: a read without a projection returns every "
            'attribute. Add "StringEqualsIfExists": {"dynamodb:Select": "SPECIFIC_ATTRIBUTES"}.',
        )
    writes = [a for a in actions if a in RETURNING_WRITE_ACTIONS]
    if writes and not _return_values_keep_items_hidden(statement):
        yield (
            "WRITES_WITHOUT_RETURN_VALUES_RESTRICTION",
            Severity.SECURITY_WARNING,
            f"{', '.join(writes)} are allowed with an attribute allow-list, but "
            "dynamodb:ReturnValues may be ALL_OLD or ALL_NEW: those writes, and a failed "
            "condition with ReturnValuesOnConditionCheckFailure=ALL_OLD, return attributes "
            'the list does not name. Add "StringEqualsIfExists": {"dynamodb:ReturnValues": '
            '["NONE", "UPDATED_OLD", "UPDATED_NEW"]}.',
        )


WHOLE_ITEM_RETURN_VALUES = frozenset({"all_old", "all_new"})


def _return_values_keep_items_hidden(statement: Statement) -> bool:
    """Whether a condition allows only return values that name attributes the request
    names (`NONE`, `UPDATED_OLD`, `UPDATED_NEW`)."""
    for entry in statement.conditions:
        operator = entry.parsed
        if (
            entry.key_lower == RETURN_VALUES
            and operator.qualifier is Qualifier.NONE
            and not operator.base.negated
            and operator.base.name in ("StringEquals", "StringEqualsIgnoreCase")
        ):
            return not {v.lower() for v in entry.values} & WHOLE_ITEM_RETURN_VALUES
    return False
