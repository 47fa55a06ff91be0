"""Policy document text → validated, compiled `Policy` (or IAM's MalformedPolicyDocument).

Checks run in the order IAM reports them (moto's model of IAM's validator, checked against
the CreatePolicy responses recorded in localstack's test_iam_policies.snapshot.json), so a
document with several problems gets the message IAM would give first:
syntax → version → policy-kind rules → legacy parsing → Sid rules → Action/Resource
presence → Resource format → Action vendor → element values (principals, conditions,
variables). Every message and its evidence: `messages.py`.
"""

from __future__ import annotations

import re
from typing import Any

from dynafed.core.wildcard import compile_glob
from dynafed.errors import MalformedPolicyDocument
from dynafed.policy import messages
from dynafed.policy.actions import check_action, compile_actions
from dynafed.policy.condition_block import compile_condition_block, value_text
from dynafed.policy.conditions.date import date_value_error
from dynafed.policy.conditions.registry import parse_operator
from dynafed.policy.jsondoc import load_document
from dynafed.policy.kinds import PolicyKind
from dynafed.policy.model import CURRENT_VERSION, Effect, Policy, Statement
from dynafed.policy.principals import compile_principal
from dynafed.policy.resources import (
    compile_resources,
    parse_resource_template,
    passes_legacy_parsing,
    resource_format_error,
)
from dynafed.policy.syntax import check_syntax

_ALPHANUMERIC = re.compile(r"[0-9A-Za-z]*")
_TRUST_ACTIONS = (
    "sts:assumerole",
    "sts:assumerolewithsaml",
    "sts:assumerolewithwebidentity",
    "sts:tagsession",
    "sts:setsourceidentity",
    "sts:setcontext",
)
"""What a trust policy may allow (lower-cased): the AssumeRole* actions and the actions the
IAM guide names for trust policies (session tags, source identity, context). IAM refuses
`sts:InvalidAction` (localstack test_iam_roles.snapshot.json, recorded against AWS)."""


def parse_policy(text: str, kind: PolicyKind) -> Policy:
    """Validate and compile a policy document; raise MalformedPolicyDocument with IAM's text.

    Size limits are separate (`limits.py`): they depend on where the document is stored.
    """
    document = load_document(text, kind)
    statements = check_syntax(document)
    version = document.get("Version")
    if kind.requires_current_version and version != CURRENT_VERSION:
        raise MalformedPolicyDocument(messages.VERSION_TOO_OLD)
    _check_kind_rules(statements, kind)
    resource_error = _check_legacy_parsing(statements)
    _check_sids(statements, kind)
    _check_presence(statements, kind)
    if resource_error is not None:
        raise MalformedPolicyDocument(resource_error)
    for statement in statements:
        for action in _strings(statement.get("Action", statement.get("NotAction"))):
            check_action(action)
    variables = version == CURRENT_VERSION
    compiled = tuple(
        _compile_statement(index, s, variables=variables) for index, s in enumerate(statements)
    )
    return Policy(kind, version, document.get("Id"), compiled, text)


def _strings(value: Any) -> list[str]:
    if value is None:
        return []
    return [value] if isinstance(value, str) else list(value)


def _check_kind_rules(statements: list[dict[str, Any]], kind: PolicyKind) -> None:
    has_principal = any("Principal" in s or "NotPrincipal" in s for s in statements)
    if not kind.has_principal and has_principal:
        raise MalformedPolicyDocument(messages.PRINCIPAL_NOT_ALLOWED)
    if not kind.has_principal:
        return
    for statement in statements:
        _check_not_principal(statement, kind)
        if "Principal" not in statement and "NotPrincipal" not in statement:
            raise MalformedPolicyDocument(messages.MISSING_PRINCIPAL)
        if kind is PolicyKind.TRUST:
            _check_trust_statement(statement)


def _check_not_principal(statement: dict[str, Any], kind: PolicyKind) -> None:
    """NotPrincipal element page: only with Deny, and never in a role trust policy."""
    if "NotPrincipal" not in statement:
        return
    if statement["Effect"] == "Allow":
        raise MalformedPolicyDocument(messages.NOT_PRINCIPAL_WITH_ALLOW)
    if kind is PolicyKind.TRUST:
        raise MalformedPolicyDocument(messages.NOT_PRINCIPAL_IN_TRUST)


