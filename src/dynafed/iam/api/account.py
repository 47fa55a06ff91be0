"""Account-wide IAM actions: GetAccountSummary (entity counts and quotas), account aliases
(at most one, as IAM allows) and the password policy, which dynafed does not have because
it has no console passwords (IAM API reference for each action)."""

from __future__ import annotations

from typing import Any

from dynafed.core.query_results import XmlMap
from dynafed.errors import LimitExceeded, NoSuchEntity
from dynafed.iam import quotas, repository
from dynafed.iam.api.context import IamContext
from dynafed.iam.api.inputs import Args
from dynafed.policy.limits import MANAGED_POLICY_LIMIT, ROLE_INLINE_LIMIT, TRUST_POLICY_LIMIT
from dynafed.storage.port import WriteTxn

ACCOUNT_KIND = "iam-account"
ALIAS_DOCUMENT = "alias"

# IAM's default quotas (IAM User Guide, "IAM and AWS STS quotas"), as GetAccountSummary
# reports them.
_QUOTAS = {
    "UsersQuota": 5000,
    "GroupsQuota": 300,
    "RolesQuota": 1000,
    "PoliciesQuota": 1500,
    "InstanceProfilesQuota": 1000,
    "ServerCertificatesQuota": 20,
    "UserPolicySizeQuota": quotas.USER_INLINE_POLICIES_CHARS,
    "GroupPolicySizeQuota": quotas.GROUP_INLINE_POLICIES_CHARS,
    "RolePolicySizeQuota": ROLE_INLINE_LIMIT,
    "PolicySizeQuota": MANAGED_POLICY_LIMIT,
    "AssumeRolePolicySizeQuota": TRUST_POLICY_LIMIT,
    "GroupsPerUserQuota": quotas.GROUPS_PER_USER,
    "SigningCertificatesPerUserQuota": 2,
    "AccessKeysPerUserQuota": quotas.ACCESS_KEYS_PER_USER,
    "AttachedPoliciesPerUserQuota": quotas.MANAGED_POLICIES_PER_USER,
    "AttachedPoliciesPerGroupQuota": quotas.MANAGED_POLICIES_PER_GROUP,
    "AttachedPoliciesPerRoleQuota": quotas.MANAGED_POLICIES_PER_ROLE,
    "VersionsPerPolicyQuota": quotas.VERSIONS_PER_POLICY,
    "PolicyVersionsInUseQuota": 10000,
}


def get_account_summary(ctx: IamContext, args: Args) -> dict[str, Any]:
    with ctx.read() as view:
        policies = repository.list_policies(view)
        counts = {
            "Users": len(repository.list_users(view)),
            "Groups": len(repository.list_groups(view)),
            "Roles": len(repository.list_roles(view)),
            "Policies": len(policies),
            "PolicyVersionsInUse": sum(
                1 for p in policies if p.attachment_count or p.boundary_usage_count
            ),
            "InstanceProfiles": len(repository.list_instance_profiles(view)),
            "Providers": len(repository.list_oidc_providers(view))
            + len(repository.list_saml_providers(view)),
        }
    summary = {
        **counts,
        "ServerCertificates": 0,
        "MFADevices": 0,
        "MFADevicesInUse": 0,
        "AccountMFAEnabled": 0,
        # The account's admin key is its root access key.
        "AccountAccessKeysPresent": 1,
        "AccountPasswordPresent": 0,
        "AccountSigningCertificatesPresent": 0,
        "GlobalEndpointTokenVersion": 1,
        **_QUOTAS,
    }
    return {"SummaryMap": XmlMap(summary)}


def _aliases(ctx: IamContext) -> list[str]:
    with ctx.read() as view:
        document = view.get_document(ACCOUNT_KIND, ALIAS_DOCUMENT)
    return list(document["aliases"]) if document is not None else []


def list_account_aliases(ctx: IamContext, args: Args) -> dict[str, Any]:
    return {"AccountAliases": _aliases(ctx), "IsTruncated": False}


def create_account_alias(ctx: IamContext, args: Args) -> dict[str, Any]:
    alias: str = args["AccountAlias"]

    def write(txn: WriteTxn) -> None:
        document = txn.get_document(ACCOUNT_KIND, ALIAS_DOCUMENT) or {"aliases": []}
        if alias in document["aliases"]:
            return  # creating the alias the account already has succeeds
        if document["aliases"]:
            raise LimitExceeded("Cannot exceed quota for AccountAliasesPerAccount: 1")
        txn.put_document(ACCOUNT_KIND, ALIAS_DOCUMENT, {"aliases": [alias]})

    ctx.write(write)
    return {}


def delete_account_alias(ctx: IamContext, args: Args) -> dict[str, Any]:
    alias: str = args["AccountAlias"]

    def write(txn: WriteTxn) -> None:
        document = txn.get_document(ACCOUNT_KIND, ALIAS_DOCUMENT) or {"aliases": []}
        if alias not in document["aliases"]:
            raise NoSuchEntity(f"The account alias {alias} cannot be found.")
        txn.put_document(ACCOUNT_KIND, ALIAS_DOCUMENT, {"aliases": []})

    ctx.write(write)
    return {}


def get_account_password_policy(ctx: IamContext, args: Args) -> dict[str, Any]:
    raise NoSuchEntity(f"The Password Policy with domain name {ctx.account_id} cannot be found.")
