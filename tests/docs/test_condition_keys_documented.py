"""docs/reference/condition-keys.md tells the truth about the keys the code supplies.

- Each DynamoDB action's row lists exactly the `dynamodb:` keys its authorization request
  carries when the request uses every parameter that produces a key (fgac.py, and the
  `authorization` beside each operation that has keys of its own), and every operation the
  service registers is requested as some documented action.
- The session table lists every `aws:` key of a role session's requests (enforcement/context).
- The IAM OIDC table marks exactly the keys a token gives the trust policy and the session.
- Every condition-key name written in the source (AST scan) appears on the page.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from dynafed.auth.principal import Principal, SessionContext
from dynafed.core.authorization import AuthorizationRequest
from dynafed.dynamodb import fgac
from dynafed.dynamodb.operations import (
    batch_get_item,
    batch_write_item,
    query,
    scan,
    transact_write_items,
)
from dynafed.dynamodb.partiql.authorization import PARTIQL_ACTIONS, as_partiql
from dynafed.dynamodb.service import OPERATIONS
from dynafed.enforcement.context import RequestFacts, request_keys, session_keys, time_keys
from dynafed.identity.verified import SessionTags, session_context_keys, trust_context_keys
from dynafed.sts.trust import SET_SOURCE_IDENTITY, TAG_SESSION
from tests.docs.markdown import code_spans, read, sections, table_rows

DOC = read("condition-keys.md")
SRC = Path(__file__).resolve().parents[2] / "src" / "dynafed"
ARN = "arn:aws:dynamodb:us-east-1:123456789012:table/GameScores"
KEY = {"UserId": {"S": "alice"}, "GameTitle": {"S": "Meteor Blasters"}}
EVERYTHING = {"ReturnConsumedCapacity": "TOTAL", "ProjectionExpression": "TopScore"}

# Each item-level operation's authorization, built from a request that uses every parameter
# producing a key. Transactions are requested as their actions' single-item counterparts.
ITEM_ACTIONS: dict[str, Callable[[], AuthorizationRequest]] = {
    "GetItem": lambda: fgac.get_item(
        {"Key": KEY, **EVERYTHING}, "UserId", ARN, enclosing_operation="TransactGetItems"
    ),
    "PutItem": lambda: fgac.put_item(
        {"Item": {**KEY, "TopScore": {"N": "1"}}, "ReturnValues": "ALL_OLD", **EVERYTHING},
        "UserId",
        ARN,
        enclosing_operation="TransactWriteItems",
    ),
    "UpdateItem": lambda: fgac.update_item(
        {"Key": KEY, "UpdateExpression": "SET TopScore = :s", "ReturnValues": "ALL_NEW"}
        | {"ExpressionAttributeValues": {":s": {"N": "1"}}, "ReturnConsumedCapacity": "TOTAL"},
        "UserId",
        ARN,
        enclosing_operation="TransactWriteItems",
    ),
    "DeleteItem": lambda: fgac.delete_item(
        {"Key": KEY, "ReturnValues": "ALL_OLD", "ReturnConsumedCapacity": "TOTAL"},
        "UserId",
        ARN,
        enclosing_operation="TransactWriteItems",
    ),
    "ConditionCheckItem": lambda: transact_write_items.condition_check_item(
        {"Key": KEY, "ConditionExpression": "attribute_exists(TopScore)"}
        | {"ReturnConsumedCapacity": "TOTAL"},
        "UserId",
        ARN,
    ),
    "Query": lambda: query.authorization(
        {"KeyConditionExpression": "UserId = :u", **EVERYTHING}
        | {"ExpressionAttributeValues": {":u": {"S": "alice"}}},
        "UserId",
        ARN,
        select="SPECIFIC_ATTRIBUTES",
    ),
    "Scan": lambda: scan.authorization(EVERYTHING, ARN, select="SPECIFIC_ATTRIBUTES"),
    "BatchGetItem": lambda: batch_get_item.authorization(
        {"Keys": [KEY], "ProjectionExpression": "TopScore"}, "UserId", ARN, "TOTAL"
    ),
    "BatchWriteItem": lambda: batch_write_item.authorization(
        [{"PutRequest": {"Item": KEY}}, {"DeleteRequest": {"Key": KEY}}], "UserId", ARN, "TOTAL"
    ),
}
TRANSACTIONS = {
    "TransactGetItems": {"GetItem"},
    "TransactWriteItems": {"PutItem", "UpdateItem", "DeleteItem", "ConditionCheckItem"},
}
PARTIQL_OPERATIONS = {"ExecuteStatement", "BatchExecuteStatement", "ExecuteTransaction"}
"""Each statement is requested as a PartiQL action in place of its item operation's own."""