def _check_trust_statement(statement: dict[str, Any]) -> None:
    for element in ("Resource", "NotResource"):
        if element in statement:
            raise MalformedPolicyDocument(messages.prohibited_field(element))
    for action in _strings(statement.get("Action")):
        if not _is_trust_action(action):
            raise MalformedPolicyDocument(messages.TRUST_ACTIONS_ONLY_STS)


def _is_trust_action(action: str) -> bool:
    if action == "*":
        return True
    matches = compile_glob(action, ignore_case=True)
    return any(matches(allowed) for allowed in _TRUST_ACTIONS)


def _check_legacy_parsing(statements: list[dict[str, Any]]) -> str | None:
    """Raise "The policy failed legacy parsing"; return the first Resource format error,
    which IAM reports only after the Sid and presence checks. Once a statement has shown a
    format error, later resources are not legacy-parsed (localstack recording invalid-25:
    the partition error of the first resource wins over a `::` in the second)."""
    for statement in statements:
        if statement["Effect"] not in ("Allow", "Deny"):  # case-sensitive here
            raise MalformedPolicyDocument(messages.LEGACY_PARSING)
        _check_date_values(statement.get("Condition", {}))
    first_error: str | None = None
    for statement in statements:
        for element in ("Resource", "NotResource"):
            resources = _strings(statement.get(element))
            errors = [e for e in map(resource_format_error, resources) if e is not None]
            first_error = first_error or next(iter(errors), None)
            if first_error is None and not all(map(passes_legacy_parsing, resources)):
                raise MalformedPolicyDocument(messages.LEGACY_PARSING)
    return first_error


def _check_date_values(block: dict[str, Any]) -> None:
    for operator_name, keys in block.items():
        operator = parse_operator(operator_name)
        if operator is None or operator.base.name[:4] != "Date":
            continue
        for raw in keys.values():
            for value in raw if isinstance(raw, list) else [raw]:
                if date_value_error(value_text(value)) is not None:
                    raise MalformedPolicyDocument(messages.LEGACY_PARSING)


def _check_sids(statements: list[dict[str, Any]], kind: PolicyKind) -> None:
    sids = [s["Sid"] for s in statements if s.get("Sid")]
    if len(sids) != len(set(sids)):
        raise MalformedPolicyDocument(messages.SID_NOT_UNIQUE)
    if kind.alphanumeric_sids and not all(_ALPHANUMERIC.fullmatch(sid) for sid in sids):
        raise MalformedPolicyDocument(messages.SID_NOT_ALPHANUMERIC)


def _check_presence(statements: list[dict[str, Any]], kind: PolicyKind) -> None:
    for statement in statements:
        if not _strings(statement.get("Action", statement.get("NotAction"))):
            raise MalformedPolicyDocument(messages.MISSING_ACTIONS)
    if not kind.needs_resource:
        return
    for statement in statements:
        if not _strings(statement.get("Resource", statement.get("NotResource"))):
            raise MalformedPolicyDocument(messages.MISSING_RESOURCES)


def _compile_statement(index: int, raw: dict[str, Any], *, variables: bool) -> Statement:
    negated_action = "NotAction" in raw
    actions = tuple(_strings(raw["NotAction" if negated_action else "Action"]))
    for action in actions if variables else ():
        if "${" in action:
            raise MalformedPolicyDocument(messages.variable_not_allowed("Action", action))
    resources = None
    if "Resource" in raw or "NotResource" in raw:
        element = "Resource" if "Resource" in raw else "NotResource"
        written = tuple(_strings(raw[element]))
        templates = tuple(parse_resource_template(r, variables=variables) for r in written)
        resources = compile_resources(templates, written, negated=element == "NotResource")
    principal = None
    if "Principal" in raw or "NotPrincipal" in raw:
        element = "Principal" if "Principal" in raw else "NotPrincipal"
        principal = compile_principal(raw[element], negated=element == "NotPrincipal")
    return Statement(
        index=index,
        sid=raw.get("Sid") or None,
        effect=Effect(raw["Effect"]),
        actions=compile_actions(actions, negated=negated_action),
        resources=resources,
        principal=principal,
        conditions=compile_condition_block(raw.get("Condition", {}), variables=variables),
    )
