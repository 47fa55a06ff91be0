"""Managed policies and their versions: CreatePolicy, GetPolicy, DeletePolicy,
ListPolicies, Create/Get/Delete/ListPolicyVersions, SetDefaultPolicyVersion. AWS managed
policies (`dynafed.iam.aws_managed`) are read like the account's own; the service refuses
every change to them before a use case runs."""

from __future__ import annotations

from typing import Any

from dynafed.errors import DeleteConflict, EntityAlreadyExists, LimitExceeded, NoSuchEntity
from dynafed.iam import ids, repository
from dynafed.iam.api.context import IamContext
from dynafed.iam.api.inputs import Args
from dynafed.iam.api.pagination import page
from dynafed.iam.api.tags import reject_duplicate_keys, tags_from_args
from dynafed.iam.api.views import policy_view, version_view
from dynafed.iam.arns import policy_arn
from dynafed.iam.models import ManagedPolicy, PolicyVersion
from dynafed.iam.policy_adapter import PolicyKind, check_managed_policy_size, validate
from dynafed.iam.quotas import VERSIONS_PER_POLICY
from dynafed.storage.port import ReadView, WriteTxn


def _check_document(text: str) -> None:
    validate(text, PolicyKind.MANAGED)
    check_managed_policy_size(text)


def _no_such_version(arn: str, version_id: str) -> NoSuchEntity:
    return NoSuchEntity(f"Policy {arn} version {version_id} does not exist or is not attachable.")


def _policy_with_version(view: ReadView, arn: str, version_id: str) -> ManagedPolicy:
    policy = repository.find_policy(view, arn)
    if policy is None or policy.version(version_id) is None:
        raise _no_such_version(arn, version_id)
    return policy


def create_policy(ctx: IamContext, args: Args) -> dict[str, Any]:
    name: str = args["PolicyName"]
    path: str = args["Path"] or "/"
    tags = tags_from_args(args["Tags"])
    reject_duplicate_keys(tags, case_insensitive=False)
    _check_document(args["PolicyDocument"])
    now = ctx.now()
    policy = ManagedPolicy(
        name=name,
        path=path,
        policy_id=ids.policy_id(ctx.ids),
        arn=policy_arn(ctx.account_id, path, name),
        created_at=now,
        updated_at=now,
        default_version_id="v1",
        versions=[PolicyVersion("v1", args["PolicyDocument"], now)],
        next_version_number=2,
        description=args["Description"],
        tags=tags,
    )

    def write(txn: WriteTxn) -> None:
        if repository.find_policy_by_name(txn, name) is not None:
            raise EntityAlreadyExists(
                f"A policy called {name} already exists. Duplicate names are not allowed."
            )
        repository.save_policy(txn, policy)

    ctx.write(write)
    return {"Policy": policy_view(policy, "create")}


def get_policy(ctx: IamContext, args: Args) -> dict[str, Any]:
    with ctx.read() as view:
        policy = repository.get_policy(view, args["PolicyArn"])
    return {"Policy": policy_view(policy, "get")}


def delete_policy(ctx: IamContext, args: Args) -> dict[str, Any]:
    def write(txn: WriteTxn) -> None:
        policy = repository.get_policy(txn, args["PolicyArn"])
        if policy.attachment_count or policy.boundary_usage_count:
            raise DeleteConflict("Cannot delete a policy attached to entities.")
        if len(policy.versions) > 1:
            raise DeleteConflict(
                "This policy has more than one version. Before you delete a policy, you must "
                "delete the policy's versions. The default version is deleted with the policy."
            )
        repository.delete_policy(txn, policy)

    ctx.write(write)
    return {}


def _listed(policy: ManagedPolicy, args: Args) -> bool:
    if not policy.path.startswith(args["PathPrefix"] or "/"):
        return False
    usage = args["PolicyUsageFilter"]
    if usage == "PermissionsPolicy":
        in_use = policy.attachment_count > 0
    elif usage == "PermissionsBoundary":
        in_use = policy.boundary_usage_count > 0
    else:
        in_use = policy.attachment_count + policy.boundary_usage_count > 0
    return in_use or not args["OnlyAttached"]


