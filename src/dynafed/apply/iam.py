"""`dynafed apply` for IAM objects: compare each declared provider, managed policy and role
with what the server has (through the IAM API, as any client would), and list the calls
that make them equal. Nothing here calls a write API until a `Change` is run."""

from __future__ import annotations

from functools import partial
from typing import Any

from dynafed.apply.changes import Change, Outcome, outcome
from dynafed.apply.members import (
    ROLE,
    attachment_changes,
    boundary_changes,
    compact,
    get_or_none,
    inline_changes,
    resolve_policy,
    tag_changes,
)
from dynafed.apply.spec import (
    ManagedPolicySpec,
    OidcProviderSpec,
    RoleSpec,
    SamlProviderSpec,
)

Client = Any  # a boto3 IAM client

MAX_POLICY_VERSIONS = 5


# --- identity providers -----------------------------------------------------------------------


def reconcile_oidc_provider(iam: Client, account_id: str, spec: OidcProviderSpec) -> Outcome:
    label = f"oidc-provider {spec.url}"
    arn = f"arn:aws:iam::{account_id}:oidc-provider/{spec.url.split('://', 1)[-1]}"
    current = get_or_none(iam.get_open_id_connect_provider, OpenIDConnectProviderArn=arn)
    if current is None:
        params: dict[str, Any] = {"Url": spec.url, "ClientIDList": list(spec.client_ids)}
        if spec.thumbprints is not None:
            params["ThumbprintList"] = list(spec.thumbprints)
        create = partial(iam.create_open_id_connect_provider, **params)
        return outcome(label, [Change("create", create)], exists=False)
    changes: list[Change] = []
    have = current.get("ClientIDList", [])
    for client_id in [c for c in spec.client_ids if c not in have]:
        add = partial(
            iam.add_client_id_to_open_id_connect_provider,
            OpenIDConnectProviderArn=arn,
            ClientID=client_id,
        )
        changes.append(Change(f"add client id {client_id}", add))
    for client_id in [c for c in have if c not in spec.client_ids]:
        remove = partial(
            iam.remove_client_id_from_open_id_connect_provider,
            OpenIDConnectProviderArn=arn,
            ClientID=client_id,
        )
        changes.append(Change(f"remove client id {client_id}", remove))
    wanted = spec.thumbprints
    if wanted is not None and list(wanted) != current.get("ThumbprintList", []):
        update = partial(
            iam.update_open_id_connect_provider_thumbprint,
            OpenIDConnectProviderArn=arn,
            ThumbprintList=list(wanted),
        )
        changes.append(Change("thumbprints", update))
    return outcome(label, changes, exists=True)


def reconcile_saml_provider(iam: Client, account_id: str, spec: SamlProviderSpec) -> Outcome:
    label = f"saml-provider {spec.name}"
    arn = f"arn:aws:iam::{account_id}:saml-provider/{spec.name}"
    current = get_or_none(iam.get_saml_provider, SAMLProviderArn=arn)
    if current is None:
        create = partial(
            iam.create_saml_provider, Name=spec.name, SAMLMetadataDocument=spec.metadata
        )
        return outcome(label, [Change("create", create)], exists=False)
    changes = []
    if current["SAMLMetadataDocument"] != spec.metadata:
        update = partial(
            iam.update_saml_provider, SAMLProviderArn=arn, SAMLMetadataDocument=spec.metadata
        )
        changes.append(Change("metadata", update))
    return outcome(label, changes, exists=True)


# --- managed policies ---------------------------------------------------------------------------


def policy_arn(account_id: str, spec: ManagedPolicySpec) -> str:
    return f"arn:aws:iam::{account_id}:policy{spec.path}{spec.name}"


def _new_default_version(iam: Client, arn: str, document: dict[str, Any]) -> None:
    """IAM keeps five versions; make room by deleting the oldest non-default one."""
    versions = iam.list_policy_versions(PolicyArn=arn)["Versions"]
    if len(versions) >= MAX_POLICY_VERSIONS:
        oldest = min(
            (v for v in versions if not v["IsDefaultVersion"]),
            key=lambda v: int(v["VersionId"][1:].split(".")[0]),
        )
        iam.delete_policy_version(PolicyArn=arn, VersionId=oldest["VersionId"])
    iam.create_policy_version(PolicyArn=arn, PolicyDocument=compact(document), SetAsDefault=True)


