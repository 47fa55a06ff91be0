"""What an IAM action asks the caller's authorizer: `iam:<Action>` on the entity it acts on.

IAM actions are authorized like any other action for every caller but the admin: an IAM
user's (or a role session's) policies must allow `iam:PutUserPolicy` on
`arn:aws:iam::ACCT:user/path/name`, and so on, so a user cannot grant itself more than its
policies already let it manage (IAM Service Authorization Reference: the resource of each
action is the user, group, role, policy or provider it names; actions on no entity, such
as ListUsers, are on `*`). Membership and attachment actions are on the group, user or role
(not on the policy); Attach/Detach carry `iam:PolicyARN`, boundary changes
`iam:PermissionsBoundary`.
"""

from __future__ import annotations

from dynafed.core.authorization import AuthorizationRequest
from dynafed.iam import repository
from dynafed.iam.api.inputs import Args
from dynafed.iam.arns import (
    group_arn,
    instance_profile_arn,
    oidc_provider_arn,
    policy_arn,
    role_arn,
    user_arn,
)
from dynafed.storage.port import ReadView

_POLICY_ARN_ACTIONS = frozenset(
    {
        "AttachRolePolicy",
        "DetachRolePolicy",
        "AttachUserPolicy",
        "DetachUserPolicy",
        "AttachGroupPolicy",
        "DetachGroupPolicy",
    }
)


def _resource(view: ReadView, account: str, action: str, args: Args) -> str:
    if args.get("InstanceProfileName"):
        profile = repository.find_instance_profile(view, args["InstanceProfileName"])
        if profile is not None:
            return profile.arn
        return instance_profile_arn(account, args.get("Path") or "/", args["InstanceProfileName"])
    if args.get("RoleName"):
        role = repository.find_role(view, args["RoleName"])
        path = role.path if role is not None else (args.get("Path") or "/")
        return role_arn(account, path, role.name if role is not None else args["RoleName"])
    if args.get("GroupName"):
        group = repository.find_group(view, args["GroupName"])
        if group is not None:
            return group.arn
        return group_arn(account, args.get("Path") or "/", args["GroupName"])
    if args.get("UserName"):
        user = repository.find_user(view, args["UserName"])
        if user is not None:
            return user.arn
        return user_arn(account, args.get("Path") or "/", args["UserName"])
    if action == "GetAccessKeyLastUsed":
        key = repository.find_access_key(view, args["AccessKeyId"])
        user = repository.find_user(view, key.user_name) if key is not None else None
        return user.arn if user is not None else "*"
    if action == "CreatePolicy":
        return policy_arn(account, args.get("Path") or "/", args["PolicyName"])
    if action == "CreateOpenIDConnectProvider":
        url: str = args["Url"]
        return oidc_provider_arn(account, url.split("://", 1)[-1])
    if action == "CreateSAMLProvider":
        return f"arn:aws:iam::{account}:saml-provider/{args['Name']}"
    for name in ("PolicyArn", "OpenIDConnectProviderArn", "SAMLProviderArn", "PolicySourceArn"):
        if args.get(name):
            return str(args[name])
    return "*"


def authorization_request(
    view: ReadView, account: str, action: str, args: Args
) -> AuthorizationRequest:
    keys: dict[str, list[str]] = {}
    if action in _POLICY_ARN_ACTIONS:
        keys["iam:PolicyARN"] = [args["PolicyArn"]]
    if args.get("PermissionsBoundary"):
        keys["iam:PermissionsBoundary"] = [args["PermissionsBoundary"]]
    return AuthorizationRequest(f"iam:{action}", _resource(view, account, action, args), keys)
