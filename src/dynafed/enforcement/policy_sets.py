"""The policies that govern a role session, compiled into one `PolicySet`.

identity = the role's inline policies and attached managed policies; boundary = its
permissions boundary; session = the inline `Policy` and the `PolicyArns` passed when the
session was created (None when none were passed: no restriction). The effective permission
is their intersection, with explicit denies anywhere winning (iam-fgac.md §2.2; "Session
policies", IAM User Guide, access_policies.html#policies_session).

A managed session policy that no longer exists contributes no statement; if nothing of the
session policies is left, the session is allowed nothing (fail closed).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from dynafed.iam.lookup import PolicyText, RoleAuthorization, UserAuthorization
from dynafed.policy import NamedPolicy, Policy, PolicyKind, PolicySet

ParsePolicy = Callable[[str, PolicyKind], Policy]
FindManagedPolicy = Callable[[str], PolicyText | None]

INLINE_SESSION_POLICY_ID = "session-policy"
"""How decisions and the audit log name the inline session policy."""


def identity_policy_set(
    policies: Sequence[PolicyText], boundary: PolicyText | None, parse: ParsePolicy
) -> PolicySet:
    """Identity policies limited by a permissions boundary (a role's or an IAM user's)."""
    identity = tuple(
        NamedPolicy(
            p.policy_id, parse(p.text, PolicyKind.MANAGED if p.managed else PolicyKind.IDENTITY)
        )
        for p in policies
    )
    bound = (
        NamedPolicy(boundary.policy_id, parse(boundary.text, PolicyKind.BOUNDARY))
        if boundary is not None
        else None
    )
    return PolicySet(identity=identity, boundary=bound)


def role_policies(role: RoleAuthorization, parse: ParsePolicy) -> PolicySet:
    """The role's own policies (identity and boundary), with no session restriction."""
    return identity_policy_set(role.identity_policies, role.boundary, parse)


def user_policies(user: UserAuthorization, parse: ParsePolicy) -> PolicySet:
    """An IAM user's policies: its own and its groups', limited by its boundary."""
    return identity_policy_set(user.identity_policies, user.boundary, parse)


def session_policies(
    inline: Sequence[str],
    managed_arns: Sequence[str],
    parse: ParsePolicy,
    find_managed: FindManagedPolicy,
) -> tuple[NamedPolicy, ...]:
    named = [
        NamedPolicy(INLINE_SESSION_POLICY_ID, parse(text, PolicyKind.SESSION)) for text in inline
    ]
    for arn in managed_arns:
        found = find_managed(arn)
        if found is not None:
            named.append(NamedPolicy(arn, parse(found.text, PolicyKind.MANAGED)))
    return tuple(named)


def session_policy_set(
    role: RoleAuthorization,
    inline: Sequence[str],
    managed_arns: Sequence[str],
    has_session_policies: bool,
    parse: ParsePolicy,
    find_managed: FindManagedPolicy,
) -> PolicySet:
    own = role_policies(role, parse)
    if not has_session_policies:
        return own
    session = session_policies(inline, managed_arns, parse, find_managed)
    return PolicySet(identity=own.identity, boundary=own.boundary, session=session)


def federated_policy_set(
    caller: PolicySet,
    inline: Sequence[str],
    managed_arns: Sequence[str],
    parse: ParsePolicy,
    find_managed: FindManagedPolicy,
) -> PolicySet:
    """A GetFederationToken session: the calling user's policies ∩ the session policies.
    With no session policy the session may do nothing ("if you do not pass a policy, then
    the resulting federated user session has no permissions", STS API reference)."""
    session = session_policies(inline, managed_arns, parse, find_managed)
    return PolicySet(identity=caller.identity, boundary=caller.boundary, session=session)
