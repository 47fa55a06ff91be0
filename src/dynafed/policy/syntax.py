"""The structural check every policy document passes first ("Syntax errors in policy.").

Element names are exact, case-sensitive tokens; every element has its JSON type; a
statement has at most one of each Action/NotAction, Resource/NotResource and
Principal/NotPrincipal; condition operators are names IAM knows, except that an unknown
operator with an empty body is accepted, as IAM does (CreatePolicy recorded against AWS:
localstack/localstack test_iam_policies.snapshot.json valid-19 `{"a": {}}` and valid-31).
"""

from __future__ import annotations

from typing import Any

from dynafed.errors import MalformedPolicyDocument
from dynafed.policy import messages
from dynafed.policy.conditions.registry import parse_operator
from dynafed.policy.jsondoc import JsonNumber
from dynafed.policy.request import PrincipalType

TOP_ELEMENTS = frozenset({"Version", "Id", "Statement"})
STATEMENT_ELEMENTS = frozenset(
    {
        "Sid",
        "Effect",
        "Principal",
        "NotPrincipal",
        "Action",
        "NotAction",
        "Resource",
        "NotResource",
        "Condition",
    }
)
VERSIONS = frozenset({"2008-10-17", "2012-10-17"})
EXCLUSIVE_PAIRS = (
    ("Action", "NotAction"),
    ("Resource", "NotResource"),
    ("Principal", "NotPrincipal"),
)
PRINCIPAL_TYPES = frozenset(t.value for t in PrincipalType)


def check_syntax(document: dict[str, Any]) -> list[dict[str, Any]]:
    """Raise MalformedPolicyDocument("Syntax errors in policy.") or return the statements."""
    if not _well_formed(document):
        raise MalformedPolicyDocument(messages.SYNTAX_ERRORS)
    statements = document["Statement"]
    return [statements] if isinstance(statements, dict) else list(statements)


def _well_formed(document: dict[str, Any]) -> bool:
    if not TOP_ELEMENTS.issuperset(document):
        return False
    if "Version" in document and document["Version"] not in VERSIONS:
        return False
    if "Id" in document and not isinstance(document["Id"], str):
        return False
    statements = document.get("Statement")
    if isinstance(statements, dict):
        statements = [statements]
    if not isinstance(statements, list) or not statements:
        return False
    return all(_statement_well_formed(s) for s in statements)


def _statement_well_formed(statement: Any) -> bool:
    if not isinstance(statement, dict) or not STATEMENT_ELEMENTS.issuperset(statement):
        return False
    if any(a in statement and b in statement for a, b in EXCLUSIVE_PAIRS):
        return False
    effect = statement.get("Effect")
    if not isinstance(effect, str) or effect.lower() not in ("allow", "deny"):
        return False
    if "Sid" in statement and not isinstance(statement["Sid"], str):
        return False
    string_lists = ("Action", "NotAction", "Resource", "NotResource")
    if not all(_string_or_strings(statement[e]) for e in string_lists if e in statement):
        return False
    principals = [statement[e] for e in ("Principal", "NotPrincipal") if e in statement]
    if not all(_principal_well_formed(p) for p in principals):
        return False
    return "Condition" not in statement or _condition_well_formed(statement["Condition"])


def _string_or_strings(value: Any) -> bool:
    if isinstance(value, str):
        return True
    return isinstance(value, list) and all(isinstance(v, str) for v in value)


def _principal_well_formed(value: Any) -> bool:
    if value == "*":
        return True
    if not isinstance(value, dict):
        return False
    # Empty lists (and `{}`) are well formed: a statement left with no principal at all
    # gets IAM's "no principals" message when it is compiled (`principals.py`).
    return PRINCIPAL_TYPES.issuperset(value) and all(_string_or_strings(v) for v in value.values())


def _condition_well_formed(block: Any) -> bool:
    if not isinstance(block, dict):
        return False
    for operator, keys in block.items():
        if not isinstance(keys, dict):
            return False
        if parse_operator(operator) is None and keys:
            return False
        if not all(_condition_values_well_formed(v) for v in keys.values()):
            return False
    return True


def _condition_values_well_formed(value: Any) -> bool:
    if isinstance(value, list):
        return all(_scalar(v) for v in value)
    return _scalar(value)


def _scalar(value: Any) -> bool:
    return isinstance(value, str | bool | JsonNumber)