def _listing_key(policy: ManagedPolicy) -> str:
    # By name, as IAM lists them; an AWS managed and a customer policy may share a name.
    return f"{policy.key}\n{policy.arn}"


def list_policies(ctx: IamContext, args: Args) -> dict[str, Any]:
    """`Scope`: `Local` the account's own policies, `AWS` the AWS managed ones, `All`
    (the default) both."""
    scope = args["Scope"] or "All"
    with ctx.read() as view:
        found = repository.list_policies(view) if scope != "AWS" else []
        if scope != "Local":
            found.extend(repository.list_aws_policies(view))
    policies = sorted((p for p in found if _listed(p, args)), key=_listing_key)
    chunk, paging = page(policies, _listing_key, args["Marker"], args["MaxItems"])
    return {"Policies": [policy_view(p, "list") for p in chunk], **paging}


def get_policy_version(ctx: IamContext, args: Args) -> dict[str, Any]:
    version_id: str = args["VersionId"]
    with ctx.read() as view:
        policy = _policy_with_version(view, args["PolicyArn"], version_id)
    version = policy.version(version_id)
    assert version is not None
    return {"PolicyVersion": version_view(policy, version, with_document=True)}


def create_policy_version(ctx: IamContext, args: Args) -> dict[str, Any]:
    text: str = args["PolicyDocument"]
    _check_document(text)
    now = ctx.now()

    def write(txn: WriteTxn) -> tuple[ManagedPolicy, PolicyVersion]:
        policy = repository.get_policy(txn, args["PolicyArn"])
        if len(policy.versions) >= VERSIONS_PER_POLICY:
            raise LimitExceeded(
                f"A managed policy can have up to {VERSIONS_PER_POLICY} versions. Before you "
                "create a new version, you must delete an existing version."
            )
        version = PolicyVersion(f"v{policy.next_version_number}", text, now)
        policy.versions.append(version)
        policy.next_version_number += 1
        if args["SetAsDefault"]:
            policy.default_version_id = version.version_id
        policy.updated_at = now
        repository.save_policy(txn, policy)
        return policy, version

    policy, version = ctx.write(write)
    return {"PolicyVersion": version_view(policy, version, with_document=False)}


def delete_policy_version(ctx: IamContext, args: Args) -> dict[str, Any]:
    version_id: str = args["VersionId"]

    def write(txn: WriteTxn) -> None:
        policy = _policy_with_version(txn, args["PolicyArn"], version_id)
        if version_id == policy.default_version_id:
            raise DeleteConflict("Cannot delete the default version of a policy.")
        policy.versions = [v for v in policy.versions if v.version_id != version_id]
        repository.save_policy(txn, policy)

    ctx.write(write)
    return {}


def set_default_policy_version(ctx: IamContext, args: Args) -> dict[str, Any]:
    version_id: str = args["VersionId"]
    now = ctx.now()

    def write(txn: WriteTxn) -> None:
        policy = _policy_with_version(txn, args["PolicyArn"], version_id)
        policy.default_version_id = version_id
        policy.updated_at = now
        repository.save_policy(txn, policy)

    ctx.write(write)
    return {}


def list_policy_versions(ctx: IamContext, args: Args) -> dict[str, Any]:
    with ctx.read() as view:
        policy = repository.get_policy(view, args["PolicyArn"])
    # Newest first, as IAM lists them.
    newest_first = sorted(
        policy.versions, key=lambda v: int(v.version_id[1:].split(".")[0]), reverse=True
    )
    keyed = [(f"{index:04d}", version) for index, version in enumerate(newest_first)]
    chunk, paging = page(keyed, lambda pair: pair[0], args["Marker"], args["MaxItems"])
    versions = [version_view(policy, version, with_document=False) for _, version in chunk]
    return {"Versions": versions, **paging}
