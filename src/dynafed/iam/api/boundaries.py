"""Permissions boundaries of roles and users: Put/DeleteRolePermissionsBoundary,
Put/DeleteUserPermissionsBoundary.

A boundary is a managed policy (the account's or AWS's); its
`PermissionsBoundaryUsageCount` counts the roles and users using it, and a policy in use
cannot be deleted.
"""

from __future__ import annotations

from typing import Any

from dynafed.errors import InvalidInput, NoSuchEntity
from dynafed.iam import repository
from dynafed.iam.api.context import IamContext
from dynafed.iam.api.inputs import Args
from dynafed.iam.arns import is_policy_arn
from dynafed.iam.models import Role, User
from dynafed.storage.port import WriteTxn


def check_boundary_arn(arn: str) -> None:
    if not is_policy_arn(arn):
        raise InvalidInput(f"ARN {arn} is not valid.")


def set_boundary(txn: WriteTxn, role: Role | User, arn: str | None) -> None:
    """Point `role` (or user) at boundary `arn` (or none), keeping the policies' usage
    counts right. The caller saves the entity."""
    if arn == role.boundary_arn:
        return
    if arn is not None:
        policy = repository.find_policy(txn, arn)
        if policy is None:
            raise NoSuchEntity(f"Scope ARN: {arn} does not exist or is not attachable.")
        policy.boundary_usage_count += 1
        repository.save_policy(txn, policy)
    if role.boundary_arn is not None:
        old = repository.find_policy(txn, role.boundary_arn)
        if old is not None:
            old.boundary_usage_count = max(0, old.boundary_usage_count - 1)
            repository.save_policy(txn, old)
    role.boundary_arn = arn


def put_role_permissions_boundary(ctx: IamContext, args: Args) -> dict[str, Any]:
    arn = args["PermissionsBoundary"]
    check_boundary_arn(arn)

    def write(txn: WriteTxn) -> None:
        role = repository.get_role(txn, args["RoleName"])
        set_boundary(txn, role, arn)
        repository.save_role(txn, role)

    ctx.write(write)
    return {}


def delete_role_permissions_boundary(ctx: IamContext, args: Args) -> dict[str, Any]:
    def write(txn: WriteTxn) -> None:
        role = repository.get_role(txn, args["RoleName"])
        set_boundary(txn, role, None)
        repository.save_role(txn, role)

    ctx.write(write)
    return {}


def put_user_permissions_boundary(ctx: IamContext, args: Args) -> dict[str, Any]:
    arn = args["PermissionsBoundary"]
    check_boundary_arn(arn)

    def write(txn: WriteTxn) -> None:
        user = repository.get_user(txn, args["UserName"])
        set_boundary(txn, user, arn)
        repository.save_user(txn, user)

    ctx.write(write)
    return {}


def delete_user_permissions_boundary(ctx: IamContext, args: Args) -> dict[str, Any]:
    def write(txn: WriteTxn) -> None:
        user = repository.get_user(txn, args["UserName"])
        set_boundary(txn, user, None)
        repository.save_user(txn, user)

    ctx.write(write)
    return {}
