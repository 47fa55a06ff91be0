"""Evaluation order and policy types (IAM "Policy evaluation logic"; iam-fgac.md 2.2, 2.3)."""

from __future__ import annotations

import json
from typing import Any

from tests.unit.policy.support import allow, decide, deny, document

from dynafed.policy import (
    EvalDecision,
    NamedPolicy,
    PolicyKind,
    PolicySet,
    PolicyType,
    PrincipalType,
    Request,
    RequestPrincipal,
    evaluate,
    parse_policy,
)

TABLE = "arn:aws:dynamodb:us-west-2:123456789012:table/GameScores"
ROLE = "arn:aws:iam::123456789012:role/GameRole"
SESSION = "arn:aws:sts::123456789012:assumed-role/GameRole/web-identity-federation"
CALLER = RequestPrincipal(SESSION, role_arn=ROLE)


def named(
    name: str, statements: list[dict[str, Any]], kind: PolicyKind = PolicyKind.IDENTITY
) -> NamedPolicy:
    return NamedPolicy(name, parse_policy(document(*statements), kind))


def request(action: str = "dynamodb:GetItem", resource: str = TABLE, **context: Any) -> Request:
    return Request(action, resource, context, principal=CALLER)


def test_no_policy_is_an_implicit_identity_deny() -> None:
    decision = evaluate(PolicySet(), request())
    assert decision.decision is EvalDecision.IMPLICIT_DENY
    assert decision.policy_type is PolicyType.IDENTITY
    assert decision.statement is None


def test_allow_names_the_deciding_statement() -> None:
    policies = PolicySet(identity=(named("p", [deny("s3:*"), allow("dynamodb:*", Sid="Reads")]),))
    decision = evaluate(policies, request())
    assert decision.allowed
    assert decision.statement is not None
    assert (decision.statement.policy_id, decision.statement.sid, decision.statement.index) == (
        "p",
        "Reads",
        1,
    )


def test_explicit_deny_beats_allow_in_any_policy() -> None:
    policies = PolicySet(
        identity=(
            named("a", [allow("dynamodb:*")]),
            named("d", [deny("dynamodb:GetItem", Sid="No")]),
        )
    )
    decision = evaluate(policies, request())
    assert decision.decision is EvalDecision.EXPLICIT_DENY
    assert decision.statement is not None and decision.statement.sid == "No"
    assert evaluate(policies, request("dynamodb:Query")).allowed


def test_action_matching_is_case_insensitive() -> None:
    assert decide(document(allow("DynamoDB:getitem")), "dynamodb:GetItem").allowed
    assert decide(document(allow("dynamodb:Get*")), "DYNAMODB:GETITEM").allowed
    assert not decide(document(allow("dynamodb:Get?")), "dynamodb:GetItem").allowed


def test_resource_matching_is_case_sensitive() -> None:
    assert not decide(document(allow(resource=TABLE.lower())), resource=TABLE).allowed


def test_resource_wildcard_grants_indexes_and_look_alikes() -> None:
    # iam-fgac.md section 9: "table/GameScores*" quietly grants indexes and other tables.
    text = document(allow(resource=TABLE + "*"))
    assert decide(text, resource=TABLE + "/index/TopScoreDateTimeIndex").allowed
    assert decide(text, resource=TABLE + "Archive").allowed
    assert not decide(document(allow(resource=TABLE)), resource=TABLE + "/index/X").allowed


def test_not_action_and_not_resource() -> None:
    text = document(
        {"Effect": "Allow", "NotAction": "dynamodb:Delete*", "NotResource": TABLE + "/index/*"}
    )
    assert decide(text, "dynamodb:GetItem", TABLE).allowed
    assert not decide(text, "dynamodb:DeleteItem", TABLE).allowed
    assert not decide(text, "dynamodb:Query", TABLE + "/index/X").allowed


def test_deny_with_not_resource_is_evaluated() -> None:
    # moto allowed any request whose Deny used NotResource (iam-fgac.md section 9).
    text = document(
        allow("dynamodb:*"), {"Effect": "Deny", "Action": "dynamodb:*", "NotResource": TABLE}
    )
    assert decide(text, "dynamodb:GetItem", TABLE).allowed
    assert decide(text, "dynamodb:GetItem", TABLE + "Other").decision is EvalDecision.EXPLICIT_DENY


