"""AccessDenied wording (IAM "Troubleshoot access denied error messages"; iam-fgac.md 6.1)
and what the simulator reports."""

from __future__ import annotations

import pytest
from tests.unit.policy.support import allow, deny, document

from dynafed.errors import LimitExceeded
from dynafed.policy import (
    Decision,
    EvalDecision,
    NamedPolicy,
    PolicyKind,
    PolicySet,
    PolicyType,
    Request,
    access_denied_message,
    access_denied_reason,
    check_inline_policies_size,
    check_managed_policy_size,
    check_trust_policy_size,
    evaluate,
    parse_policy,
    policy_size,
    simulate,
)

SESSION = "arn:aws:sts::123456789012:assumed-role/GameRole/web-identity-federation"
TABLE = "arn:aws:dynamodb:us-west-2:123456789012:table/GameScores"


@pytest.mark.parametrize(
    ("decision", "reason"),
    [
        (
            EvalDecision.IMPLICIT_DENY,
            "because no identity-based policy allows the dynamodb:GetItem action",
        ),
        (EvalDecision.EXPLICIT_DENY, "with an explicit deny in an identity-based policy"),
    ],
)
def test_identity_reasons(decision: EvalDecision, reason: str) -> None:
    assert (
        access_denied_reason(Decision(decision, PolicyType.IDENTITY, None), "dynamodb:GetItem")
        == reason
    )


@pytest.mark.parametrize(
    ("policy_type", "implicit", "explicit"),
    [
        (
            PolicyType.RESOURCE,
            "because no resource-based policy allows the s3:X action",
            "with an explicit deny in a resource-based policy",
        ),
        (
            PolicyType.BOUNDARY,
            "because no permissions boundary allows the s3:X action",
            "with an explicit deny in a permissions boundary",
        ),
        (
            PolicyType.SESSION,
            "because no session policy allows the s3:X action",
            "with an explicit deny in a session policy",
        ),
    ],
)
def test_other_policy_types(policy_type: PolicyType, implicit: str, explicit: str) -> None:
    assert (
        access_denied_reason(Decision(EvalDecision.IMPLICIT_DENY, policy_type, None), "s3:X")
        == implicit
    )
    assert (
        access_denied_reason(Decision(EvalDecision.EXPLICIT_DENY, policy_type, None), "s3:X")
        == explicit
    )


def test_whole_message_for_a_failed_fine_grained_condition() -> None:
    text = document(
        allow(
            "dynamodb:GetItem",
            TABLE,
            Condition={"StringEqualsIfExists": {"dynamodb:Select": "SPECIFIC_ATTRIBUTES"}},
        )
    )
    policies = PolicySet(identity=(NamedPolicy("p", parse_policy(text, PolicyKind.IDENTITY)),))
    decision = evaluate(
        policies, Request("dynamodb:GetItem", TABLE, {"dynamodb:Select": "ALL_ATTRIBUTES"})
    )
    assert access_denied_message(
        decision, principal_arn=SESSION, action="dynamodb:GetItem", resource=TABLE
    ) == (
        "User: arn:aws:sts::123456789012:assumed-role/GameRole/web-identity-federation is not "
        "authorized to perform: dynamodb:GetItem on resource: "
        "arn:aws:dynamodb:us-west-2:123456789012:table/GameScores because no identity-based "
        "policy allows the dynamodb:GetItem action"
    )


def test_message_without_resource() -> None:
    decision = Decision(EvalDecision.EXPLICIT_DENY, PolicyType.IDENTITY, None)
    message = access_denied_message(
        decision, principal_arn=SESSION, action="dynamodb:ListTables", resource=None
    )
    assert message.endswith(
        "perform: dynamodb:ListTables with an explicit deny in an identity-based policy"
    )


def test_allowed_decision_has_no_reason() -> None:
    with pytest.raises(ValueError):
        access_denied_reason(Decision(EvalDecision.ALLOWED, PolicyType.IDENTITY, None), "x:y")


def test_simulation_lists_matched_statements_and_missing_keys() -> None:
    text = document(
        allow(
            "dynamodb:GetItem",
            TABLE,
            Sid="Own",
            Condition={
                "ForAllValues:StringEquals": {"dynamodb:LeadingKeys": ["${www.amazon.com:user_id}"]}
            },
        ),
        allow("dynamodb:GetItem", TABLE, Sid="Any"),
        deny("dynamodb:Scan", Sid="NoScan", Condition={"Bool": {"aws:SecureTransport": "false"}}),
        allow("s3:*", "arn:aws:s3:::b/${aws:userid}/*", Sid="Home"),
    )
    policies = PolicySet(identity=(NamedPolicy("p", parse_policy(text, PolicyKind.IDENTITY)),))
    result = simulate(policies, Request("dynamodb:GetItem", TABLE, {}))
    assert result.decision.allowed
    assert [ref.sid for ref in result.matched_statements] == ["Own", "Any"]
    assert result.missing_context_values == ("dynamodb:LeadingKeys", "www.amazon.com:user_id")
    s3 = simulate(policies, Request("s3:GetObject", "arn:aws:s3:::b/x/y", {}))
    assert s3.missing_context_values == ("aws:userid",)


def test_policy_size_ignores_white_space() -> None:
    assert policy_size('{ "a" :\n\t"b c" }') == len('{"a":"bc"}')


def test_size_limits() -> None:
    padding = "x" * 6100
    managed = document(allow(Sid="A" + padding))
    with pytest.raises(LimitExceeded) as raised:
        check_managed_policy_size(managed)
    assert raised.value.message == "Cannot exceed quota for PolicySize: 6144"
    assert raised.value.status == 409
    check_managed_policy_size(document(allow()) + " " * 10000)
    with pytest.raises(LimitExceeded) as raised:
        check_trust_policy_size("x" * 2049)
    assert raised.value.message == "Cannot exceed quota for ACLSizePerRole: 2048"
    check_trust_policy_size("x" * 4096, limit=4096)
    with pytest.raises(LimitExceeded) as raised:
        check_inline_policies_size(["x" * 6000, "y" * 4241], role_name="GameRole")
    assert raised.value.message == "Maximum policy size of 10240 bytes exceeded for role GameRole"
    check_inline_policies_size(["x" * 6000, "y" * 4240], role_name="GameRole")
