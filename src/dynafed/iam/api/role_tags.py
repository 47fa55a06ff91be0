"""Tags of roles: TagRole, UntagRole, ListRoleTags (case-insensitive keys: `api.tags`)."""

from __future__ import annotations

from typing import Any

from dynafed.iam import repository
from dynafed.iam.api.context import IamContext
from dynafed.iam.api.inputs import Args
from dynafed.iam.api.tags import (
    reject_duplicate_keys,
    tags_from_args,
    tags_page,
    with_tags,
    without_tags,
)
from dynafed.storage.port import WriteTxn


def tag_role(ctx: IamContext, args: Args) -> dict[str, Any]:
    new_tags = tags_from_args(args["Tags"])
    reject_duplicate_keys(new_tags, case_insensitive=True)

    def write(txn: WriteTxn) -> None:
        role = repository.get_role(txn, args["RoleName"])
        role.tags = with_tags(role.tags, new_tags)
        repository.save_role(txn, role)

    ctx.write(write)
    return {}


def untag_role(ctx: IamContext, args: Args) -> dict[str, Any]:
    def write(txn: WriteTxn) -> None:
        role = repository.get_role(txn, args["RoleName"])
        role.tags = without_tags(role.tags, args["TagKeys"])
        repository.save_role(txn, role)

    ctx.write(write)
    return {}


def list_role_tags(ctx: IamContext, args: Args) -> dict[str, Any]:
    with ctx.read() as view:
        role = repository.get_role(view, args["RoleName"])
    return tags_page(role.tags, args)
