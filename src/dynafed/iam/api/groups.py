"""IAM groups: CreateGroup, GetGroup, ListGroups, UpdateGroup, DeleteGroup, AddUserToGroup,
RemoveUserFromGroup, ListGroupsForUser.

Membership is kept on both sides (the group's `members`, the user's `groups`) in the same
write, so enforcement reads a user's groups without listing every group. DeleteGroup is
refused while the group has members or policies (DeleteConflict, as IAM).
"""

from __future__ import annotations

from typing import Any

from dynafed.errors import DeleteConflict, EntityAlreadyExists, LimitExceeded
from dynafed.iam import ids, repository
from dynafed.iam.api.context import IamContext
from dynafed.iam.api.inputs import Args
from dynafed.iam.api.pagination import page
from dynafed.iam.api.views import group_view, user_view
from dynafed.iam.arns import group_arn
from dynafed.iam.models import GROUP_KIND, Group
from dynafed.iam.quotas import GROUPS_PER_USER
from dynafed.storage.port import WriteTxn


def create_group(ctx: IamContext, args: Args) -> dict[str, Any]:
    name: str = args["GroupName"]
    path: str = args["Path"] or "/"
    group = Group(
        name=name,
        path=path,
        group_id=ids.group_id(ctx.ids),
        arn=group_arn(ctx.account_id, path, name),
        created_at=ctx.now(),
    )

    def write(txn: WriteTxn) -> None:
        if repository.find_group(txn, name) is not None:
            raise EntityAlreadyExists(f"Group with name {name} already exists.")
        repository.save_group(txn, group)

    ctx.write(write)
    return {"Group": group_view(group)}


def get_group(ctx: IamContext, args: Args) -> dict[str, Any]:
    with ctx.read() as view:
        group = repository.get_group(view, args["GroupName"])
        users = [repository.find_user(view, name) for name in group.members]
    members = sorted((user for user in users if user is not None), key=lambda user: user.key)
    chunk, paging = page(members, lambda user: user.key, args["Marker"], args["MaxItems"])
    return {
        "Group": group_view(group),
        "Users": [user_view(user, "list") for user in chunk],
        **paging,
    }


def list_groups(ctx: IamContext, args: Args) -> dict[str, Any]:
    prefix: str = args["PathPrefix"] or "/"
    with ctx.read() as view:
        groups = sorted(
            (group for group in repository.list_groups(view) if group.path.startswith(prefix)),
            key=lambda group: group.key,
        )
    chunk, paging = page(groups, lambda group: group.key, args["Marker"], args["MaxItems"])
    return {"Groups": [group_view(group) for group in chunk], **paging}


def update_group(ctx: IamContext, args: Args) -> dict[str, Any]:
    new_name: str | None = args["NewGroupName"]
    new_path: str | None = args["NewPath"]

    def write(txn: WriteTxn) -> None:
        group = repository.get_group(txn, args["GroupName"])
        old_key = group.key
        if (
            new_name is not None
            and new_name.lower() != old_key
            and repository.find_group(txn, new_name) is not None
        ):
            raise EntityAlreadyExists(f"Group with name {new_name} already exists.")
        group.name = new_name or group.name
        group.path = new_path or group.path
        group.arn = group_arn(ctx.account_id, group.path, group.name)
        if group.key != old_key:
            txn.delete_document(GROUP_KIND, old_key)
        repository.save_group(txn, group)
        for member in group.members:
            user = repository.find_user(txn, member)
            if user is not None:
                user.groups = [
                    group.name if name.lower() == old_key else name for name in user.groups
                ]
                repository.save_user(txn, user)

    ctx.write(write)
    return {}


def delete_group(ctx: IamContext, args: Args) -> dict[str, Any]:
    def write(txn: WriteTxn) -> None:
        group = repository.get_group(txn, args["GroupName"])
        if group.members:
            raise DeleteConflict("Cannot delete entity, must remove users from group first.")
        if group.attached_policy_arns:
            raise DeleteConflict("Cannot delete entity, must detach all policies first.")
        if group.inline_policies:
            raise DeleteConflict("Cannot delete entity, must delete policies first.")
        repository.delete_group(txn, group)

    ctx.write(write)
    return {}


def add_user_to_group(ctx: IamContext, args: Args) -> dict[str, Any]:
    def write(txn: WriteTxn) -> None:
        group = repository.get_group(txn, args["GroupName"])
        user = repository.get_user(txn, args["UserName"])
        if group.key in {name.lower() for name in user.groups}:
            return  # adding again changes nothing
        if len(user.groups) >= GROUPS_PER_USER:
            raise LimitExceeded(f"Cannot exceed quota for GroupsPerUser: {GROUPS_PER_USER}")
        user.groups.append(group.name)
        group.members.append(user.name)
        repository.save_user(txn, user)
        repository.save_group(txn, group)

    ctx.write(write)
    return {}


def remove_user_from_group(ctx: IamContext, args: Args) -> dict[str, Any]:
    def write(txn: WriteTxn) -> None:
        group = repository.get_group(txn, args["GroupName"])
        user = repository.get_user(txn, args["UserName"])
        user.groups = [name for name in user.groups if name.lower() != group.key]
        group.members = [name for name in group.members if name.lower() != user.key]
        repository.save_user(txn, user)
        repository.save_group(txn, group)

    ctx.write(write)
    return {}


def list_groups_for_user(ctx: IamContext, args: Args) -> dict[str, Any]:
    with ctx.read() as view:
        user = repository.get_user(view, args["UserName"])
        groups = [repository.find_group(view, name) for name in user.groups]
    found = sorted((group for group in groups if group is not None), key=lambda g: g.key)
    chunk, paging = page(found, lambda group: group.key, args["Marker"], args["MaxItems"])
    return {"Groups": [group_view(group) for group in chunk], **paging}