def test_conditional_deny_only_denies_when_its_conditions_hold() -> None:
    text = document(
        allow("s3:*"), deny("s3:*", Condition={"Bool": {"aws:SecureTransport": "false"}})
    )
    assert decide(text, "s3:GetObject", context={"aws:SecureTransport": "true"}).allowed
    assert (
        decide(text, "s3:GetObject", context={"aws:SecureTransport": "false"}).decision
        is EvalDecision.EXPLICIT_DENY
    )


def test_boundary_must_also_allow() -> None:
    policies = PolicySet(
        identity=(named("id", [allow("dynamodb:*")]),),
        boundary=named("b", [allow("dynamodb:Get*")], PolicyKind.BOUNDARY),
    )
    assert evaluate(policies, request("dynamodb:GetItem")).allowed
    decision = evaluate(policies, request("dynamodb:PutItem"))
    assert decision.decision is EvalDecision.IMPLICIT_DENY
    assert decision.policy_type is PolicyType.BOUNDARY


def test_boundary_alone_grants_nothing() -> None:
    policies = PolicySet(boundary=named("b", [allow("dynamodb:*")], PolicyKind.BOUNDARY))
    decision = evaluate(policies, request())
    assert decision.policy_type is PolicyType.IDENTITY


def test_session_policies_intersect() -> None:
    identity = (named("id", [allow("dynamodb:*")]),)
    restricted = PolicySet(
        identity=identity, session=(named("s", [allow("dynamodb:Query")], PolicyKind.SESSION),)
    )
    assert evaluate(restricted, request("dynamodb:Query")).allowed
    decision = evaluate(restricted, request("dynamodb:GetItem"))
    assert decision.policy_type is PolicyType.SESSION
    # A session policy can never grant more than the identity policies.
    wide = PolicySet(
        identity=(named("id", [allow("dynamodb:Query")]),),
        session=(named("s", [allow("*")], PolicyKind.SESSION),),
    )
    assert evaluate(wide, request("dynamodb:GetItem")).policy_type is PolicyType.IDENTITY


def test_absent_and_empty_session_policies_differ() -> None:
    identity = (named("id", [allow("dynamodb:*")]),)
    assert evaluate(PolicySet(identity=identity, session=None), request()).allowed
    assert (
        evaluate(PolicySet(identity=identity, session=()), request()).policy_type
        is PolicyType.SESSION
    )


def test_one_allow_among_all_session_policies_suffices() -> None:
    sessions = (
        named("inline", [allow("s3:*")], PolicyKind.SESSION),
        named("arn", [allow("dynamodb:GetItem")], PolicyKind.SESSION),
    )
    policies = PolicySet(identity=(named("id", [allow("*")]),), session=sessions)
    assert evaluate(policies, request()).allowed


def test_explicit_deny_reporting_order() -> None:
    everything = [deny("*")]
    policies = PolicySet(
        identity=(named("id", [allow("*")]),),
        boundary=named("b", everything, PolicyKind.BOUNDARY),
        session=(named("s", everything, PolicyKind.SESSION),),
    )
    assert evaluate(policies, request()).policy_type is PolicyType.BOUNDARY
    only_session = PolicySet(
        identity=(named("id", [allow("*")]),), session=(named("s", everything, PolicyKind.SESSION),)
    )
    assert evaluate(only_session, request()).policy_type is PolicyType.SESSION


def test_implicit_deny_reports_failed_conditions() -> None:
    statement = allow(
        "dynamodb:GetItem",
        TABLE,
        Sid="Own",
        Condition={
            "ForAllValues:StringEquals": {"dynamodb:LeadingKeys": ["u1"]},
            "StringEqualsIfExists": {"dynamodb:Select": "SPECIFIC_ATTRIBUTES"},
        },
    )
    policies = PolicySet(identity=(named("p", [statement, allow("s3:*", Sid="Other")]),))
    decision = evaluate(
        policies, request(**{"dynamodb:LeadingKeys": ["u1"], "dynamodb:Select": "ALL_ATTRIBUTES"})
    )
    assert decision.decision is EvalDecision.IMPLICIT_DENY
    [failure] = decision.failed_conditions
    assert (failure.statement.sid, failure.operator, failure.key) == (
        "Own",
        "StringEqualsIfExists",
        "dynamodb:Select",
    )


def resource_policy(principal: Any, effect: str = "Allow") -> NamedPolicy:
    text = json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": effect,
                    "Principal": principal,
                    "Action": "dynamodb:*",
                    "Resource": TABLE,
                }
            ],
        }
    )
    return NamedPolicy("table-policy", parse_policy(text, PolicyKind.RESOURCE))


