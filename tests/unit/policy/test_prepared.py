"""A prepared policy set answers exactly what `evaluate` answers, evaluating once per
distinct value of what the decision depends on."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.unit.policy.support import document
from tests.unit.policy.test_reference_agreement import (
    ACCOUNT,
    REQUEST_ACTIONS,
    REQUEST_RESOURCES,
    ROLE,
    SESSION,
    compile_all,
    documents,
)

from dynafed.policy import (
    NamedPolicy,
    PolicyKind,
    PolicySet,
    PrincipalType,
    Request,
    RequestPrincipal,
    evaluate,
    parse_policy,
)
from dynafed.policy import prepared as prepared_module
from dynafed.policy.prepared import PreparedPolicySet, keys_read

PROVIDER = "cognito-identity.amazonaws.com"
TRUST = document(
    {
        "Effect": "Allow",
        "Principal": {"Federated": PROVIDER},
        "Action": "sts:AssumeRoleWithWebIdentity",
        "Condition": {"StringEquals": {f"{PROVIDER}:aud": "pool-1"}},
    }
)
ROLE_ARN = f"arn:aws:iam::{ACCOUNT}:role/Game"
CALLER = RequestPrincipal(PROVIDER, PrincipalType.FEDERATED)


def trust_set(text: str = TRUST) -> PolicySet:
    return PolicySet(resource=(NamedPolicy("trust", parse_policy(text, PolicyKind.TRUST)),))


def web_context(sub: str, aud: str = "pool-1", now: str = "1700000000") -> dict[str, list[str]]:
    return {
        "aws:EpochTime": [now],
        f"{PROVIDER}:aud": [aud],
        f"{PROVIDER}:sub": [sub],
    }


class CountingEvaluations:
    def __init__(self, monkeypatch: Any) -> None:
        self.count = 0

        def counted(policies: PolicySet, request: Request) -> Any:
            self.count += 1
            return evaluate(policies, request)

        monkeypatch.setattr(prepared_module, "evaluate", counted)


def test_requests_differing_only_in_keys_no_statement_reads_share_one_evaluation(
    monkeypatch: Any,
) -> None:
    evaluations = CountingEvaluations(monkeypatch)
    prepared = PreparedPolicySet(trust_set())
    action = "sts:AssumeRoleWithWebIdentity"
    for n in range(5):
        context = web_context(f"user-{n}", now=str(1_700_000_000 + n))
        assert prepared.decide(action, ROLE_ARN, context, CALLER).allowed
    assert evaluations.count == 1
    assert not prepared.decide(action, ROLE_ARN, web_context("u", aud="pool-2"), CALLER).allowed
    assert evaluations.count == 2


def test_the_caller_action_and_resource_are_part_of_what_is_kept(monkeypatch: Any) -> None:
    evaluations = CountingEvaluations(monkeypatch)
    prepared = PreparedPolicySet(trust_set())
    context = web_context("u")
    assert prepared.decide("sts:AssumeRoleWithWebIdentity", ROLE_ARN, context, CALLER).allowed
    other_provider = RequestPrincipal("accounts.google.com", PrincipalType.FEDERATED)
    assert not prepared.decide(
        "sts:AssumeRoleWithWebIdentity", ROLE_ARN, context, other_provider
    ).allowed
    assert not prepared.decide("sts:TagSession", ROLE_ARN, context, CALLER).allowed
    assert evaluations.count == 3


def test_keys_read_are_condition_keys_and_variables_lower_cased() -> None:
    text = document(
        {
            "Effect": "Allow",
            "Action": "s3:GetObject",
            "Resource": "arn:aws:s3:::b/${aws:username}/*",
            "Condition": {
                "StringEquals": {"S3:Prefix": "${Aws:PrincipalTag/team}"},
                "Bool": {"aws:SecureTransport": "true"},
            },
        }
    )
    policies = PolicySet(identity=(NamedPolicy("p", parse_policy(text, PolicyKind.IDENTITY)),))
    assert set(keys_read(policies)) == {
        "s3:prefix",
        "aws:principaltag/team",
        "aws:securetransport",
        "aws:username",
    }


def test_a_full_set_still_answers_without_keeping_more(monkeypatch: Any) -> None:
    evaluations = CountingEvaluations(monkeypatch)
    prepared = PreparedPolicySet(trust_set(), capacity=2)
    action = "sts:AssumeRoleWithWebIdentity"
    for aud in ("a", "b", "c", "c"):
        assert not prepared.decide(action, ROLE_ARN, web_context("u", aud=aud), CALLER).allowed
    assert evaluations.count == 4  # "c" came after the set was full: worked out each time


@st.composite
def spelled(draw: st.DrawFn) -> dict[str, list[str]]:
    """A context from few values (so requests often agree on some keys and not on others),
    its keys in any case, and an unread key beside them."""
    context = {
        key: draw(st.lists(st.sampled_from(["x", "alice"]), max_size=1))
        for key in ("k:a", "k:b", "k:user")
        if draw(st.booleans())
    }
    spelled = {
        (key.upper() if draw(st.booleans()) else key): values for key, values in context.items()
    }
    spelled["k:unread"] = draw(st.lists(st.sampled_from(["1", "2"]), max_size=1))
    return spelled


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    identity=st.lists(documents(), max_size=2),
    resource_based=st.lists(documents(with_principal=True), max_size=1),
    asked=st.lists(
        st.tuples(st.sampled_from(REQUEST_ACTIONS), st.sampled_from(REQUEST_RESOURCES), spelled()),
        min_size=1,
        max_size=8,
    ),
)
def test_every_kept_decision_is_the_one_evaluate_makes(
    identity: list[dict[str, Any]],
    resource_based: list[dict[str, Any]],
    asked: list[tuple[str, str, dict[str, list[str]]]],
) -> None:
    policies = PolicySet(
        identity=compile_all(identity, PolicyKind.IDENTITY),
        resource=compile_all(resource_based, PolicyKind.RESOURCE),
    )
    prepared = PreparedPolicySet(policies)
    principal = RequestPrincipal(SESSION, role_arn=ROLE, account=ACCOUNT)
    for action, resource, context in asked * 2:
        expected = evaluate(policies, Request(action, resource, context, principal))
        assert prepared.decide(action, resource, context, principal) == expected
