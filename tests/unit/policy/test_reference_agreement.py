"""The engine agrees with the naive reference evaluator on random policies and requests."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.unit.policy.reference_evaluator import reference_decide

from dynafed.policy import (
    NamedPolicy,
    PolicyKind,
    PolicySet,
    Request,
    RequestPrincipal,
    evaluate,
    parse_policy,
)

ACCOUNT = "111122223333"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/R"
SESSION = f"arn:aws:sts::{ACCOUNT}:assumed-role/R/s"

REQUEST_ACTIONS = ["s3:GetObject", "s3:PutObject", "dynamodb:GetItem", "dynamodb:Query"]
ACTION_PATTERNS = [
    "*",
    "s3:*",
    "s3:Get*",
    "dynamodb:?etItem",
    "DynamoDB:GETITEM",
    "dynamodb:Query",
    "s3:PutObject",
    "dynamodb:*Item",
]
REQUEST_RESOURCES = [
    "arn:aws:s3:::b/alice/x",
    "arn:aws:s3:::b/bob",
    f"arn:aws:dynamodb:us-east-1:{ACCOUNT}:table/T",
    f"arn:aws:dynamodb:us-east-1:{ACCOUNT}:table/T/index/I",
    "*",
]
RESOURCE_PATTERNS = [
    "*",
    "arn:aws:s3:::b/*",
    "arn:aws:s3:::b/${k:user}/*",
    "arn:aws:s3:::b/${k:user, 'bob'}",
    f"arn:aws:dynamodb:*:{ACCOUNT}:table/T",
    f"arn:aws:dynamodb:us-east-1:{ACCOUNT}:table/T*",
    "arn:aws:dynamodb:us-?ast-1:*:table/*",
]
KEYS = ["k:a", "k:b", "K:A", "k:user"]
CONTEXT_VALUES = [
    "x",
    "X",
    "y",
    "",
    "alice",
    "bob",
    "1",
    "10.0",
    "abc",
    "true",
    "FALSE",
    "2020-06-01T00:00:00Z",
    "1600000000",
    "10.1.2.3",
    "2001:db8::1",
    "arn:aws:s3:::b/x",
    "x*",
]
FAMILIES: dict[str, tuple[list[str], list[Any]]] = {
    "string": (
        [
            "StringEquals",
            "StringNotEquals",
            "StringEqualsIgnoreCase",
            "StringNotEqualsIgnoreCase",
            "StringLike",
            "StringNotLike",
        ],
        ["x", "X", "y", "x*", "?", "", "${k:user}", "${k:b, 'y'}", "a${*}", "alice"],
    ),
    "numeric": (
        [
            "NumericEquals",
            "NumericNotEquals",
            "NumericLessThan",
            "NumericLessThanEquals",
            "NumericGreaterThan",
            "NumericGreaterThanEquals",
        ],
        ["1", "10", "-2.5", "abc", 10],
    ),
    "date": (
        ["DateEquals", "DateNotEquals", "DateLessThan", "DateGreaterThanEquals"],
        ["2020-01-01T00:00:00Z", "2021-06-01", "1600000000", "2020-06-01T02:00:00+02:00"],
    ),
    "bool": (["Bool"], ["true", "false", True, "yes"]),
    "null": (["Null"], ["true", "false"]),
    "ip": (["IpAddress", "NotIpAddress"], ["10.0.0.0/8", "192.0.2.1", "2001:db8::/32"]),
    "arn": (
        ["ArnLike", "ArnNotLike", "ArnEquals", "ArnNotEquals"],
        ["arn:aws:s3:::b/*", "arn:aws:s3:::${k:user}", "*"],
    ),
}


@st.composite
def conditions(draw: st.DrawFn) -> dict[str, Any]:
    block: dict[str, Any] = {}
    for _ in range(draw(st.sampled_from([0, 1, 1, 2]))):
        family = draw(st.sampled_from(sorted(FAMILIES)))
        operators, values = FAMILIES[family]
        base = draw(st.sampled_from(operators))
        qualifier = draw(st.sampled_from(["", "ForAllValues:", "ForAnyValue:"]))
        if_exists = family != "null" and draw(st.booleans())
        operator = qualifier + base + ("IfExists" if if_exists else "")
        keys = draw(st.lists(st.sampled_from(KEYS), min_size=1, max_size=2, unique=True))
        least = 0 if qualifier or if_exists else 1
        block[operator] = {
            key: draw(st.lists(st.sampled_from(values), min_size=least, max_size=3)) for key in keys
        }
    return block


@st.composite
def statements(draw: st.DrawFn, *, with_principal: bool) -> dict[str, Any]:
    statement: dict[str, Any] = {"Effect": draw(st.sampled_from(["Allow", "Allow", "Deny"]))}
    if with_principal:
        statement["Principal"] = draw(
            st.sampled_from(
                [
                    "*",
                    {"AWS": SESSION},
                    {"AWS": ROLE},
                    {"AWS": ACCOUNT},
                    {"AWS": "arn:aws:iam::999999999999:role/X"},
                ]
            )
        )
    action_element = draw(st.sampled_from(["Action", "Action", "NotAction"]))
    statement[action_element] = draw(
        st.lists(st.sampled_from(ACTION_PATTERNS), min_size=1, max_size=2)
    )
    resource_element = draw(st.sampled_from(["Resource", "Resource", "NotResource"]))
    statement[resource_element] = draw(
        st.lists(st.sampled_from(RESOURCE_PATTERNS), min_size=1, max_size=2)
    )
    block = draw(conditions())
    if block:
        statement["Condition"] = block
    return statement


@st.composite
def documents(draw: st.DrawFn, *, with_principal: bool = False) -> dict[str, Any]:
    document: dict[str, Any] = {}
    if draw(st.integers(0, 3)) > 0:
        document["Version"] = "2012-10-17"
    document["Statement"] = draw(
        st.lists(statements(with_principal=with_principal), min_size=1, max_size=2)
    )
    return document


@st.composite
def contexts(draw: st.DrawFn) -> dict[str, list[str]]:
    keys = draw(st.lists(st.sampled_from(["k:a", "k:b", "k:user"]), unique=True, max_size=3))
    return {key: draw(st.lists(st.sampled_from(CONTEXT_VALUES), max_size=3)) for key in keys}


def compile_all(documents: list[dict[str, Any]], kind: PolicyKind) -> tuple[NamedPolicy, ...]:
    return tuple(
        NamedPolicy(f"{kind.value}{i}", parse_policy(json.dumps(d), kind))
        for i, d in enumerate(documents)
    )


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    identity=st.lists(documents(), max_size=2),
    boundary=st.none() | documents(),
    session=st.none() | st.lists(documents(), max_size=2),
    resource_based=st.lists(documents(with_principal=True), max_size=1),
    action=st.sampled_from(REQUEST_ACTIONS),
    resource=st.sampled_from(REQUEST_RESOURCES),
    context=contexts(),
)
def test_engine_agrees_with_reference(
    identity: list[dict[str, Any]],
    boundary: dict[str, Any] | None,
    session: list[dict[str, Any]] | None,
    resource_based: list[dict[str, Any]],
    action: str,
    resource: str,
    context: dict[str, list[str]],
) -> None:
    policies = PolicySet(
        identity=compile_all(identity, PolicyKind.IDENTITY),
        boundary=compile_all([boundary], PolicyKind.IDENTITY)[0] if boundary else None,
        session=compile_all(session, PolicyKind.SESSION) if session is not None else None,
        resource=compile_all(resource_based, PolicyKind.RESOURCE),
    )
    principal = RequestPrincipal(SESSION, role_arn=ROLE, account=ACCOUNT)
    decision = evaluate(policies, Request(action, resource, context, principal))
    caller = {"type": "AWS", "id": SESSION, "role_arn": ROLE, "account": ACCOUNT}
    request = {"action": action, "resource": resource, "context": context, "principal": caller}
    expected, phrase = reference_decide(identity, boundary, session, resource_based, request)
    assert decision.decision.value == expected
    if expected != "allowed":
        assert decision.policy_type is not None and decision.policy_type.phrase == phrase