def test_resource_policy_naming_the_session_grants_on_its_own() -> None:
    policies = PolicySet(resource=(resource_policy({"AWS": SESSION}),), session=())
    decision = evaluate(policies, request())
    assert decision.allowed
    assert decision.policy_type is PolicyType.RESOURCE


def test_resource_policy_naming_the_role_still_needs_boundary_and_session() -> None:
    granted = PolicySet(resource=(resource_policy({"AWS": ROLE}),))
    assert evaluate(granted, request()).allowed
    limited = PolicySet(resource=(resource_policy({"AWS": ROLE}),), session=())
    assert evaluate(limited, request()).policy_type is PolicyType.SESSION


def test_resource_policy_naming_the_account_delegates_to_identity_policies() -> None:
    policies = PolicySet(resource=(resource_policy({"AWS": "123456789012"}),))
    assert evaluate(policies, request()).policy_type is PolicyType.IDENTITY
    policies = PolicySet(
        resource=(resource_policy({"AWS": "arn:aws:iam::123456789012:root"}),),
        identity=(named("id", [allow("dynamodb:*")]),),
    )
    assert evaluate(policies, request()).allowed


def test_resource_policy_deny_naming_the_account_denies() -> None:
    policies = PolicySet(
        identity=(named("id", [allow("*")]),),
        resource=(resource_policy({"AWS": "123456789012"}, "Deny"),),
    )
    decision = evaluate(policies, request())
    assert decision.decision is EvalDecision.EXPLICIT_DENY
    assert decision.policy_type is PolicyType.RESOURCE


def test_resource_policy_for_someone_else_does_not_apply() -> None:
    policies = PolicySet(
        resource=(resource_policy({"AWS": "arn:aws:iam::123456789012:role/Other"}),)
    )
    assert not evaluate(policies, request()).allowed


def trust_set(principal: Any, condition: dict[str, Any] | None = None) -> PolicySet:
    statement: dict[str, Any] = {
        "Effect": "Allow",
        "Principal": principal,
        "Action": "sts:AssumeRoleWithWebIdentity",
    }
    if condition:
        statement["Condition"] = condition
    text = json.dumps({"Version": "2012-10-17", "Statement": [statement]})
    return PolicySet(resource=(NamedPolicy("trust", parse_policy(text, PolicyKind.TRUST)),))


def web_identity(provider: str, **context: Any) -> Request:
    principal = RequestPrincipal(provider, PrincipalType.FEDERATED)
    return Request("sts:AssumeRoleWithWebIdentity", ROLE, context, principal=principal)


def test_trust_policy_for_web_identity() -> None:
    policies = trust_set(
        {"Federated": "www.amazon.com"}, {"StringEquals": {"www.amazon.com:app_id": "app"}}
    )
    assert evaluate(
        policies, web_identity("www.amazon.com", **{"www.amazon.com:app_id": "app"})
    ).allowed
    assert not evaluate(
        policies, web_identity("www.amazon.com", **{"www.amazon.com:app_id": "other"})
    ).allowed
    assert not evaluate(
        policies, web_identity("graph.facebook.com", **{"www.amazon.com:app_id": "app"})
    ).allowed


def test_principal_matching_is_exact_not_substring() -> None:
    # moto tested `principal in "<string>"` (iam-fgac.md section 9).
    policies = trust_set({"Federated": "accounts.google.com"})
    assert not evaluate(policies, web_identity("google.com")).allowed
    assert evaluate(trust_set("*"), web_identity("google.com")).allowed


def test_not_principal() -> None:
    text = json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {"Effect": "Allow", "Principal": "*", "Action": "dynamodb:*", "Resource": TABLE},
                {
                    "Effect": "Deny",
                    "NotPrincipal": {"AWS": SESSION},
                    "Action": "dynamodb:*",
                    "Resource": TABLE,
                },
            ],
        }
    )
    policies = PolicySet(resource=(NamedPolicy("rp", parse_policy(text, PolicyKind.RESOURCE)),))
    assert evaluate(policies, request()).allowed
    other = Request(
        "dynamodb:GetItem",
        TABLE,
        principal=RequestPrincipal("arn:aws:sts::123456789012:assumed-role/X/y"),
    )
    assert evaluate(policies, other).decision is EvalDecision.EXPLICIT_DENY
