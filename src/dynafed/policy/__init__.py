"""The IAM policy engine: pure (no I/O, no clock), parse once, evaluate many times.

    policy = parse_policy(text, PolicyKind.IDENTITY)          # MalformedPolicyDocument
    policies = PolicySet(identity=(NamedPolicy("GameRolePolicy", policy),))
    decision = evaluate(policies, Request("dynamodb:GetItem", table_arn, context))
    if not decision.allowed:
        raise AccessDeniedException(access_denied_message(decision, principal_arn=...,
                                                          action=..., resource=...))

Time-dependent conditions read `aws:CurrentTime` / `aws:EpochTime` from the context the
caller builds; the engine never reads a clock.
"""

from dynafed.policy.decision import ConditionFailure, Decision, EvalDecision, StatementRef
from dynafed.policy.evaluate import evaluate
from dynafed.policy.explain import access_denied_message, access_denied_reason
from dynafed.policy.kinds import PolicyKind, PolicyType
from dynafed.policy.limits import (
    check_inline_policies_size,
    check_managed_policy_size,
    check_trust_policy_size,
    policy_size,
)
from dynafed.policy.model import Effect, Policy, Statement
from dynafed.policy.parse import parse_policy
from dynafed.policy.policy_set import NamedPolicy, PolicySet
from dynafed.policy.request import PrincipalType, Request, RequestPrincipal, normalize_context
from dynafed.policy.simulate import Simulation, simulate

__all__ = [
    "ConditionFailure",
    "Decision",
    "Effect",
    "EvalDecision",
    "NamedPolicy",
    "Policy",
    "PolicyKind",
    "PolicySet",
    "PolicyType",
    "PrincipalType",
    "Request",
    "RequestPrincipal",
    "Simulation",
    "Statement",
    "StatementRef",
    "access_denied_message",
    "access_denied_reason",
    "check_inline_policies_size",
    "check_managed_policy_size",
    "check_trust_policy_size",
    "evaluate",
    "normalize_context",
    "parse_policy",
    "policy_size",
    "simulate",
]