def reconcile_managed_policy(iam: Client, account_id: str, spec: ManagedPolicySpec) -> Outcome:
    label = f"managed-policy {spec.name}"
    arn = policy_arn(account_id, spec)
    current = get_or_none(iam.get_policy, PolicyArn=arn)
    if current is None:
        params: dict[str, Any] = {
            "PolicyName": spec.name,
            "Path": spec.path,
            "PolicyDocument": compact(spec.document),
        }
        if spec.description:
            params["Description"] = spec.description
        return outcome(
            label, [Change("create", partial(iam.create_policy, **params))], exists=False
        )
    policy = current["Policy"]
    default = iam.get_policy_version(PolicyArn=arn, VersionId=policy["DefaultVersionId"])
    changes = []
    if default["PolicyVersion"]["Document"] != spec.document:
        changes.append(
            Change("new default version", partial(_new_default_version, iam, arn, spec.document))
        )
    result = outcome(label, changes, exists=True)
    if (policy.get("Description") or None) != (spec.description or None):
        result.notes.append("description differs; IAM cannot change a policy's description")
    return result


# --- roles ------------------------------------------------------------------------------------


def _create_role(iam: Client, spec: RoleSpec, boundary: str | None) -> None:
    params: dict[str, Any] = {
        "RoleName": spec.name,
        "Path": spec.path,
        "AssumeRolePolicyDocument": compact(spec.trust_policy),
        "MaxSessionDuration": spec.max_session_duration,
        "Tags": [{"Key": key, "Value": value} for key, value in spec.tags.items()],
    }
    if spec.description:
        params["Description"] = spec.description
    if boundary:
        params["PermissionsBoundary"] = boundary
    iam.create_role(**params)


def _settings_changes(
    iam: Client, spec: RoleSpec, role: dict[str, Any], boundary: str | None
) -> list[Change]:
    changes = []
    if role["AssumeRolePolicyDocument"] != spec.trust_policy:
        update_trust = partial(
            iam.update_assume_role_policy,
            RoleName=spec.name,
            PolicyDocument=compact(spec.trust_policy),
        )
        changes.append(Change("trust policy", update_trust))
    if (role.get("Description") or None) != (spec.description or None) or role.get(
        "MaxSessionDuration"
    ) != spec.max_session_duration:
        update = partial(
            iam.update_role,
            RoleName=spec.name,
            Description=spec.description or "",
            MaxSessionDuration=spec.max_session_duration,
        )
        changes.append(Change("description/max session duration", update))
    current_boundary = (role.get("PermissionsBoundary") or {}).get("PermissionsBoundaryArn")
    changes += boundary_changes(iam, ROLE, spec.name, current_boundary, boundary)
    current_tags = {tag["Key"]: tag["Value"] for tag in role.get("Tags", [])}
    return changes + tag_changes(iam, ROLE, spec.name, current_tags, spec.tags)


def reconcile_role(iam: Client, spec: RoleSpec, declared_policies: dict[str, str]) -> Outcome:
    """`declared_policies`: name → ARN of the managed policies the file declares."""
    label = f"role {spec.name}"
    boundary = (
        resolve_policy(spec.permissions_boundary, declared_policies)
        if spec.permissions_boundary
        else None
    )
    wanted = [resolve_policy(ref, declared_policies) for ref in spec.managed_policies]
    current = get_or_none(iam.get_role, RoleName=spec.name)
    if current is None:
        changes = [Change("create", partial(_create_role, iam, spec, boundary))]
        changes += inline_changes(iam, ROLE, spec.name, spec.inline_policies, exists=False)
        changes += attachment_changes(iam, ROLE, spec.name, wanted, exists=False)
        return outcome(label, changes, exists=False)
    role = current["Role"]
    changes = _settings_changes(iam, spec, role, boundary)
    changes += inline_changes(iam, ROLE, spec.name, spec.inline_policies, exists=True)
    changes += attachment_changes(iam, ROLE, spec.name, wanted, exists=True)
    result = outcome(label, changes, exists=True)
    if role["Path"] != spec.path:
        result.notes.append(f"path is {role['Path']}; IAM cannot move a role to another path")
    return result
