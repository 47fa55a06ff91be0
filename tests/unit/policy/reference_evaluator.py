"""A deliberately naive IAM evaluator, written straight from AWS's documentation.

No compilation, no caching, no shared code with `dynafed.policy`: it walks the decoded JSON
for every request, looks context keys up by scanning, and matches wildcards with a
recursive definition. It exists to be obviously right, so the engine can be checked against
it on random inputs (Cedar checks its engine against a reference model the same way).

Sources: "Policy evaluation logic" and "How AWS enforcement code logic evaluates requests"
(the order of checks), "Condition operators", "Single-valued vs. multivalued context keys",
"Variables and tags". Where AWS is silent, the choices recorded in iam-fgac.md 3.1 apply.
"""

from __future__ import annotations

import base64
import ipaddress
import re
from datetime import UTC, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

Context = dict[str, list[str]]
Pattern = list[tuple[str, bool]]  # (character, is_wildcard)


# --- the decision (evaluation-logic page, in its order) -----------------------------------


def reference_decide(
    identity: list[dict[str, Any]],
    boundary: dict[str, Any] | None,
    session: list[dict[str, Any]] | None,
    resource_based: list[dict[str, Any]],
    request: dict[str, Any],
) -> tuple[str, str | None]:
    """Return (EvalDecision, policy type phrase or None)."""
    groups = [
        ("identity-based policy", identity),
        ("resource-based policy", resource_based),
        ("permissions boundary", [boundary] if boundary is not None else []),
        ("session policy", session or []),
    ]
    for phrase, documents in groups:
        for document in documents:
            for statement in statements_of(document):
                if statement["Effect"] == "Deny" and applies(document, statement, request):
                    return "explicitDeny", phrase
    direct = role_grant = False
    for document in resource_based:
        for statement in statements_of(document):
            if statement["Effect"] == "Allow" and applies(document, statement, request):
                named = how_principal_names_caller(statement, request)
                direct = direct or named == "caller"
                role_grant = role_grant or named == "role"
    if direct:
        return "allowed", "resource-based policy"
    if not (role_grant or any_allow(identity, request)):
        return "implicitDeny", "identity-based policy"
    if boundary is not None and not any_allow([boundary], request):
        return "implicitDeny", "permissions boundary"
    if session is not None and not any_allow(session, request):
        return "implicitDeny", "session policy"
    return "allowed", None


def any_allow(documents: list[dict[str, Any]], request: dict[str, Any]) -> bool:
    return any(
        statement["Effect"] == "Allow" and applies(document, statement, request)
        for document in documents
        for statement in statements_of(document)
    )


def statements_of(document: dict[str, Any]) -> list[dict[str, Any]]:
    statements = document["Statement"]
    return [statements] if isinstance(statements, dict) else statements


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def applies(document: dict[str, Any], statement: dict[str, Any], request: dict[str, Any]) -> bool:
    substitute = document.get("Version") == "2012-10-17"
    context = request["context"]
    if "Action" in statement:
        action_ok = any(action_matches(a, request["action"]) for a in as_list(statement["Action"]))
    else:
        action_ok = not any(
            action_matches(a, request["action"]) for a in as_list(statement["NotAction"])
        )
    if not action_ok:
        return False
    if "Resource" in statement or "NotResource" in statement:
        element = "Resource" if "Resource" in statement else "NotResource"
        found = any(
            resource_matches(r, request["resource"], context, substitute)
            for r in as_list(statement[element])
        )
        if found != (element == "Resource"):
            return False
    if ("Principal" in statement or "NotPrincipal" in statement) and how_principal_names_caller(
        statement, request
    ) == "no":
        return False
    for operator, keys in statement.get("Condition", {}).items():
        for key, values in keys.items():
            if not condition_holds(operator, key, as_list(values), context, substitute):
                return False
    return True


def how_principal_names_caller(statement: dict[str, Any], request: dict[str, Any]) -> str:
    caller = request.get("principal")
    negated = "NotPrincipal" in statement
    element = statement["NotPrincipal" if negated else "Principal"]
    named = "no"
    if element == "*":
        named = "caller"
    elif caller is not None:
        names = as_list(element.get(caller["type"], []))
        if "*" in names or caller["id"] in names:
            named = "caller"
        elif caller["type"] == "AWS" and caller.get("role_arn") in names:
            named = "role"
        elif caller["type"] == "AWS" and (
            caller.get("account") in names or f"arn:aws:iam::{caller.get('account')}:root" in names
        ):
            named = "account"
    if negated:
        return "caller" if named == "no" else "no"
    return named


# --- wildcards ---------------------------------------------------------------------------


def glob(pattern: Pattern, text: str) -> bool:
    """`*` any run, `?` one character; everything else literal; whole string."""
    if not pattern:
        return text == ""
    (char, wild), rest = pattern[0], pattern[1:]
    if wild and char == "*":
        return any(glob(rest, text[i:]) for i in range(len(text) + 1))
    if not text:
        return False
    if wild and char == "?":
        return glob(rest, text[1:])
    return char == text[0] and glob(rest, text[1:])


def plain(text: str) -> Pattern:
    return [(c, c in "*?") for c in text]


def action_matches(pattern: str, action: str) -> bool:
    return glob(plain(pattern.lower()), action.lower())


def arn_glob(pattern: Pattern, value: str) -> bool:
    """Six colon-separated segments, each matched on its own (the last takes the rest)."""
    segments: list[Pattern] = [[]]
    for char, wild in pattern:
        if char == ":" and not wild and len(segments) < 6:
            segments.append([])
        else:
            segments[-1].append((char, wild))
    parts = value.split(":", len(segments) - 1)
    if len(parts) != len(segments):
        return False
    return all(glob(s, p) for s, p in zip(segments, parts, strict=True))


