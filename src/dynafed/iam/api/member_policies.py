"""Policies of users and groups: inline (Put/Get/List/Delete{User,Group}Policy) and attached
managed ones (Attach/Detach/ListAttached{User,Group,Role}Policies).

One implementation for every kind of entity; `USER`, `GROUP` and `ROLE` say what differs:
the name parameter, IAM's wording, the aggregate inline-policy size (2,048 / 5,120 / 10,240
characters) and the attached-policy quota. A role's inline policies have their own module
(`role_policies`), older than this one; its attachments are served here. `AttachmentCount`
on a managed policy follows every change.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from dynafed.errors import LimitExceeded, NoSuchEntity, ValidationError
from dynafed.iam import repository
from dynafed.iam.api.context import IamContext
from dynafed.iam.api.inputs import Args
from dynafed.iam.api.pagination import page
from dynafed.iam.api.views import encode_document
from dynafed.iam.arns import is_arn
from dynafed.iam.models import Group, Role, User
from dynafed.iam.policy_adapter import PolicyKind, validate
from dynafed.iam.quotas import (
    GROUP_INLINE_POLICIES_CHARS,
    MANAGED_POLICIES_PER_GROUP,
    MANAGED_POLICIES_PER_ROLE,
    MANAGED_POLICIES_PER_USER,
    USER_INLINE_POLICIES_CHARS,
)
from dynafed.policy import policy_size
from dynafed.policy.limits import ROLE_INLINE_LIMIT
from dynafed.storage.port import ReadView, WriteTxn

Member = User | Group | Role
UseCase = Callable[[IamContext, Args], dict[str, Any]]


@dataclass(frozen=True, slots=True)
class MemberKind:
    label: str
    """`user` / `group` / `role`, as IAM's messages name them."""
    name_arg: str
    inline_limit: int
    attached_limit: int
    quota_name: str
    get: Callable[[ReadView, str], Member]

    def save(self, txn: WriteTxn, entity: Member) -> None:
        if isinstance(entity, User):
            repository.save_user(txn, entity)
        elif isinstance(entity, Group):
            repository.save_group(txn, entity)
        else:
            repository.save_role(txn, entity)


USER = MemberKind(
    "user",
    "UserName",
    USER_INLINE_POLICIES_CHARS,
    MANAGED_POLICIES_PER_USER,
    "PoliciesPerUser",
    repository.get_user,
)
GROUP = MemberKind(
    "group",
    "GroupName",
    GROUP_INLINE_POLICIES_CHARS,
    MANAGED_POLICIES_PER_GROUP,
    "PoliciesPerGroup",
    repository.get_group,
)
ROLE = MemberKind(
    "role",
    "RoleName",
    ROLE_INLINE_LIMIT,
    MANAGED_POLICIES_PER_ROLE,
    "PoliciesPerRole",
    repository.get_role,
)


def _no_such_policy(kind: MemberKind, name: str) -> NoSuchEntity:
    return NoSuchEntity(f"The {kind.label} policy with name {name} cannot be found.")


def put_policy(kind: MemberKind) -> UseCase:
    def use_case(ctx: IamContext, args: Args) -> dict[str, Any]:
        name: str = args["PolicyName"]
        text: str = args["PolicyDocument"]

        def write(txn: WriteTxn) -> None:
            entity = kind.get(txn, args[kind.name_arg])
            validate(text, PolicyKind.IDENTITY)
            others = [doc for other, doc in entity.inline_policies.items() if other != name]
            if sum(policy_size(doc) for doc in [*others, text]) > kind.inline_limit:
                raise LimitExceeded(
                    f"Maximum policy size of {kind.inline_limit} bytes exceeded for "
                    f"{kind.label} {entity.name}"
                )
            entity.inline_policies[name] = text
            kind.save(txn, entity)

        ctx.write(write)
        return {}

    return use_case


def get_policy(kind: MemberKind) -> UseCase:
    def use_case(ctx: IamContext, args: Args) -> dict[str, Any]:
        name: str = args["PolicyName"]
        with ctx.read() as view:
            entity = kind.get(view, args[kind.name_arg])
        if name not in entity.inline_policies:
            raise _no_such_policy(kind, name)
        return {
            kind.name_arg: entity.name,
            "PolicyName": name,
            "PolicyDocument": encode_document(entity.inline_policies[name]),
        }

    return use_case


def list_policies(kind: MemberKind) -> UseCase:
    def use_case(ctx: IamContext, args: Args) -> dict[str, Any]:
        with ctx.read() as view:
            entity = kind.get(view, args[kind.name_arg])
        names = sorted(entity.inline_policies)
        chunk, paging = page(names, lambda name: name, args["Marker"], args["MaxItems"])
        return {"PolicyNames": chunk, **paging}

    return use_case


def delete_policy(kind: MemberKind) -> UseCase:
    def use_case(ctx: IamContext, args: Args) -> dict[str, Any]:
        name: str = args["PolicyName"]

        def write(txn: WriteTxn) -> None:
            entity = kind.get(txn, args[kind.name_arg])
            if entity.inline_policies.pop(name, None) is None:
                raise _no_such_policy(kind, name)
            kind.save(txn, entity)

        ctx.write(write)
        return {}

    return use_case


def _check_arn(arn: str) -> None:
    if not is_arn(arn):
        raise ValidationError(f"ARN {arn} is not valid.")


def attach_policy(kind: MemberKind) -> UseCase:
    def use_case(ctx: IamContext, args: Args) -> dict[str, Any]:
        arn: str = args["PolicyArn"]
        _check_arn(arn)

        def write(txn: WriteTxn) -> None:
            entity = kind.get(txn, args[kind.name_arg])
            policy = repository.find_policy(txn, arn)
            if policy is None:
                raise NoSuchEntity(f"Policy {arn} does not exist or is not attachable.")
            if arn in entity.attached_policy_arns:
                return
            if len(entity.attached_policy_arns) >= kind.attached_limit:
                raise LimitExceeded(
                    f"Cannot exceed quota for {kind.quota_name}: {kind.attached_limit}"
                )
            entity.attached_policy_arns.append(arn)
            policy.attachment_count += 1
            kind.save(txn, entity)
            repository.save_policy(txn, policy)

        ctx.write(write)
        return {}

    return use_case


def detach_policy(kind: MemberKind) -> UseCase:
    def use_case(ctx: IamContext, args: Args) -> dict[str, Any]:
        arn: str = args["PolicyArn"]
        _check_arn(arn)

        def write(txn: WriteTxn) -> None:
            entity = kind.get(txn, args[kind.name_arg])
            if arn not in entity.attached_policy_arns:
                raise NoSuchEntity(f"Policy {arn} was not found.")
            entity.attached_policy_arns.remove(arn)
            kind.save(txn, entity)
            policy = repository.find_policy(txn, arn)
            if policy is not None:
                policy.attachment_count = max(0, policy.attachment_count - 1)
                repository.save_policy(txn, policy)

        ctx.write(write)
        return {}

    return use_case


def list_attached_policies(kind: MemberKind) -> UseCase:
    def use_case(ctx: IamContext, args: Args) -> dict[str, Any]:
        prefix: str = args["PathPrefix"] or "/"
        with ctx.read() as view:
            entity = kind.get(view, args[kind.name_arg])
            policies = [repository.find_policy(view, arn) for arn in entity.attached_policy_arns]
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

    return use_case
