"""IAM users: CreateUser, GetUser, ListUsers, UpdateUser, DeleteUser, TagUser, UntagUser,
ListUserTags.

DeleteUser is refused while anything is attached, as IAM refuses it: access keys, inline
policies, managed policies, group memberships (DeleteConflict). A permissions boundary is
released with the user.
"""

from __future__ import annotations

from typing import Any

from dynafed.errors import DeleteConflict, EntityAlreadyExists
from dynafed.iam import ids, repository
from dynafed.iam.api.boundaries import check_boundary_arn, set_boundary
from dynafed.iam.api.context import IamContext
from dynafed.iam.api.inputs import Args
from dynafed.iam.api.pagination import page
from dynafed.iam.api.tags import (
    reject_duplicate_keys,
    tags_from_args,
    tags_page,
    with_tags,
    without_tags,
)
from dynafed.iam.api.views import user_view
from dynafed.iam.arns import user_arn
from dynafed.iam.models import USER_KIND, User
from dynafed.storage.port import WriteTxn


def create_user(ctx: IamContext, args: Args) -> dict[str, Any]:
    name: str = args["UserName"]
    path: str = args["Path"] or "/"
    tags = tags_from_args(args["Tags"])
    reject_duplicate_keys(tags, case_insensitive=True)
    boundary: str | None = args["PermissionsBoundary"]
    if boundary is not None:
        check_boundary_arn(boundary)
    user = User(
        name=name,
        path=path,
        user_id=ids.user_id(ctx.ids),
        arn=user_arn(ctx.account_id, path, name),
        created_at=ctx.now(),
        tags=tags,
    )

    def write(txn: WriteTxn) -> None:
        if repository.find_user(txn, name) is not None:
            raise EntityAlreadyExists(f"User with name {name} already exists.")
        if boundary is not None:
            set_boundary(txn, user, boundary)
        repository.save_user(txn, user)

    ctx.write(write)
    return {"User": user_view(user, "create")}


def get_user(ctx: IamContext, args: Args) -> dict[str, Any]:
    with ctx.read() as view:
        user = repository.get_user(view, args["UserName"])
    return {"User": user_view(user, "get")}


def list_users(ctx: IamContext, args: Args) -> dict[str, Any]:
    prefix: str = args["PathPrefix"] or "/"
    with ctx.read() as view:
        users = sorted(
            (user for user in repository.list_users(view) if user.path.startswith(prefix)),
            key=lambda user: user.key,
        )
    chunk, paging = page(users, lambda user: user.key, args["Marker"], args["MaxItems"])
    return {"Users": [user_view(user, "list") for user in chunk], **paging}


def update_user(ctx: IamContext, args: Args) -> dict[str, Any]:
    """A new name or path: the user's ARN changes; its id, keys, policies and groups stay."""
    new_name: str | None = args["NewUserName"]
    new_path: str | None = args["NewPath"]

    def write(txn: WriteTxn) -> None:
        user = repository.get_user(txn, args["UserName"])
        old_key, old_name = user.key, user.name
        if (
            new_name is not None
            and new_name.lower() != old_key
            and repository.find_user(txn, new_name) is not None
        ):
            raise EntityAlreadyExists(f"User with name {new_name} already exists.")
        user.name = new_name or user.name
        user.path = new_path or user.path
        user.arn = user_arn(ctx.account_id, user.path, user.name)
        if user.key != old_key:
            txn.delete_document(USER_KIND, old_key)
        repository.save_user(txn, user)
        if user.name != old_name:
            for group_name in user.groups:
                group = repository.find_group(txn, group_name)
                if group is not None:
                    group.members = [
                        user.name if member.lower() == old_key else member
                        for member in group.members
                    ]
                    repository.save_group(txn, group)
            for key_id in user.access_key_ids:
                key = repository.find_access_key(txn, key_id)
                if key is not None:
                    key.user_name = user.name
                    repository.save_access_key(txn, key)

    ctx.write(write)
    return {}


def delete_user(ctx: IamContext, args: Args) -> dict[str, Any]:
    def write(txn: WriteTxn) -> None:
        user = repository.get_user(txn, args["UserName"])
        if user.access_key_ids:
            raise DeleteConflict("Cannot delete entity, must delete access keys first.")
        if user.attached_policy_arns:
            raise DeleteConflict("Cannot delete entity, must detach all policies first.")
        if user.inline_policies:
            raise DeleteConflict("Cannot delete entity, must delete policies first.")
        if user.groups:
            raise DeleteConflict("Cannot delete entity, must remove users from group first.")
        set_boundary(txn, user, None)
        repository.delete_user(txn, user)

    ctx.write(write)
    return {}


def tag_user(ctx: IamContext, args: Args) -> dict[str, Any]:
    new_tags = tags_from_args(args["Tags"])
    reject_duplicate_keys(new_tags, case_insensitive=True)

    def write(txn: WriteTxn) -> None:
        user = repository.get_user(txn, args["UserName"])
        user.tags = with_tags(user.tags, new_tags)
        repository.save_user(txn, user)

    ctx.write(write)
    return {}


def untag_user(ctx: IamContext, args: Args) -> dict[str, Any]:
    def write(txn: WriteTxn) -> None:
        user = repository.get_user(txn, args["UserName"])
        user.tags = without_tags(user.tags, args["TagKeys"])
        repository.save_user(txn, user)

    ctx.write(write)
    return {}


def list_user_tags(ctx: IamContext, args: Args) -> dict[str, Any]:
    with ctx.read() as view:
        user = repository.get_user(view, args["UserName"])
    return tags_page(user.tags, args)
