"""The one seam between the IAM API and the policy engine (`dynafed.policy`).

IAM validates documents for a use (trust policy, inline policy, managed policy ...),
applies the engine's size quotas, and runs the engine's simulation for the policy
simulator. Every engine name IAM uses is imported here, so a change of engine API touches
only this module.
"""

from __future__ import annotations

from dynafed.policy import (
    Effect,
    EvalDecision,
    NamedPolicy,
    Policy,
    PolicyKind,
    PolicySet,
    PolicyType,
    Request,
    RequestPrincipal,
    Simulation,
    StatementRef,
    check_inline_policies_size,
    check_managed_policy_size,
    check_trust_policy_size,
    parse_policy,
    simulate,
)

__all__ = [
    "Effect",
    "EvalDecision",
    "NamedPolicy",
    "Policy",
    "PolicyKind",
    "PolicySet",
    "PolicyType",
    "Request",
    "RequestPrincipal",
    "Simulation",
    "StatementRef",
    "check_inline_policies_size",
    "check_managed_policy_size",
    "check_trust_policy_size",
    "compile_policy",
    "simulate",
    "validate",
]


def compile_policy(text: str, kind: PolicyKind) -> Policy:
    """Parse and validate; raise MalformedPolicyDocument with IAM's wording. The kind picks
    the API's wording where APIs differ: TRUST for CreateRole and UpdateAssumeRolePolicy
    ("This policy contains invalid Json"), IDENTITY for PutRolePolicy and MANAGED for
    CreatePolicy / CreatePolicyVersion ("Syntax errors in policy.")."""
    return parse_policy(text, kind)


def validate(text: str, kind: PolicyKind) -> None:
    parse_policy(text, kind)
