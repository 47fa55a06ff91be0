"""ListEntitiesForPolicy: the users, groups and roles a managed policy is attached to, or
that use it as their permissions boundary (IAM API reference, ListEntitiesForPolicy)."""

from __future__ import annotations

from typing import Any

from dynafed.iam import repository
from dynafed.iam.api.context import IamContext
from dynafed.iam.api.inputs import Args
from dynafed.iam.api.pagination import page
from dynafed.iam.models import Group, Role, User
from dynafed.storage.port import ReadView

Entity = User | Group | Role


def _uses(entity: Entity, arn: str, usage: str | None) -> bool:
    attached = arn in entity.attached_policy_arns
    bounded = not isinstance(entity, Group) and entity.boundary_arn == arn
    if usage == "PermissionsPolicy":
        return attached
    if usage == "PermissionsBoundary":
        return bounded
    return attached or bounded


def _entities(view: ReadView, kinds: set[str]) -> list[tuple[str, Entity]]:
    found: list[tuple[str, Entity]] = []
    if "Group" in kinds:
        found += [(f"1{g.key}", g) for g in repository.list_groups(view)]
    if "User" in kinds:
        found += [(f"2{u.key}", u) for u in repository.list_users(view)]
    if "Role" in kinds:
        found += [(f"3{r.key}", r) for r in repository.list_roles(view)]
    return found


def list_entities_for_policy(ctx: IamContext, args: Args) -> dict[str, Any]:
    arn: str = args["PolicyArn"]
    kinds = {args["EntityFilter"]} if args["EntityFilter"] else {"User", "Group", "Role"}
    prefix: str = args["PathPrefix"] or "/"
    with ctx.read() as view:
        repository.get_policy(view, arn)
        found = [
            (key, entity)
            for key, entity in _entities(view, kinds)
            if entity.path.startswith(prefix) and _uses(entity, arn, args["PolicyUsageFilter"])
        ]
    chunk, paging = page(found, lambda item: item[0], args["Marker"], args["MaxItems"])
    entities = [entity for _, entity in chunk]
    return {
        "PolicyGroups": [
            {"GroupName": e.name, "GroupId": e.group_id} for e in entities if isinstance(e, Group)
        ],
        "PolicyUsers": [
            {"UserName": e.name, "UserId": e.user_id} for e in entities if isinstance(e, User)
        ],
        "PolicyRoles": [
            {"RoleName": e.name, "RoleId": e.role_id} for e in entities if isinstance(e, Role)
        ],
        **paging,
    }