def emitted_dynamodb_keys() -> dict[str, set[str]]:
    """Action → the `dynamodb:` keys its authorization request carries."""
    keys = {}
    for operation in OPERATIONS:
        if (
            operation in TRANSACTIONS
            or operation in ITEM_ACTIONS
            or operation in PARTIQL_OPERATIONS
        ):
            continue
        request = fgac.control_plane(operation, ARN)[0]
        keys[request.action] = set(request.condition_keys)
    for request in (build() for build in ITEM_ACTIONS.values()):
        keys[request.action] = set(request.condition_keys)
    for request in (build() for build in ITEM_ACTIONS.values()):
        if f"dynamodb:{request.action.removeprefix('dynamodb:')}" in PARTIQL_ACTIONS:
            partiql = as_partiql(request)
            keys.setdefault(partiql.action, set()).update(partiql.condition_keys)
    return keys


def documented_dynamodb_actions() -> dict[str, set[str]]:
    """`dynamodb:` action rows → the keys listed in their Keys column."""
    rows = {}
    for row in table_rows(_section("DynamoDB actions and their keys")):
        spans = code_spans(row[0])
        if len(row) == 3 and spans and spans[0].startswith("dynamodb:"):
            rows[spans[0]] = {s for s in code_spans(row[2]) if s.startswith("dynamodb:")}
    return rows


def _section(title: str) -> str:
    return "\n".join(s.body for s in sections(DOC) if s.title.startswith(title))


def test_every_dynamodb_action_is_documented_with_exactly_its_keys() -> None:
    documented = documented_dynamodb_actions()
    for action, keys in emitted_dynamodb_keys().items():
        assert action in documented, f"{action} is not in condition-keys.md"
        assert documented[action] == keys, f"{action}: documented keys differ from the code's"


def test_no_documented_dynamodb_action_is_unknown_to_the_code() -> None:
    assert set(documented_dynamodb_actions()) <= set(emitted_dynamodb_keys())


def test_every_operation_is_authorized_as_a_documented_action() -> None:
    covered = set(ITEM_ACTIONS) | set(TRANSACTIONS) | PARTIQL_OPERATIONS
    control = {o for o in OPERATIONS if o not in covered}
    assert all(fgac.control_plane(o, ARN)[0].condition_keys == {} for o in control)
    for enclosing, actions in TRANSACTIONS.items():
        assert actions <= set(ITEM_ACTIONS), enclosing


def _shape(key: str, prefix: str = "idp.example.com") -> str:
    """`idp.example.com:sub` → `<provider>:sub`; `aws:PrincipalTag/team` → `…/<key>`."""
    key = key.replace(f"{prefix}:", "<provider>:")
    return re.sub(r"^(aws:(?:PrincipalTag|RequestTag))/.*$", r"\1/<key>", key)


def test_every_key_of_a_role_sessions_requests_is_documented() -> None:
    session = SessionContext(
        role_arn="arn:aws:iam::123456789012:role/GameRole",
        role_id="AROAEXAMPLEEXAMPLE12",
        session_name="alice",
        expires_at=1_700_003_600.0,
        tags={"team": "blue"},
        context_keys={"aws:FederatedProvider": ["accounts.google.com"]},
        source_identity="alice",
        issued_at=1_700_000_000.0,
    )
    principal = Principal(
        "ASIAEXAMPLE",
        "123456789012",
        "arn:aws:sts::123456789012:assumed-role/GameRole/alice",
        "AROAEXAMPLEEXAMPLE12:alice",
        session,
    )
    facts = RequestFacts("us-east-1", True, "192.0.2.1", "aws-sdk-js/3")
    keys = {
        **session_keys(principal, session, [("project", "x")]),
        **request_keys(facts),
        **time_keys(1_700_000_000.0),
    }
    emitted = {_shape(k) for k in keys}
    documented = {
        spans[0]
        for row in table_rows(_section("Keys of every request"))
        if (spans := code_spans(row[0]))
    }
    assert emitted == documented


