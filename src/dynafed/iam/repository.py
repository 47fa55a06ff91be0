"""IAM entities on the storage port: typed reads and writes, and the NoSuchEntity errors
with IAM's wording for each kind of entity."""

from __future__ import annotations

from dynafed.errors import NoSuchEntity
from dynafed.iam.aws_managed import (
    AWS_POLICY_PREFIX,
    AWS_POLICY_USAGE_KIND,
    aws_managed_names,
    aws_managed_policy,
    is_aws_managed,
    usage_document,
)
from dynafed.iam.models import (
    ACCESS_KEY_KIND,
    GROUP_KIND,
    INSTANCE_PROFILE_KIND,
    OIDC_PROVIDER_KIND,
    POLICY_KIND,
    ROLE_KIND,
    SAML_PROVIDER_KIND,
    USER_KIND,
    AccessKey,
    Group,
    InstanceProfile,
    ManagedPolicy,
    OidcProvider,
    Role,
    SamlProvider,
    User,
)
from dynafed.storage.port import ReadView, WriteTxn

# --- roles ---------------------------------------------------------------------------------


def find_role(view: ReadView, name: str) -> Role | None:
    doc = view.get_document(ROLE_KIND, name.lower())
    return Role.from_document(doc) if doc is not None else None


def get_role(view: ReadView, name: str) -> Role:
    role = find_role(view, name)
    if role is None:
        raise NoSuchEntity(f"The role with name {name} cannot be found.")
    return role


def list_roles(view: ReadView) -> list[Role]:
    return [Role.from_document(doc) for _, doc in view.list_documents(ROLE_KIND)]


def save_role(txn: WriteTxn, role: Role) -> None:
    txn.put_document(ROLE_KIND, role.key, role.to_document())


def delete_role(txn: WriteTxn, role: Role) -> None:
    txn.delete_document(ROLE_KIND, role.key)


# --- managed policies ------------------------------------------------------------------------


def find_policy(view: ReadView, arn: str) -> ManagedPolicy | None:
    """The managed policy with exactly this ARN: an AWS managed one (`aws_managed`), or a
    customer managed one (names are unique per account, so the ARN's last segment is the
    storage key; the path must match too)."""
    name = arn.rsplit("/", 1)[-1]
    if is_aws_managed(arn):
        return aws_managed_policy(arn, view.get_document(AWS_POLICY_USAGE_KIND, name))
    doc = view.get_document(POLICY_KIND, name.lower())
    if doc is None:
        return None
    policy = ManagedPolicy.from_document(doc)
    return policy if policy.arn == arn else None


def find_policy_by_name(view: ReadView, name: str) -> ManagedPolicy | None:
    doc = view.get_document(POLICY_KIND, name.lower())
    return ManagedPolicy.from_document(doc) if doc is not None else None


def get_policy(view: ReadView, arn: str) -> ManagedPolicy:
    policy = find_policy(view, arn)
    if policy is None:
        raise NoSuchEntity(f"Policy {arn} was not found.")
    return policy


def list_policies(view: ReadView) -> list[ManagedPolicy]:
    """The account's customer managed policies."""
    return [ManagedPolicy.from_document(doc) for _, doc in view.list_documents(POLICY_KIND)]


def list_aws_policies(view: ReadView) -> list[ManagedPolicy]:
    """Every AWS managed policy, with this account's usage counts."""
    usage = dict(view.list_documents(AWS_POLICY_USAGE_KIND))
    found = (
        aws_managed_policy(f"{AWS_POLICY_PREFIX}/{name}", usage.get(name))
        for name in aws_managed_names()
    )
    return [policy for policy in found if policy is not None]


def save_policy(txn: WriteTxn, policy: ManagedPolicy) -> None:
    if is_aws_managed(policy.arn):  # only the account's usage of it is stored
        txn.put_document(AWS_POLICY_USAGE_KIND, policy.name, usage_document(policy))
        return
    txn.put_document(POLICY_KIND, policy.key, policy.to_document())


def delete_policy(txn: WriteTxn, policy: ManagedPolicy) -> None:
    txn.delete_document(POLICY_KIND, policy.key)


# --- OpenID Connect providers -----------------------------------------------------------------


def oidc_key_of_arn(arn: str) -> str | None:
    marker = ":oidc-provider/"
    return arn.split(marker, 1)[1] if marker in arn else None


def find_oidc_provider(view: ReadView, arn: str) -> OidcProvider | None:
    key = oidc_key_of_arn(arn)
    doc = view.get_document(OIDC_PROVIDER_KIND, key) if key else None
    if doc is None:
        return None
    provider = OidcProvider.from_document(doc)
    return provider if provider.arn == arn else None


def get_oidc_provider(view: ReadView, arn: str) -> OidcProvider:
    provider = find_oidc_provider(view, arn)
    if provider is None:
        raise NoSuchEntity(f"OpenIDConnect Provider not found for arn {arn}")
    return provider


def find_oidc_provider_by_key(view: ReadView, key: str) -> OidcProvider | None:
    doc = view.get_document(OIDC_PROVIDER_KIND, key)
    return OidcProvider.from_document(doc) if doc is not None else None


def list_oidc_providers(view: ReadView) -> list[OidcProvider]:
    return [OidcProvider.from_document(doc) for _, doc in view.list_documents(OIDC_PROVIDER_KIND)]


