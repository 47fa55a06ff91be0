"""AWS's AccessDenied wording for a decision (iam-fgac.md 6.1; IAM "Troubleshoot access
denied error messages").

    User: <principal-arn> is not authorized to perform: <action> on resource: <resource>
    because no <type> allows the <action> action            (implicit deny)
    with an explicit deny in a(n) <type>                     (explicit deny)

A failed fine-grained condition is an implicit deny, so its message says "because no
identity-based policy allows ..." although an Allow statement exists. AWS's own example
spells the explicit session case "a sessions policy"; we say "a session policy" (pinned
by the conformance cases).
"""

from __future__ import annotations

from dynafed.policy.decision import Decision, EvalDecision
from dynafed.policy.kinds import PolicyType


def access_denied_reason(decision: Decision, action: str) -> str:
    """The reason suffix, e.g. `because no identity-based policy allows the X action`."""
    if decision.decision is EvalDecision.ALLOWED:
        raise ValueError("an allowed decision has no AccessDenied reason")
    policy_type = decision.policy_type or PolicyType.IDENTITY
    if decision.decision is EvalDecision.EXPLICIT_DENY:
        return f"with an explicit deny in {_article(policy_type.phrase)} {policy_type.phrase}"
    return f"because no {policy_type.phrase} allows the {action} action"


def access_denied_message(
    decision: Decision, *, principal_arn: str, action: str, resource: str | None
) -> str:
    """The whole message. `resource` None leaves out "on resource: ..." (some services do)."""
    on_resource = f" on resource: {resource}" if resource is not None else ""
    reason = access_denied_reason(decision, action)
    return f"User: {principal_arn} is not authorized to perform: {action}{on_resource} {reason}"


def _article(phrase: str) -> str:
    return "an" if phrase[0] in "aeiou" else "a"
