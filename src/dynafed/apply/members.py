"""What roles, groups and users share in `dynafed apply`: inline policies (undeclared ones
deleted) and attached managed policies (undeclared ones detached), converged through the
member kind's own IAM actions (`put_role_policy`, `put_group_policy`, `put_user_policy`, …).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

from botocore.exceptions import ClientError

from dynafed.apply.changes import Change

Client = Any  # a boto3 IAM client


def compact(document: dict[str, Any]) -> str:
    return json.dumps(document, separators=(",", ":"))


def get_or_none(call: Any, **params: Any) -> Any | None:
    """The answer of a Get* call, or None when the entity does not exist."""
    try:
        return call(**params)
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") == "NoSuchEntity":
            return None
        raise


def resolve_policy(reference: str, declared: Mapping[str, str]) -> str:
    """A managed policy declared in the file (by name), or any policy ARN."""
    return reference if reference.startswith("arn:") else declared.get(reference, reference)


@dataclass(frozen=True, slots=True)
class MemberKind:
    """`role`, `group` or `user`: the word in its IAM action names and its name parameter."""

    word: str
    name_param: str

    def call(self, iam: Client, verb: str, noun: str) -> Any:
        """`iam.<verb>_<word>_<noun>`, e.g. `put_group_policy`."""
        return getattr(iam, f"{verb}_{self.word}_{noun}")


ROLE = MemberKind("role", "RoleName")
GROUP = MemberKind("group", "GroupName")
USER = MemberKind("user", "UserName")


def inline_changes(
    iam: Client,
    kind: MemberKind,
    name: str,
    wanted: Mapping[str, dict[str, Any]],
    exists: bool,
) -> list[Change]:
    member = {kind.name_param: name}
    current: dict[str, Any] = {}
    if exists:
        listed = kind.call(iam, "list", "policies")(**member, MaxItems=1000)["PolicyNames"]
        for policy_name in listed:
            answer = kind.call(iam, "get", "policy")(**member, PolicyName=policy_name)
            current[policy_name] = answer["PolicyDocument"]
    changes = []
    for policy_name, document in wanted.items():
        if current.get(policy_name) != document:
            put = partial(
                kind.call(iam, "put", "policy"),
                **member,
                PolicyName=policy_name,
                PolicyDocument=compact(document),
            )
            changes.append(Change(f"inline policy {policy_name}", put))
    for policy_name in current:
        if policy_name not in wanted:
            delete = partial(kind.call(iam, "delete", "policy"), **member, PolicyName=policy_name)
            changes.append(Change(f"delete inline policy {policy_name}", delete))
    return changes


def attachment_changes(
    iam: Client, kind: MemberKind, name: str, wanted: Sequence[str], exists: bool
) -> list[Change]:
    member = {kind.name_param: name}
    current: list[str] = []
    if exists:
        answer = kind.call(iam, "list_attached", "policies")(**member, MaxItems=1000)
        current = [entry["PolicyArn"] for entry in answer["AttachedPolicies"]]
    changes = []
    for arn in current:
        if arn not in wanted:
            detach = partial(kind.call(iam, "detach", "policy"), **member, PolicyArn=arn)
            changes.append(Change(f"detach {arn}", detach))
    for arn in wanted:
        if arn not in current:
            attach = partial(kind.call(iam, "attach", "policy"), **member, PolicyArn=arn)
            changes.append(Change(f"attach {arn}", attach))
    return changes


def tag_changes(
    iam: Client, kind: MemberKind, name: str, current: Mapping[str, str], wanted: dict[str, str]
) -> list[Change]:
    if dict(current) == wanted:
        return []
    member = {kind.name_param: name}
    changes = []
    stale = [key for key in current if key not in wanted]
    if stale:
        untag = partial(getattr(iam, f"untag_{kind.word}"), **member, TagKeys=stale)
        changes.append(Change("remove tags", untag))
    if wanted:
        tags = [{"Key": key, "Value": value} for key, value in wanted.items()]
        changes.append(
            Change("tags", partial(getattr(iam, f"tag_{kind.word}"), **member, Tags=tags))
        )
    return changes


def boundary_changes(
    iam: Client, kind: MemberKind, name: str, current: str | None, wanted: str | None
) -> list[Change]:
    if current == wanted:
        return []
    member = {kind.name_param: name}
    if wanted is None:
        clear = partial(getattr(iam, f"delete_{kind.word}_permissions_boundary"), **member)
        return [Change("remove permissions boundary", clear)]
    put = partial(
        getattr(iam, f"put_{kind.word}_permissions_boundary"), **member, PermissionsBoundary=wanted
    )
    return [Change("permissions boundary", put)]
