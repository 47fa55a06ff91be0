"""GetAccountAuthorizationDetails: every user, group, role and managed policy of the
account with the policies that govern it, in one paged answer (IAM API reference,
GetAccountAuthorizationDetails). `Filter` picks entity kinds; AWS managed policies are
listed when this account uses them (attached or as a boundary), as IAM lists them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from dynafed.iam import repository
from dynafed.iam.api.context import IamContext
from dynafed.iam.api.inputs import Args
from dynafed.iam.api.instance_profiles import profile_view
from dynafed.iam.api.pagination import page
from dynafed.iam.api.tags import tags_view
from dynafed.iam.api.views import encode_document, policy_view, timestamp, version_view
from dynafed.iam.models import Group, ManagedPolicy, Role, User
from dynafed.storage.port import ReadView

FILTERS = ("User", "Role", "Group", "LocalManagedPolicy", "AWSManagedPolicy")
_LISTS = {
    "User": "UserDetailList",
    "Group": "GroupDetailList",
    "Role": "RoleDetailList",
    "Policy": "Policies",
}


def _inline(policies: Mapping[str, str]) -> list[dict[str, str]]:
    return [
        {"PolicyName": name, "PolicyDocument": encode_document(text)}
        for name, text in sorted(policies.items())
    ]


def _attached(view: ReadView, arns: Iterable[str]) -> list[dict[str, str]]:
    found = (repository.find_policy(view, arn) for arn in arns)
    return [{"PolicyName": p.name, "PolicyArn": p.arn} for p in found if p is not None]


def _boundary(arn: str | None) -> dict[str, str] | None:
    if arn is None:
        return None
    return {"PermissionsBoundaryType": "Policy", "PermissionsBoundaryArn": arn}


def _user(view: ReadView, user: User) -> dict[str, Any]:
    return {
        "Path": user.path,
        "UserName": user.name,
        "UserId": user.user_id,
        "Arn": user.arn,
        "CreateDate": timestamp(user.created_at),
        "UserPolicyList": _inline(user.inline_policies),
        "GroupList": list(user.groups),
        "AttachedManagedPolicies": _attached(view, user.attached_policy_arns),
        "PermissionsBoundary": _boundary(user.boundary_arn),
        "Tags": tags_view(user.tags),
    }


def _group(view: ReadView, group: Group) -> dict[str, Any]:
    return {
        "Path": group.path,
        "GroupName": group.name,
        "GroupId": group.group_id,
        "Arn": group.arn,
        "CreateDate": timestamp(group.created_at),
        "GroupPolicyList": _inline(group.inline_policies),
        "AttachedManagedPolicies": _attached(view, group.attached_policy_arns),
    }


def _role(view: ReadView, role: Role) -> dict[str, Any]:
    return {
        "Path": role.path,
        "RoleName": role.name,
        "RoleId": role.role_id,
        "Arn": role.arn,
        "CreateDate": timestamp(role.created_at),
        "AssumeRolePolicyDocument": encode_document(role.trust_policy),
        "InstanceProfileList": [
            profile_view(view, p) for p in repository.instance_profiles_of_role(view, role.name)
        ],
        "RolePolicyList": _inline(role.inline_policies),
        "AttachedManagedPolicies": _attached(view, role.attached_policy_arns),
        "PermissionsBoundary": _boundary(role.boundary_arn),
        "Tags": tags_view(role.tags),
        "RoleLastUsed": {},
    }


def _policy(policy: ManagedPolicy) -> dict[str, Any]:
    return {
        **policy_view(policy, "list"),
        "Description": policy.description,
        "PolicyVersionList": [
            version_view(policy, version, with_document=True) for version in policy.versions
        ],
    }


def _entries(view: ReadView, kinds: set[str]) -> list[tuple[str, str, dict[str, Any]]]:
    """(paging key, kind, detail) of every entity asked for, users first, then groups,
    roles and policies, each by name."""
    entries: list[tuple[str, str, dict[str, Any]]] = []
    if "User" in kinds:
        entries += [(f"1{u.key}", "User", _user(view, u)) for u in repository.list_users(view)]
    if "Group" in kinds:
        entries += [(f"2{g.key}", "Group", _group(view, g)) for g in repository.list_groups(view)]
    if "Role" in kinds:
        entries += [(f"3{r.key}", "Role", _role(view, r)) for r in repository.list_roles(view)]
    policies: list[ManagedPolicy] = []
    if "LocalManagedPolicy" in kinds:
        policies += repository.list_policies(view)
    if "AWSManagedPolicy" in kinds:
        policies += [
            p
            for p in repository.list_aws_policies(view)
            if p.attachment_count or p.boundary_usage_count
        ]
    policies.sort(key=lambda p: (p.key, p.arn))
    entries += [(f"4{p.key}\n{p.arn}", "Policy", _policy(p)) for p in policies]
    return entries


def get_account_authorization_details(ctx: IamContext, args: Args) -> dict[str, Any]:
    kinds = set(args["Filter"] or FILTERS)
    with ctx.read() as view:
        entries = _entries(view, kinds)
    chunk, paging = page(entries, lambda entry: entry[0], args["Marker"], args["MaxItems"])
    result: dict[str, Any] = {name: [] for name in _LISTS.values()}
    for _, kind, detail in chunk:
        result[_LISTS[kind]].append(detail)
    return {**result, **paging}