def _marked(cell: str) -> bool:
    return cell.strip().lower() == "yes"


def test_the_oidc_table_marks_the_keys_a_token_gives_trust_and_session() -> None:
    claims: dict[str, Any] = {
        "sub": "alice",
        "aud": ["game-web", "other"],
        "azp": "game-web",
        "amr": ["pwd"],
    }
    trust = trust_context_keys(
        "idp.example.com",
        claims,
        "game-web",
        "arn:aws:iam::123456789012:oidc-provider/x",
        SessionTags({"team": "blue"}),
        "alice",
    )
    session = session_context_keys("idp.example.com", trust)
    rows = table_rows(_section("AssumeRoleWithWebIdentity with an IAM OIDC provider"))
    in_trust = {code_spans(r[0])[0] for r in rows if _marked(r[1])}
    in_session = {code_spans(r[0])[0] for r in rows if _marked(r[2])}
    assert in_trust == {_shape(k) for k in trust}
    assert in_session == {_shape(k) for k in session}


# --- every key name the code writes -----------------------------------------------------------

_KEY = re.compile(r"(aws|sts|saml|dynamodb):[A-Za-z_]+/?")
_NOT_EMITTING = ("policy", "demo")
"""The policy linter's knowledge of AWS keys and the demo's example policy emit nothing."""


@cache
def _source_nodes() -> list[ast.AST]:
    files = [p for p in SRC.rglob("*.py") if p.relative_to(SRC).parts[0] not in _NOT_EMITTING]
    return [n for p in files for n in ast.walk(ast.parse(p.read_text(encoding="utf-8")))]


def key_literals() -> set[str]:
    """Every string constant of the source that is a condition-key name (actions aside)."""
    found = set()
    for node in _source_nodes():
        if (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and _KEY.fullmatch(node.value)
        ):
            found.add(node.value)
    actions = {f"dynamodb:{o}" for o in OPERATIONS} | {TAG_SESSION, SET_SOURCE_IDENTITY}
    actions |= {"sts:AssumeRole", "sts:AssumeRoleWithWebIdentity", "sts:AssumeRoleWithSAML"}
    actions |= {"sts:GetFederationToken", "sts:GetAccessKeyInfo"}
    return found - actions


def provider_key_suffixes() -> set[str]:
    """`:sub`, `:user_id`, … from f-strings such as f"{prefix}:sub"."""
    suffixes = set()
    for node in _source_nodes():
        if not (isinstance(node, ast.JoinedStr) and len(node.values) == 2):
            continue
        head, tail = node.values
        if isinstance(head, ast.FormattedValue) and isinstance(tail, ast.Constant):
            suffix = str(tail.value)
            if re.fullmatch(r":[a-z_]+", suffix):
                suffixes.add(suffix)
    return suffixes


def test_every_key_name_in_the_source_is_documented() -> None:
    spans = set(code_spans(DOC))
    written = {
        _shape(k.rstrip("/") + ("/<key>" if k.endswith("/") else "")) for k in key_literals()
    }
    missing = sorted(k for k in written if k not in spans)
    assert not missing, f"condition keys the code supplies, not in condition-keys.md: {missing}"


@pytest.mark.parametrize("suffix", sorted(provider_key_suffixes()))
def test_every_provider_key_is_documented(suffix: str) -> None:
    assert any(span.endswith(suffix) for span in code_spans(DOC)), suffix


def test_the_scan_finds_what_the_code_emits() -> None:
    # The scans above are only as good as what they find: the keys of fgac.py, the web
    # identity keys and a SAML attribute key must all be among them.
    assert {fgac.LEADING_KEYS, fgac.ATTRIBUTES, fgac.ENCLOSING_OPERATION} <= key_literals()
    assert {"sts:RoleSessionName", "saml:namequalifier", "saml:edupersonaffiliation"} <= (
        key_literals()
    )
    assert {":sub", ":aud", ":user_id", ":app_id", ":id", ":email"} <= provider_key_suffixes()
