"""Inline role policies: PutRolePolicy, GetRolePolicy, ListRolePolicies, DeleteRolePolicy."""

from __future__ import annotations

from typing import Any

from dynafed.errors import NoSuchEntity
from dynafed.iam import repository
from dynafed.iam.api.context import IamContext
from dynafed.iam.api.inputs import Args
from dynafed.iam.api.pagination import page
from dynafed.iam.api.views import encode_document
from dynafed.iam.policy_adapter import PolicyKind, check_inline_policies_size, validate
from dynafed.storage.port import WriteTxn


def _no_such_policy(name: str) -> NoSuchEntity:
    return NoSuchEntity(f"The role policy with name {name} cannot be found.")


def put_role_policy(ctx: IamContext, args: Args) -> dict[str, Any]:
    name: str = args["PolicyName"]
    text: str = args["PolicyDocument"]

    def write(txn: WriteTxn) -> None:
        role = repository.get_role(txn, args["RoleName"])
        validate(text, PolicyKind.IDENTITY)
        others = [doc for other, doc in role.inline_policies.items() if other != name]
        check_inline_policies_size([*others, text], role_name=role.name)
        role.inline_policies[name] = text
        repository.save_role(txn, role)

    ctx.write(write)
    return {}


def get_role_policy(ctx: IamContext, args: Args) -> dict[str, Any]:
    name: str = args["PolicyName"]
    with ctx.read() as view:
        role = repository.get_role(view, args["RoleName"])
    if name not in role.inline_policies:
        raise _no_such_policy(name)
    return {
        "RoleName": role.name,
        "PolicyName": name,
        "PolicyDocument": encode_document(role.inline_policies[name]),
    }


def list_role_policies(ctx: IamContext, args: Args) -> dict[str, Any]:
    with ctx.read() as view:
        role = repository.get_role(view, args["RoleName"])
    names = sorted(role.inline_policies)
    chunk, paging = page(names, lambda name: name, args["Marker"], args["MaxItems"])
    return {"PolicyNames": chunk, **paging}


def delete_role_policy(ctx: IamContext, args: Args) -> dict[str, Any]:
    name: str = args["PolicyName"]

    def write(txn: WriteTxn) -> None:
        role = repository.get_role(txn, args["RoleName"])
        if role.inline_policies.pop(name, None) is None:
            raise _no_such_policy(name)
        repository.save_role(txn, role)

    ctx.write(write)
    return {}
