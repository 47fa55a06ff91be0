"""Runs the policy conformance cases kept as data in `policy/*.yaml` (format: policy/README.md).

Every evaluation case is checked twice: against the engine, and against the naive reference
evaluator, so the data, the engine and the reference keep each other honest.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from dynafed.errors import AwsError
from dynafed.policy import (
    NamedPolicy,
    PolicyKind,
    PolicySet,
    PrincipalType,
    Request,
    RequestPrincipal,
    access_denied_message,
    evaluate,
    parse_policy,
)
from tests.unit.policy.reference_evaluator import reference_decide

CASES_DIR = Path(__file__).parent / "policy"
CASE_KEYS = {"name", "source", "policies", "request", "expect"}
VALIDATION_KEYS = {"name", "source", "kind", "document", "expect"}
SLOT_KINDS = {
    "identity": PolicyKind.IDENTITY,
    "boundary": PolicyKind.BOUNDARY,
    "session": PolicyKind.SESSION,
    "resource": PolicyKind.RESOURCE,
    "trust": PolicyKind.TRUST,
}


@dataclass(frozen=True)
class Case:
    file: str
    data: dict[str, Any]
    documents: dict[str, str]

    @property
    def id(self) -> str:
        return f"{self.file}: {self.data['name']}"


def load_cases() -> Iterator[Case]:
    for path in sorted(CASES_DIR.glob("*.yaml")):
        content = yaml.safe_load(path.read_text())
        file_source = content.get("source")
        for data in content["cases"]:
            data.setdefault("source", file_source)
            yield Case(path.name, data, content.get("documents", {}))


CASES = list(load_cases())
EVALUATION = [c for c in CASES if "policies" in c.data]
VALIDATION = [c for c in CASES if "document" in c.data]


def test_every_case_cites_its_source_and_has_a_known_shape() -> None:
    assert len(EVALUATION) + len(VALIDATION) == len(CASES)
    names = [c.id for c in CASES]
    assert len(names) == len(set(names)), "case names must be unique within a file"
    for case in CASES:
        assert str(case.data.get("source", "")).startswith("https://"), case.id
        allowed = CASE_KEYS if case in EVALUATION else VALIDATION_KEYS
        assert set(case.data) <= allowed, f"{case.id}: unknown keys {set(case.data) - allowed}"


@pytest.mark.parametrize("case", EVALUATION, ids=lambda c: c.id)
def test_evaluation_case(case: Case) -> None:
    policies, raw = build_policy_set(case)
    request_data = case.data["request"]
    request = Request(
        request_data["action"],
        request_data.get("resource", "*"),
        context_of(request_data),
        principal_of(request_data),
    )
    expect = case.data["expect"]
    decision = evaluate(policies, request)
    assert decision.decision.value == expect["decision"]
    if "policy_type" in expect:
        assert decision.policy_type is not None
        assert decision.policy_type.phrase == expect["policy_type"]
    if "statement" in expect:
        assert decision.statement is not None
        wanted = expect["statement"]
        found = decision.statement
        assert (found.policy_id, found.sid, found.index) == (
            wanted["policy"],
            wanted.get("sid"),
            wanted["index"],
        )
    if "failed_condition" in expect:
        failed = {(f.operator, f.key) for f in decision.failed_conditions}
        wanted = expect["failed_condition"]
        assert (wanted["operator"], wanted["key"]) in failed
    if "message" in expect:
        message = access_denied_message(
            decision,
            principal_arn=request_data["principal"]["id"],
            action=request.action,
            resource=request.resource,
        )
        assert message == expect["message"]
    check_reference_agrees(raw, request_data, expect)


@pytest.mark.parametrize("case", VALIDATION, ids=lambda c: c.id)
def test_validation_case(case: Case) -> None:
    kind = PolicyKind(case.data["kind"])
    expect = case.data["expect"]
    if expect.get("valid"):
        parse_policy(case.data["document"], kind)
        return
    with pytest.raises(AwsError) as raised:
        parse_policy(case.data["document"], kind)
    assert raised.value.code == expect["error"]
    assert raised.value.message == expect["message"]


def build_policy_set(case: Case) -> tuple[PolicySet, dict[str, Any]]:
    slots = case.data["policies"]
    assert set(slots) <= set(SLOT_KINDS), f"unknown policy slot in {case.id}"

    def compiled(slot: str, ids: list[str]) -> tuple[NamedPolicy, ...]:
        kind = SLOT_KINDS[slot]
        return tuple(NamedPolicy(i, parse_policy(case.documents[i], kind)) for i in ids)

    def decoded(ids: list[str]) -> list[dict[str, Any]]:
        return [json.loads(case.documents[i]) for i in ids]

    boundary_id = slots.get("boundary")
    resource_ids = slots.get("resource", []) + slots.get("trust", [])
    policies = PolicySet(
        identity=compiled("identity", slots.get("identity", [])),
        boundary=compiled("boundary", [boundary_id])[0] if boundary_id else None,
        session=compiled("session", slots["session"]) if "session" in slots else None,
        resource=compiled("resource", slots.get("resource", []))
        + compiled("trust", slots.get("trust", [])),
    )
    raw = {
        "identity": decoded(slots.get("identity", [])),
        "boundary": decoded([boundary_id])[0] if boundary_id else None,
        "session": decoded(slots["session"]) if "session" in slots else None,
        "resource": decoded(resource_ids),
    }
    return policies, raw


def context_of(request: dict[str, Any]) -> dict[str, list[str]]:
    context: dict[str, list[str]] = {}
    for key, value in request.get("context", {}).items():
        values = value if isinstance(value, list) else [value]
        assert all(isinstance(v, str) for v in values), f"quote the YAML value of {key}"
        context[key] = values
    return context


def principal_of(request: dict[str, Any]) -> RequestPrincipal | None:
    data = request.get("principal")
    if data is None:
        return None
    return RequestPrincipal(
        data["id"],
        PrincipalType(data.get("type", "AWS")),
        role_arn=data.get("role_arn"),
        account=data.get("account"),
    )


def check_reference_agrees(
    raw: dict[str, Any], request: dict[str, Any], expect: dict[str, Any]
) -> None:
    principal = request.get("principal")
    caller = None
    if principal is not None:
        caller = {
            "type": principal.get("type", "AWS"),
            "id": principal["id"],
            "role_arn": principal.get("role_arn"),
        }
        account = principal.get("account") or principal_of(request).account_id()  # type: ignore[union-attr]
        caller["account"] = account
    reference_request = {
        "action": request["action"],
        "resource": request.get("resource", "*"),
        "context": context_of(request),
        "principal": caller,
    }
    decision, phrase = reference_decide(
        raw["identity"], raw["boundary"], raw["session"], raw["resource"], reference_request
    )
    assert decision == expect["decision"], "the reference evaluator disagrees with the case"
    if decision != "allowed" and "policy_type" in expect:
        assert phrase == expect["policy_type"]
