"""Managed policies attached to roles: AttachRolePolicy, DetachRolePolicy,
ListAttachedRolePolicies. `AttachmentCount` on the policy follows every change."""

from __future__ import annotations

from typing import Any

from dynafed.errors import LimitExceeded, NoSuchEntity, ValidationError
from dynafed.iam import repository
from dynafed.iam.api.context import IamContext
from dynafed.iam.api.pagination import page
from dynafed.iam.api.shapes import Args
from dynafed.iam.arns import is_arn
from dynafed.iam.quotas import MANAGED_POLICIES_PER_ROLE
from dynafed.storage.port import WriteTxn


def _check_arn(arn: str) -> None:
    if not is_arn(arn):
        raise ValidationError(f"ARN {arn} is not valid.")


def attach_role_policy(ctx: IamContext, args: Args) -> dict[str, Any]:
    arn: str = args["PolicyArn"]
    _check_arn(arn)

    def write(txn: WriteTxn) -> None:
        role = repository.get_role(txn, args["RoleName"])
        policy = repository.find_policy(txn, arn)
        if policy is None:
            raise NoSuchEntity(f"Policy {arn} does not exist or is not attachable.")
        if arn in role.attached_policy_arns:
            return  # attaching again changes nothing
        if len(role.attached_policy_arns) >= MANAGED_POLICIES_PER_ROLE:
            raise LimitExceeded(
                f"Cannot exceed quota for PoliciesPerRole: {MANAGED_POLICIES_PER_ROLE}"
            )
        role.attached_policy_arns.append(arn)
        policy.attachment_count += 1
        repository.save_role(txn, role)
        repository.save_policy(txn, policy)

    ctx.write(write)
    return {}


def detach_role_policy(ctx: IamContext, args: Args) -> dict[str, Any]:
    arn: str = args["PolicyArn"]
    _check_arn(arn)

    def write(txn: WriteTxn) -> None:
        role = repository.get_role(txn, args["RoleName"])
        if arn not in role.attached_policy_arns:
            raise NoSuchEntity(f"Policy {arn} was not found.")
        role.attached_policy_arns.remove(arn)
        repository.save_role(txn, role)
        policy = repository.find_policy(txn, arn)
        if policy is not None:
            policy.attachment_count = max(0, policy.attachment_count - 1)
            repository.save_policy(txn, policy)

    ctx.write(write)
    return {}


def list_attached_role_policies(ctx: IamContext, args: Args) -> dict[str, Any]:
    prefix: str = args["PathPrefix"] or "/"
    with ctx.read() as view:
        role = repository.get_role(view, args["RoleName"])
        policies = [repository.find_policy(view, arn) for arn in role.attached_policy_arns]
    entries = sorted(
        (
            {"PolicyName": policy.name, "PolicyArn": policy.arn}
            for policy in policies
            if policy is not None and policy.path.startswith(prefix)
        ),
        key=lambda entry: entry["PolicyName"].lower(),
    )
    chunk, paging = page(
        entries, lambda e: e["PolicyName"].lower(), args["Marker"], args["MaxItems"]
    )
    return {"AttachedPolicies": chunk, **paging}
