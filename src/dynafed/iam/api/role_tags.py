"""Tags of roles: TagRole, UntagRole, ListRoleTags. Role tag keys are case-insensitive: a
tag whose key differs only in case replaces the existing one (IAM User Guide, "Tagging IAM
resources")."""

from __future__ import annotations

from typing import Any

from dynafed.errors import LimitExceeded
from dynafed.iam import repository
from dynafed.iam.api.context import IamContext
from dynafed.iam.api.pagination import page
from dynafed.iam.api.shapes import Args
from dynafed.iam.api.tags import reject_duplicate_keys, tags_from_args, tags_view
from dynafed.storage.port import WriteTxn

TAGS_PER_ROLE = 50


def tag_role(ctx: IamContext, args: Args) -> dict[str, Any]:
    new_tags = tags_from_args(args["Tags"])
    reject_duplicate_keys(new_tags, case_insensitive=True)

    def write(txn: WriteTxn) -> None:
        role = repository.get_role(txn, args["RoleName"])
        replaced = {key.lower() for key, _ in new_tags}
        merged = [tag for tag in role.tags if tag[0].lower() not in replaced] + new_tags
        if len(merged) > TAGS_PER_ROLE:
            raise LimitExceeded("The number of tags has reached the maximum limit.")
        role.tags = merged
        repository.save_role(txn, role)

    ctx.write(write)
    return {}


def untag_role(ctx: IamContext, args: Args) -> dict[str, Any]:
    removed = {key.lower() for key in args["TagKeys"]}

    def write(txn: WriteTxn) -> None:
        role = repository.get_role(txn, args["RoleName"])
        role.tags = [tag for tag in role.tags if tag[0].lower() not in removed]
        repository.save_role(txn, role)

    ctx.write(write)
    return {}


def list_role_tags(ctx: IamContext, args: Args) -> dict[str, Any]:
    with ctx.read() as view:
        role = repository.get_role(view, args["RoleName"])
    keyed = [(f"{index:04d}", tag) for index, tag in enumerate(role.tags)]
    chunk, paging = page(keyed, lambda item: item[0], args["Marker"], args["MaxItems"])
    return {"Tags": tags_view([tag for _, tag in chunk]), **paging}