def save_oidc_provider(txn: WriteTxn, provider: OidcProvider) -> None:
    txn.put_document(OIDC_PROVIDER_KIND, provider.key, provider.to_document())


def delete_oidc_provider(txn: WriteTxn, provider: OidcProvider) -> None:
    txn.delete_document(OIDC_PROVIDER_KIND, provider.key)


# --- SAML providers -----------------------------------------------------------------------------


def find_saml_provider(view: ReadView, arn: str) -> SamlProvider | None:
    marker = ":saml-provider/"
    if marker not in arn:
        return None
    doc = view.get_document(SAML_PROVIDER_KIND, arn.split(marker, 1)[1].lower())
    if doc is None:
        return None
    provider = SamlProvider.from_document(doc)
    return provider if provider.arn == arn else None


def get_saml_provider(view: ReadView, arn: str) -> SamlProvider:
    provider = find_saml_provider(view, arn)
    if provider is None:
        raise NoSuchEntity(f"Manifest not found for arn {arn}")
    return provider


def find_saml_provider_by_name(view: ReadView, name: str) -> SamlProvider | None:
    doc = view.get_document(SAML_PROVIDER_KIND, name.lower())
    return SamlProvider.from_document(doc) if doc is not None else None


def list_saml_providers(view: ReadView) -> list[SamlProvider]:
    return [SamlProvider.from_document(doc) for _, doc in view.list_documents(SAML_PROVIDER_KIND)]


def save_saml_provider(txn: WriteTxn, provider: SamlProvider) -> None:
    txn.put_document(SAML_PROVIDER_KIND, provider.key, provider.to_document())


def delete_saml_provider(txn: WriteTxn, provider: SamlProvider) -> None:
    txn.delete_document(SAML_PROVIDER_KIND, provider.key)


# --- users ----------------------------------------------------------------------------------


def find_user(view: ReadView, name: str) -> User | None:
    doc = view.get_document(USER_KIND, name.lower())
    return User.from_document(doc) if doc is not None else None


def get_user(view: ReadView, name: str) -> User:
    user = find_user(view, name)
    if user is None:
        raise NoSuchEntity(f"The user with name {name} cannot be found.")
    return user


def list_users(view: ReadView) -> list[User]:
    return [User.from_document(doc) for _, doc in view.list_documents(USER_KIND)]


def save_user(txn: WriteTxn, user: User) -> None:
    txn.put_document(USER_KIND, user.key, user.to_document())


def delete_user(txn: WriteTxn, user: User) -> None:
    txn.delete_document(USER_KIND, user.key)


# --- groups ---------------------------------------------------------------------------------


def find_group(view: ReadView, name: str) -> Group | None:
    doc = view.get_document(GROUP_KIND, name.lower())
    return Group.from_document(doc) if doc is not None else None


def get_group(view: ReadView, name: str) -> Group:
    group = find_group(view, name)
    if group is None:
        raise NoSuchEntity(f"The group with name {name} cannot be found.")
    return group


def list_groups(view: ReadView) -> list[Group]:
    return [Group.from_document(doc) for _, doc in view.list_documents(GROUP_KIND)]


def save_group(txn: WriteTxn, group: Group) -> None:
    txn.put_document(GROUP_KIND, group.key, group.to_document())


def delete_group(txn: WriteTxn, group: Group) -> None:
    txn.delete_document(GROUP_KIND, group.key)


# --- access keys ----------------------------------------------------------------------------


def find_access_key(view: ReadView, access_key_id: str) -> AccessKey | None:
    doc = view.get_document(ACCESS_KEY_KIND, access_key_id)
    return AccessKey.from_document(doc) if doc is not None else None


def save_access_key(txn: WriteTxn, key: AccessKey) -> None:
    txn.put_document(ACCESS_KEY_KIND, key.key, key.to_document())


def delete_access_key(txn: WriteTxn, key: AccessKey) -> None:
    txn.delete_document(ACCESS_KEY_KIND, key.key)


# --- instance profiles ------------------------------------------------------------------------


def find_instance_profile(view: ReadView, name: str) -> InstanceProfile | None:
    doc = view.get_document(INSTANCE_PROFILE_KIND, name.lower())
    return InstanceProfile.from_document(doc) if doc is not None else None


def get_instance_profile(view: ReadView, name: str) -> InstanceProfile:
    profile = find_instance_profile(view, name)
    if profile is None:
        raise NoSuchEntity(f"Instance Profile {name} cannot be found.")
    return profile


def list_instance_profiles(view: ReadView) -> list[InstanceProfile]:
    return [
        InstanceProfile.from_document(doc) for _, doc in view.list_documents(INSTANCE_PROFILE_KIND)
    ]


def instance_profiles_of_role(view: ReadView, role_name: str) -> list[InstanceProfile]:
    wanted = role_name.lower()
    return [p for p in list_instance_profiles(view) if any(r.lower() == wanted for r in p.roles)]


def save_instance_profile(txn: WriteTxn, profile: InstanceProfile) -> None:
    txn.put_document(INSTANCE_PROFILE_KIND, profile.key, profile.to_document())


def delete_instance_profile(txn: WriteTxn, profile: InstanceProfile) -> None:
    txn.delete_document(INSTANCE_PROFILE_KIND, profile.key)
