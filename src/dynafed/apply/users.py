"""`dynafed apply` for groups and users: path, inline and attached policies, a user's
groups, boundary and tags, and an access key for a user that asks for one and has none.
A created key's secret exists only in the IAM answer, so it goes to the `KeySink` once.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import partial
from typing import Any

from dynafed.apply.changes import Change, Outcome, outcome
from dynafed.apply.members import (
    GROUP,
    USER,
    attachment_changes,
    boundary_changes,
    get_or_none,
    inline_changes,
    resolve_policy,
    tag_changes,
)
from dynafed.apply.spec import GroupSpec, UserSpec

Client = Any  # a boto3 IAM client


@dataclass(frozen=True, slots=True)
class CreatedKey:
    user_name: str
    access_key_id: str
    secret_access_key: str


KeySink = Callable[[CreatedKey], None]


def _path_change(update: Any, name_param: str, name: str, path: str) -> Change:
    return Change(f"path {path}", partial(update, **{name_param: name, "NewPath": path}))


def reconcile_group(iam: Client, spec: GroupSpec, declared: Mapping[str, str]) -> Outcome:
    label = f"group {spec.name}"
    wanted = [resolve_policy(ref, declared) for ref in spec.managed_policies]
    current = get_or_none(iam.get_group, GroupName=spec.name, MaxItems=1)
    exists = current is not None
    changes: list[Change] = []
    if current is None:
        create = partial(iam.create_group, GroupName=spec.name, Path=spec.path)
        changes.append(Change("create", create))
    elif current["Group"]["Path"] != spec.path:
        changes.append(_path_change(iam.update_group, "GroupName", spec.name, spec.path))
    changes += inline_changes(iam, GROUP, spec.name, spec.inline_policies, exists)
    changes += attachment_changes(iam, GROUP, spec.name, wanted, exists)
    return outcome(label, changes, exists=exists)


def _create_user(iam: Client, spec: UserSpec, boundary: str | None) -> None:
    params: dict[str, Any] = {
        "UserName": spec.name,
        "Path": spec.path,
        "Tags": [{"Key": key, "Value": value} for key, value in spec.tags.items()],
    }
    if boundary:
        params["PermissionsBoundary"] = boundary
    iam.create_user(**params)


def _create_key(iam: Client, user_name: str, sink: KeySink) -> None:
    created = iam.create_access_key(UserName=user_name)["AccessKey"]
    sink(CreatedKey(user_name, created["AccessKeyId"], created["SecretAccessKey"]))


def _group_changes(iam: Client, spec: UserSpec, exists: bool) -> list[Change]:
    current: list[str] = []
    if exists:
        answer = iam.list_groups_for_user(UserName=spec.name, MaxItems=1000)
        current = [group["GroupName"] for group in answer["Groups"]]
    changes = []
    for group in current:
        if group not in spec.groups:
            remove = partial(iam.remove_user_from_group, GroupName=group, UserName=spec.name)
            changes.append(Change(f"leave group {group}", remove))
    for group in spec.groups:
        if group not in current:
            add = partial(iam.add_user_to_group, GroupName=group, UserName=spec.name)
            changes.append(Change(f"join group {group}", add))
    return changes


def _key_changes(iam: Client, spec: UserSpec, exists: bool, sink: KeySink) -> list[Change]:
    if not spec.access_key:
        return []
    if exists and iam.list_access_keys(UserName=spec.name)["AccessKeyMetadata"]:
        return []
    return [Change("access key", partial(_create_key, iam, spec.name, sink))]


def reconcile_user(
    iam: Client, spec: UserSpec, declared: Mapping[str, str], sink: KeySink
) -> Outcome:
    label = f"user {spec.name}"
    boundary = (
        resolve_policy(spec.permissions_boundary, declared) if spec.permissions_boundary else None
    )
    wanted = [resolve_policy(ref, declared) for ref in spec.managed_policies]
    current = get_or_none(iam.get_user, UserName=spec.name)
    exists = current is not None
    changes: list[Change] = []
    if current is None:
        changes.append(Change("create", partial(_create_user, iam, spec, boundary)))
    else:
        user = current["User"]
        if user["Path"] != spec.path:
            changes.append(_path_change(iam.update_user, "UserName", spec.name, spec.path))
        have = (user.get("PermissionsBoundary") or {}).get("PermissionsBoundaryArn")
        changes += boundary_changes(iam, USER, spec.name, have, boundary)
        tags = {tag["Key"]: tag["Value"] for tag in user.get("Tags", [])}
        changes += tag_changes(iam, USER, spec.name, tags, spec.tags)
    changes += inline_changes(iam, USER, spec.name, spec.inline_policies, exists)
    changes += attachment_changes(iam, USER, spec.name, wanted, exists)
    changes += _group_changes(iam, spec, exists)
    changes += _key_changes(iam, spec, exists, sink)
    return outcome(label, changes, exists=exists)
