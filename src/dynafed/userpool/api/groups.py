"""CreateGroup, GetGroup, ListGroups, UpdateGroup, DeleteGroup; AdminAddUserToGroup,
AdminRemoveUserFromGroup, AdminListGroupsForUser, ListUsersInGroup.

Membership is kept on the user (`User.groups`); the tokens of a later sign-in or refresh
carry `cognito:groups`, `cognito:roles` and `cognito:preferred_role` (`userpool/tokens.py`),
which an identity pool's `Token` role mapping reads.
"""

from __future__ import annotations

from typing import Any

from dynafed.storage.port import ReadView, WriteTxn
from dynafed.userpool import store
from dynafed.userpool.api.context import ApiContext, Call, page, require_pool
from dynafed.userpool.api.errors import (
    CognitoResourceNotFound,
    GroupExistsException,
    UserNotFoundException,
)
from dynafed.userpool.api.users import user_view
from dynafed.userpool.model import Group, User

DEFAULT_LIMIT = 60


def group_view(group: Group) -> dict[str, Any]:
    """`GroupType`."""
    view: dict[str, Any] = {
        "GroupName": group.name,
        "UserPoolId": group.pool_id,
        "CreationDate": group.created_at,
        "LastModifiedDate": group.modified_at or group.created_at,
    }
    if group.description is not None:
        view["Description"] = group.description
    if group.role_arn is not None:
        view["RoleArn"] = group.role_arn
    if group.precedence is not None:
        view["Precedence"] = group.precedence
    return view


def _require_group(view: ReadView, pool_id: str, name: str, region: str) -> Group:
    require_pool(view, pool_id, region)
    group = store.get_group(view, pool_id, name)
    if group is None:
        raise CognitoResourceNotFound("Group not found.")
    return group


def _require_user(view: ReadView, pool_id: str, username: str) -> User:
    pool = store.get_pool(view, pool_id)
    user = store.find_user(view, pool, username) if pool is not None else None
    if user is None:
        raise UserNotFoundException()
    return user


def create_group(ctx: ApiContext, body: dict[str, Any], call: Call) -> dict[str, Any]:
    now = ctx.now()
    group = Group(
        pool_id=body["UserPoolId"],
        name=body["GroupName"],
        created_at=now,
        description=body.get("Description"),
        role_arn=body.get("RoleArn"),
        precedence=body.get("Precedence"),
        modified_at=now,
    )

    def write(txn: WriteTxn) -> None:
        require_pool(txn, group.pool_id, call.region)
        if store.get_group(txn, group.pool_id, group.name) is not None:
            raise GroupExistsException(f"A group with the name {group.name} already exists.")
        store.save_group(txn, group)

    ctx.pools.deps.storage.write(write)
    return {"Group": group_view(group)}


def get_group(ctx: ApiContext, body: dict[str, Any], call: Call) -> dict[str, Any]:
    with ctx.pools.deps.storage.read() as view:
        group = _require_group(view, body["UserPoolId"], body["GroupName"], call.region)
    return {"Group": group_view(group)}


def list_groups(ctx: ApiContext, body: dict[str, Any], call: Call) -> dict[str, Any]:
    with ctx.pools.deps.storage.read() as view:
        require_pool(view, body["UserPoolId"], call.region)
        groups = store.list_groups(view, body["UserPoolId"])
    limit = body.get("Limit") or DEFAULT_LIMIT
    chosen, token = page(groups, lambda g: g.name, limit, body.get("NextToken"))
    answer: dict[str, Any] = {"Groups": [group_view(group) for group in chosen]}
    if token is not None:
        answer["NextToken"] = token
    return answer


def update_group(ctx: ApiContext, body: dict[str, Any], call: Call) -> dict[str, Any]:
    def write(txn: WriteTxn) -> Group:
        group = _require_group(txn, body["UserPoolId"], body["GroupName"], call.region)
        if "Description" in body:
            group.description = body["Description"]
        if "RoleArn" in body:
            group.role_arn = body["RoleArn"] or None
        if "Precedence" in body:
            group.precedence = body["Precedence"]
        group.modified_at = ctx.now()
        store.save_group(txn, group)
        return group

    return {"Group": group_view(ctx.pools.deps.storage.write(write))}


def delete_group(ctx: ApiContext, body: dict[str, Any], call: Call) -> dict[str, Any]:
    def write(txn: WriteTxn) -> None:
        group = _require_group(txn, body["UserPoolId"], body["GroupName"], call.region)
        for user in store.list_users(txn, group.pool_id):
            if group.name in user.groups:
                user.groups = [name for name in user.groups if name != group.name]
                store.save_user(txn, user)
        store.delete_group(txn, group.pool_id, group.name)

    ctx.pools.deps.storage.write(write)
    return {}


def admin_add_user_to_group(ctx: ApiContext, body: dict[str, Any], call: Call) -> dict[str, Any]:
    def write(txn: WriteTxn) -> None:
        group = _require_group(txn, body["UserPoolId"], body["GroupName"], call.region)
        user = _require_user(txn, group.pool_id, body["Username"])
        if group.name not in user.groups:
            user.groups = [*user.groups, group.name]
            store.save_user(txn, user)

    ctx.pools.deps.storage.write(write)
    return {}


def admin_remove_user_from_group(
    ctx: ApiContext, body: dict[str, Any], call: Call
) -> dict[str, Any]:
    def write(txn: WriteTxn) -> None:
        group = _require_group(txn, body["UserPoolId"], body["GroupName"], call.region)
        user = _require_user(txn, group.pool_id, body["Username"])
        if group.name in user.groups:
            user.groups = [name for name in user.groups if name != group.name]
            store.save_user(txn, user)

    ctx.pools.deps.storage.write(write)
    return {}


def admin_list_groups_for_user(ctx: ApiContext, body: dict[str, Any], call: Call) -> dict[str, Any]:
    with ctx.pools.deps.storage.read() as view:
        require_pool(view, body["UserPoolId"], call.region)
        groups = store.groups_of(view, _require_user(view, body["UserPoolId"], body["Username"]))
    limit = body.get("Limit") or DEFAULT_LIMIT
    chosen, token = page(groups, lambda g: g.name, limit, body.get("NextToken"))
    answer: dict[str, Any] = {"Groups": [group_view(group) for group in chosen]}
    if token is not None:
        answer["NextToken"] = token
    return answer


def list_users_in_group(ctx: ApiContext, body: dict[str, Any], call: Call) -> dict[str, Any]:
    with ctx.pools.deps.storage.read() as view:
        group = _require_group(view, body["UserPoolId"], body["GroupName"], call.region)
        members = [u for u in store.list_users(view, group.pool_id) if group.name in u.groups]
    limit = body.get("Limit") or DEFAULT_LIMIT
    chosen, token = page(members, lambda u: u.username.lower(), limit, body.get("NextToken"))
    answer: dict[str, Any] = {"Users": [user_view(user) for user in chosen]}
    if token is not None:
        answer["NextToken"] = token
    return answer
