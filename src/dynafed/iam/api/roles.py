"""Roles: CreateRole, GetRole, ListRoles, UpdateRole, UpdateAssumeRolePolicy, DeleteRole."""

from __future__ import annotations

from typing import Any

from dynafed.errors import DeleteConflict, EntityAlreadyExists
from dynafed.iam import ids, repository
from dynafed.iam.api.boundaries import check_boundary_arn, set_boundary
from dynafed.iam.api.context import IamContext
from dynafed.iam.api.inputs import Args
from dynafed.iam.api.pagination import page
from dynafed.iam.api.tags import reject_duplicate_keys, tags_from_args
from dynafed.iam.api.views import role_view
from dynafed.iam.arns import role_arn
from dynafed.iam.models import DEFAULT_MAX_SESSION_DURATION, Role
from dynafed.iam.policy_adapter import PolicyKind, check_trust_policy_size, validate
from dynafed.storage.port import WriteTxn


def _check_trust_policy(text: str) -> None:
    validate(text, PolicyKind.TRUST)
    check_trust_policy_size(text)


def create_role(ctx: IamContext, args: Args) -> dict[str, Any]:
    name: str = args["RoleName"]
    path: str = args["Path"] or "/"
    tags = tags_from_args(args["Tags"])
    reject_duplicate_keys(tags, case_insensitive=True)
    boundary: str | None = args["PermissionsBoundary"]
    if boundary is not None:
        check_boundary_arn(boundary)
    _check_trust_policy(args["AssumeRolePolicyDocument"])
    role = Role(
        name=name,
        path=path,
        role_id=ids.role_id(ctx.ids),
        arn=role_arn(ctx.account_id, path, name),
        created_at=ctx.now(),
        trust_policy=args["AssumeRolePolicyDocument"],
        description=args["Description"],
        max_session_duration=args["MaxSessionDuration"] or DEFAULT_MAX_SESSION_DURATION,
        tags=tags,
    )

    def write(txn: WriteTxn) -> None:
        if repository.find_role(txn, name) is not None:
            raise EntityAlreadyExists(f"Role with name {name} already exists.")
        if boundary is not None:
            set_boundary(txn, role, boundary)
        repository.save_role(txn, role)

    ctx.write(write)
    return {"Role": role_view(role, "create")}


def get_role(ctx: IamContext, args: Args) -> dict[str, Any]:
    with ctx.read() as view:
        role = repository.get_role(view, args["RoleName"])
    return {"Role": role_view(role, "get")}


def list_roles(ctx: IamContext, args: Args) -> dict[str, Any]:
    prefix: str = args["PathPrefix"] or "/"
    with ctx.read() as view:
        roles = [role for role in repository.list_roles(view) if role.path.startswith(prefix)]
    chunk, paging = page(roles, lambda role: role.key, args["Marker"], args["MaxItems"])
    return {"Roles": [role_view(role, "list") for role in chunk], **paging}


def update_role(ctx: IamContext, args: Args) -> dict[str, Any]:
    def write(txn: WriteTxn) -> None:
        role = repository.get_role(txn, args["RoleName"])
        if args["Description"] is not None:
            role.description = args["Description"]
        if args["MaxSessionDuration"] is not None:
            role.max_session_duration = args["MaxSessionDuration"]
        repository.save_role(txn, role)

    ctx.write(write)
    return {}


def update_role_description(ctx: IamContext, args: Args) -> dict[str, Any]:
    """The older form of UpdateRole: sets the description and answers with the role."""

    def write(txn: WriteTxn) -> Role:
        role = repository.get_role(txn, args["RoleName"])
        role.description = args["Description"]
        repository.save_role(txn, role)
        return role

    return {"Role": role_view(ctx.write(write), "get")}


def update_assume_role_policy(ctx: IamContext, args: Args) -> dict[str, Any]:
    text: str = args["PolicyDocument"]

    def write(txn: WriteTxn) -> None:
        role = repository.get_role(txn, args["RoleName"])
        _check_trust_policy(text)
        role.trust_policy = text
        repository.save_role(txn, role)

    ctx.write(write)
    return {}


def delete_role(ctx: IamContext, args: Args) -> dict[str, Any]:
    def write(txn: WriteTxn) -> None:
        role = repository.get_role(txn, args["RoleName"])
        if role.attached_policy_arns:
            raise DeleteConflict("Cannot delete entity, must detach all policies first.")
        if role.inline_policies:
            raise DeleteConflict("Cannot delete entity, must delete policies first.")
        if repository.instance_profiles_of_role(txn, role.name):
            raise DeleteConflict(
                "Cannot delete entity, must remove roles from instance profile first."
            )
        set_boundary(txn, role, None)
        repository.delete_role(txn, role)

    ctx.write(write)
    return {}
