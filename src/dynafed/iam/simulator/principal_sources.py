"""The policies SimulatePrincipalPolicy evaluates for a role, a user or a group, named as
IAM names them in `MatchedStatements` (`SourcePolicyId` the policy's name,
`SourcePolicyType` `role` / `user` / `group` for inline policies, `user-managed` /
`aws-managed` for managed ones).

A user's policies are its own inline and attached policies, then each of its groups' (the
same set request enforcement evaluates, `iam/lookup.py`), limited by its permissions
boundary; a group's are its own. Reads only.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from dynafed.errors import NoSuchEntity
from dynafed.iam import lookup, repository
from dynafed.iam.aws_managed import is_aws_managed
from dynafed.iam.models import Group, User
from dynafed.iam.policy_adapter import PolicyKind, RequestPrincipal
from dynafed.storage.port import ReadView


@dataclass(frozen=True, slots=True)
class SourcePolicy:
    """A policy taking part in a simulation, and how results name it."""

    policy_id: str
    source_type: str | None
    """`SourcePolicyType`: `role`, `user`, `group`, `user-managed`, `aws-managed`,
    `resource`, or None for input policies."""
    text: str
    kind: PolicyKind


@dataclass(frozen=True, slots=True)
class PrincipalPolicies:
    identity: tuple[SourcePolicy, ...]
    boundary: SourcePolicy | None
    principal: RequestPrincipal


def _managed_type(arn: str) -> str:
    return "aws-managed" if is_aws_managed(arn) else "user-managed"


def _inline(policies: Mapping[str, str], source_type: str) -> list[SourcePolicy]:
    return [
        SourcePolicy(name, source_type, text, PolicyKind.IDENTITY)
        for name, text in sorted(policies.items())
    ]


def _managed(view: ReadView, arns: Iterable[str], kind: PolicyKind) -> list[SourcePolicy]:
    found = (repository.find_policy(view, arn) for arn in dict.fromkeys(arns))
    return [
        SourcePolicy(p.name, _managed_type(p.arn), p.default_version.document, kind)
        for p in found
        if p is not None
    ]


def _boundary(view: ReadView, arn: str | None) -> SourcePolicy | None:
    managed = _managed(view, [arn], PolicyKind.BOUNDARY) if arn is not None else []
    return managed[0] if managed else None


def _role(view: ReadView, arn: str) -> PrincipalPolicies:
    role = lookup.get_role_by_arn(view, arn)
    if role is None:
        raise NoSuchEntity(f"The role with name {arn.rsplit('/', 1)[-1]} cannot be found.")
    identity = [
        SourcePolicy(
            text.policy_id.rsplit("/", 1)[-1] if text.managed else text.policy_id,
            _managed_type(text.policy_id) if text.managed else "role",
            text.text,
            PolicyKind.MANAGED if text.managed else PolicyKind.IDENTITY,
        )
        for text in role.identity_policies
    ]
    boundary = None
    if role.boundary is not None:
        boundary = SourcePolicy(
            role.boundary.policy_id.rsplit("/", 1)[-1],
            _managed_type(role.boundary.policy_id),
            role.boundary.text,
            PolicyKind.BOUNDARY,
        )
    return PrincipalPolicies(tuple(identity), boundary, RequestPrincipal(arn, role_arn=arn))


def _user(view: ReadView, arn: str) -> PrincipalPolicies:
    user: User | None = repository.find_user(view, arn.rsplit("/", 1)[-1])
    if user is None or user.arn != arn:
        raise NoSuchEntity(f"The user with name {arn.rsplit('/', 1)[-1]} cannot be found.")
    identity = _inline(user.inline_policies, "user")
    attached = list(user.attached_policy_arns)
    for group in filter(None, (repository.find_group(view, g) for g in user.groups)):
        identity.extend(_inline(group.inline_policies, "group"))
        attached.extend(group.attached_policy_arns)
    identity.extend(_managed(view, attached, PolicyKind.MANAGED))
    return PrincipalPolicies(
        tuple(identity), _boundary(view, user.boundary_arn), RequestPrincipal(arn)
    )


def _group(view: ReadView, arn: str) -> PrincipalPolicies:
    group: Group | None = repository.find_group(view, arn.rsplit("/", 1)[-1])
    if group is None or group.arn != arn:
        raise NoSuchEntity(f"The group with name {arn.rsplit('/', 1)[-1]} cannot be found.")
    identity = _inline(group.inline_policies, "group")
    identity.extend(_managed(view, group.attached_policy_arns, PolicyKind.MANAGED))
    return PrincipalPolicies(tuple(identity), None, RequestPrincipal(arn))


def principal_policies(view: ReadView, arn: str) -> PrincipalPolicies:
    """The policies of the role, user or group `arn` names (NoSuchEntity otherwise)."""
    if ":role/" in arn:
        return _role(view, arn)
    if ":user/" in arn:
        return _user(view, arn)
    if ":group/" in arn:
        return _group(view, arn)
    raise NoSuchEntity(f"The principal {arn} cannot be found.")