def resource_matches(pattern: str, resource: str, context: Context, substitute: bool) -> bool:
    expanded = expand(pattern, context) if substitute else plain(pattern)
    return expanded is not None and arn_glob(expanded, resource)


# --- policy variables --------------------------------------------------------------------

VARIABLE = re.compile(r"\$\{([^}]*)\}")


def lookup(context: Context, key: str) -> list[str] | None:
    for name, values in context.items():
        if name.lower() == key.lower():
            return values
    return None


def expand(text: str, context: Context) -> Pattern | None:
    """Substitute variables; their values are literal characters. None if one has no value."""
    out: Pattern = []
    position = 0
    for found in VARIABLE.finditer(text):
        out += plain(text[position : found.start()])
        body = found.group(1)
        if body in ("*", "?", "$"):
            out.append((body, False))
        else:
            key, _, default = body.partition(",")
            values = lookup(context, key.strip())
            if values is not None and len(values) == 1:
                value = values[0]
            elif default:
                value = default.strip()[1:-1]
            else:
                return None
            out += [(c, False) for c in value]
        position = found.end()
    return out + plain(text[position:])


# --- conditions (condition operators page) -----------------------------------------------

NEGATED = {
    "StringNotEquals",
    "StringNotEqualsIgnoreCase",
    "StringNotLike",
    "NumericNotEquals",
    "DateNotEquals",
    "NotIpAddress",
    "ArnNotEquals",
    "ArnNotLike",
}


def condition_holds(
    operator: str, key: str, policy_values: list[Any], context: Context, substitute: bool
) -> bool:
    qualifier = ""
    for prefix in ("ForAllValues:", "ForAnyValue:"):
        if operator.startswith(prefix):
            qualifier, operator = prefix, operator[len(prefix) :]
    if_exists = operator.endswith("IfExists")
    base = operator.removesuffix("IfExists")
    values = lookup(context, key)
    texts = [text_of(v) for v in policy_values]
    if base == "Null":
        if qualifier == "ForAllValues:":
            return True
        if qualifier == "ForAnyValue:":
            return False
        is_null = not values
        return any(t.lower() == ("true" if is_null else "false") for t in texts)
    negated = base in NEGATED

    def pos(request_value: str) -> bool:
        if base.startswith("Arn") and not is_arn(request_value):
            return negated  # not an ARN: the positive and the negated forms are both false
        return any(compare(base, request_value, t, context, substitute) for t in texts)

    if qualifier == "":
        if not values:
            return if_exists or negated
        return (not any(pos(v) for v in values)) if negated else any(pos(v) for v in values)
    null_set = values is None or all(v == "" for v in values)
    if qualifier == "ForAllValues:":
        if null_set:
            return True
        return all((not pos(v)) if negated else pos(v) for v in values)
    if null_set:
        return if_exists
    return any((not pos(v)) if negated else pos(v) for v in values)


def is_arn(text: str) -> bool:
    return text.startswith("arn:") and text.count(":") >= 5


def text_of(value: Any) -> str:
    if value is True:
        return "true"
    if value is False:
        return "false"
    return str(value)


def compare(
    base: str, request_value: str, policy_value: str, context: Context, substitute: bool
) -> bool:
    """Does one request value match one policy value (before any negation)?"""
    family = base.replace("Not", "")
    if family.startswith("String") or family.startswith("Arn"):
        pattern = expand(policy_value, context) if substitute else plain(policy_value)
        if family.startswith("Arn"):
            return pattern is not None and arn_glob(pattern, request_value)
        if pattern is None:
            return False
        literal = "".join(c for c, _ in pattern)
        if family == "StringEquals":
            return literal == request_value
        if family == "StringEqualsIgnoreCase":
            return literal.lower() == request_value.lower()
        return glob(pattern, request_value)
    if family.startswith("Numeric"):
        return ordered(family.removeprefix("Numeric"), number(request_value), number(policy_value))
    if family.startswith("Date"):
        return ordered(family.removeprefix("Date"), instant(request_value), instant(policy_value))
    if family == "Bool":
        return (
            policy_value.lower() in ("true", "false")
            and policy_value.lower() == request_value.lower()
        )
    if family == "BinaryEquals":
        return decoded(request_value) is not None and decoded(request_value) == decoded(
            policy_value
        )
    if family == "IpAddress":
        try:
            address = ipaddress.ip_address(request_value)
            return address in ipaddress.ip_network(policy_value, strict=False)
        except (ValueError, TypeError):
            return False
    raise AssertionError(f"unknown operator {base}")


def ordered(relation: str, left: Any, right: Any) -> bool:
    if left is None or right is None:
        return False
    return {
        "Equals": left == right,
        "LessThan": left < right,
        "LessThanEquals": left <= right,
        "GreaterThan": left > right,
        "GreaterThanEquals": left >= right,
    }[relation]


def number(text: str) -> Decimal | None:
    if not re.fullmatch(r"[+-]?(\d+(\.\d*)?|\.\d+)", text):
        return None
    try:
        return Decimal(text)
    except InvalidOperation:
        return None


def instant(text: str) -> datetime | None:
    if "-" not in text and "T" not in text and "t" not in text:
        return (
            datetime(1970, 1, 1, tzinfo=UTC) + timedelta(seconds=int(text))
            if text.isdigit()
            else None
        )
    layouts = ("%Y-%m-%dT%H:%M:%S%z", "%Y-%m-%dT%H:%M%z", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d", "%Y-%m")
    for layout in layouts:
        try:
            moment = datetime.strptime(text.replace("Z", "+0000"), layout)
        except ValueError:
            continue
        return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return None


def decoded(text: str) -> bytes | None:
    try:
        return base64.b64decode(text, validate=True)
    except ValueError:
        return None
