"""Entities rendered as IAM response structures, field for field as AWS returns them.

Which fields appear differs per action (recorded against real IAM): Create* answers omit
`Description` and `MaxSessionDuration`; Get* answers add them and `RoleLastUsed` (GetPolicy
also an empty `Tags`); List* entries carry neither tags nor the role's permissions boundary.
Policy documents travel URL-encoded, which botocore decodes into a dict.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, Literal
from urllib.parse import quote

from dynafed.iam.api.tags import tags_view
from dynafed.iam.models import AccessKey, Group, ManagedPolicy, PolicyVersion, Role, User

Detail = Literal["create", "get", "list"]


def timestamp(seconds: float) -> datetime:
    return datetime.fromtimestamp(seconds, UTC)


def encode_document(text: str) -> str:
    return quote(text, safe="")


def role_view(role: Role, detail: Detail) -> dict[str, Any]:
    view: dict[str, Any] = {
        "Path": role.path,
        "RoleName": role.name,
        "RoleId": role.role_id,
        "Arn": role.arn,
        "CreateDate": timestamp(role.created_at),
        "AssumeRolePolicyDocument": encode_document(role.trust_policy),
    }
    if detail != "create":
        view["Description"] = role.description
        view["MaxSessionDuration"] = role.max_session_duration
    if detail != "list" and role.boundary_arn is not None:
        view["PermissionsBoundary"] = {
            "PermissionsBoundaryType": "Policy",
            "PermissionsBoundaryArn": role.boundary_arn,
        }
    if detail != "list" and role.tags:
        view["Tags"] = tags_view(role.tags)
    if detail == "get":
        view["RoleLastUsed"] = {}
    return view


def policy_view(policy: ManagedPolicy, detail: Detail) -> dict[str, Any]:
    view: dict[str, Any] = {
        "PolicyName": policy.name,
        "PolicyId": policy.policy_id,
        "Arn": policy.arn,
        "Path": policy.path,
        "DefaultVersionId": policy.default_version_id,
        "AttachmentCount": policy.attachment_count,
        "PermissionsBoundaryUsageCount": policy.boundary_usage_count,
        "IsAttachable": True,
        "CreateDate": timestamp(policy.created_at),
        "UpdateDate": timestamp(policy.updated_at),
    }
    if detail == "get":
        view["Description"] = policy.description
        view["Tags"] = tags_view(policy.tags)
    elif detail == "create" and policy.tags:
        view["Tags"] = tags_view(policy.tags)
    return view


def version_view(
    policy: ManagedPolicy, version: PolicyVersion, *, with_document: bool
) -> dict[str, Any]:
    return {
        "Document": encode_document(version.document) if with_document else None,
        "VersionId": version.version_id,
        "IsDefaultVersion": version.version_id == policy.default_version_id,
        "CreateDate": timestamp(version.created_at),
    }


def user_view(user: User, detail: Detail) -> dict[str, Any]:
    view: dict[str, Any] = {
        "Path": user.path,
        "UserName": user.name,
        "UserId": user.user_id,
        "Arn": user.arn,
        "CreateDate": timestamp(user.created_at),
    }
    if detail != "list" and user.boundary_arn is not None:
        view["PermissionsBoundary"] = {
            "PermissionsBoundaryType": "Policy",
            "PermissionsBoundaryArn": user.boundary_arn,
        }
    if detail != "list" and user.tags:
        view["Tags"] = tags_view(user.tags)
    return view


def group_view(group: Group) -> dict[str, Any]:
    return {
        "Path": group.path,
        "GroupName": group.name,
        "GroupId": group.group_id,
        "Arn": group.arn,
        "CreateDate": timestamp(group.created_at),
    }


def access_key_metadata(key: AccessKey) -> dict[str, Any]:
    return {
        "UserName": key.user_name,
        "AccessKeyId": key.access_key_id,
        "Status": key.status,
        "CreateDate": timestamp(key.created_at),
    }
