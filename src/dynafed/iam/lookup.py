"""What STS and request enforcement read from IAM: a role or a user with every policy that
governs it, and identity providers by issuer or ARN. Plain reads in a caller's `ReadView`; no
validation happens here (documents were validated when IAM stored them).
"""

from __future__ import annotations

from dataclasses import dataclass

from dynafed.iam import repository
from dynafed.iam.models import ManagedPolicy, OidcProvider, Role, SamlProvider, User
from dynafed.storage.port import ReadView


@dataclass(frozen=True, slots=True)
class PolicyText:
    policy_id: str
    """Inline policies: the policy name. Managed policies (and boundaries): the policy ARN."""
    text: str
    managed: bool


@dataclass(frozen=True, slots=True)
class RoleAuthorization:
    """A role as STS and the authorizer need it."""

    arn: str
    role_id: str
    name: str
    path: str
    max_session_duration: int
    trust_policy: str
    identity_policies: tuple[PolicyText, ...]
    """Inline policies (by name) then attached managed policies' default versions."""
    boundary: PolicyText | None
    tags: tuple[tuple[str, str], ...]
    """Role tags (become `aws:PrincipalTag/*` in its sessions)."""


def _role_name_of_arn(arn: str) -> str | None:
    prefix, _, resource = arn.partition(":role/")
    if not prefix.startswith("arn:") or not resource:
        return None
    return resource.rsplit("/", 1)[-1]


def role_authorization(view: ReadView, role: Role) -> RoleAuthorization:
    identity = [
        PolicyText(name, text, managed=False) for name, text in sorted(role.inline_policies.items())
    ]
    for arn in role.attached_policy_arns:
        policy = repository.find_policy(view, arn)
        if policy is not None:
            identity.append(PolicyText(arn, policy.default_version.document, managed=True))
    boundary = None
    if role.boundary_arn is not None:
        policy = repository.find_policy(view, role.boundary_arn)
        if policy is not None:
            boundary = PolicyText(policy.arn, policy.default_version.document, managed=True)
    return RoleAuthorization(
        arn=role.arn,
        role_id=role.role_id,
        name=role.name,
        path=role.path,
        max_session_duration=role.max_session_duration,
        trust_policy=role.trust_policy,
        identity_policies=tuple(identity),
        boundary=boundary,
        tags=tuple(role.tags),
    )


def get_role_by_arn(view: ReadView, arn: str) -> RoleAuthorization | None:
    """The role whose ARN is exactly `arn` (path and account included), or None."""
    name = _role_name_of_arn(arn)
    role = repository.find_role(view, name) if name else None
    if role is None or role.arn != arn:
        return None
    return role_authorization(view, role)


def get_role_by_name(view: ReadView, name: str) -> RoleAuthorization | None:
    role = repository.find_role(view, name)
    return role_authorization(view, role) if role is not None else None


def find_oidc_provider_by_issuer(view: ReadView, issuer_url: str) -> OidcProvider | None:
    """The provider registered for a token's `iss`. The scheme must match too, so a token
    claiming `https://127.0.0.1/idp` does not select a provider registered over http."""
    if "://" not in issuer_url:
        return None
    key = issuer_url.split("://", 1)[1]
    for candidate in dict.fromkeys((key, key.rstrip("/"), key.rstrip("/") + "/")):
        provider = repository.find_oidc_provider_by_key(view, candidate)
        if provider is not None and provider.url.rstrip("/") == issuer_url.rstrip("/"):
            return provider
    return None


def find_oidc_provider_by_arn(view: ReadView, arn: str) -> OidcProvider | None:
    return repository.find_oidc_provider(view, arn)


def find_saml_provider_by_arn(view: ReadView, arn: str) -> SamlProvider | None:
    return repository.find_saml_provider(view, arn)


@dataclass(frozen=True, slots=True)
class UserAuthorization:
    """An IAM user as the authorizer needs it."""

    arn: str
    user_id: str
    name: str
    path: str
    identity_policies: tuple[PolicyText, ...]
    """The user's inline policies, its attached managed policies, then each of its groups'
    inline and attached policies (a managed policy attached twice counts once)."""
    boundary: PolicyText | None
    tags: tuple[tuple[str, str], ...]
    """User tags (become `aws:PrincipalTag/*`)."""


def _managed(policy: ManagedPolicy) -> PolicyText:
    return PolicyText(policy.arn, policy.default_version.document, managed=True)


def user_authorization(view: ReadView, user: User) -> UserAuthorization:
    identity = [
        PolicyText(name, text, managed=False) for name, text in sorted(user.inline_policies.items())
    ]
    attached = list(user.attached_policy_arns)
    for group_name in user.groups:
        group = repository.find_group(view, group_name)
        if group is None:
            continue
        identity.extend(
            PolicyText(f"{group.name}/{name}", text, managed=False)
            for name, text in sorted(group.inline_policies.items())
        )
        attached.extend(group.attached_policy_arns)
    for arn in dict.fromkeys(attached):
        policy = repository.find_policy(view, arn)
        if policy is not None:
            identity.append(_managed(policy))
    boundary = None
    if user.boundary_arn is not None:
        found = repository.find_policy(view, user.boundary_arn)
        boundary = _managed(found) if found is not None else None
    return UserAuthorization(
        arn=user.arn,
        user_id=user.user_id,
        name=user.name,
        path=user.path,
        identity_policies=tuple(identity),
        boundary=boundary,
        tags=tuple(user.tags),
    )


def get_user_by_name(view: ReadView, name: str) -> UserAuthorization | None:
    user = repository.find_user(view, name)
    return user_authorization(view, user) if user is not None else None
