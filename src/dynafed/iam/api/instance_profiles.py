"""Instance profiles: Create/Get/Delete/ListInstanceProfiles, Add/RemoveRoleFromInstanceProfile
and ListInstanceProfilesForRole (IAM API reference for each action).

dynafed runs no EC2 instances; it keeps instance profiles so that infrastructure tools that
create roles with them, or look for them before deleting a role (`terraform destroy` calls
ListInstanceProfilesForRole), work unchanged. A profile holds at most one role, and a role
in a profile cannot be deleted (roles.py).
"""

from __future__ import annotations

from typing import Any

from dynafed.errors import DeleteConflict, EntityAlreadyExists, LimitExceeded, NoSuchEntity
from dynafed.iam import ids, repository
from dynafed.iam.api.context import IamContext
from dynafed.iam.api.inputs import Args
from dynafed.iam.api.pagination import page
from dynafed.iam.api.tags import reject_duplicate_keys, tags_from_args, tags_view
from dynafed.iam.api.views import role_view, timestamp
from dynafed.iam.arns import instance_profile_arn
from dynafed.iam.models import InstanceProfile
from dynafed.storage.port import ReadView, WriteTxn

ROLES_PER_INSTANCE_PROFILE = 1
HAS_ROLES = "Cannot delete entity, must remove roles from instance profile first."


def profile_view(view: ReadView, profile: InstanceProfile) -> dict[str, Any]:
    roles = (repository.find_role(view, name) for name in profile.roles)
    shown: dict[str, Any] = {
        "Path": profile.path,
        "InstanceProfileName": profile.name,
        "InstanceProfileId": profile.instance_profile_id,
        "Arn": profile.arn,
        "CreateDate": timestamp(profile.created_at),
        "Roles": [role_view(role, "list") for role in roles if role is not None],
    }
    if profile.tags:
        shown["Tags"] = tags_view(profile.tags)
    return shown


def create_instance_profile(ctx: IamContext, args: Args) -> dict[str, Any]:
    name: str = args["InstanceProfileName"]
    path: str = args["Path"] or "/"
    tags = tags_from_args(args["Tags"])
    reject_duplicate_keys(tags, case_insensitive=True)
    profile = InstanceProfile(
        name=name,
        path=path,
        instance_profile_id=ids.instance_profile_id(ctx.ids),
        arn=instance_profile_arn(ctx.account_id, path, name),
        created_at=ctx.now(),
        tags=tags,
    )

    def write(txn: WriteTxn) -> dict[str, Any]:
        if repository.find_instance_profile(txn, name) is not None:
            raise EntityAlreadyExists(f"Instance Profile {name} already exists.")
        repository.save_instance_profile(txn, profile)
        return profile_view(txn, profile)

    return {"InstanceProfile": ctx.write(write)}


def get_instance_profile(ctx: IamContext, args: Args) -> dict[str, Any]:
    with ctx.read() as view:
        profile = repository.get_instance_profile(view, args["InstanceProfileName"])
        return {"InstanceProfile": profile_view(view, profile)}


def delete_instance_profile(ctx: IamContext, args: Args) -> dict[str, Any]:
    def write(txn: WriteTxn) -> None:
        profile = repository.get_instance_profile(txn, args["InstanceProfileName"])
        if profile.roles:
            raise DeleteConflict(HAS_ROLES)
        repository.delete_instance_profile(txn, profile)

    ctx.write(write)
    return {}


def list_instance_profiles(ctx: IamContext, args: Args) -> dict[str, Any]:
    prefix: str = args["PathPrefix"] or "/"
    with ctx.read() as view:
        found = [p for p in repository.list_instance_profiles(view) if p.path.startswith(prefix)]
        chunk, paging = page(found, lambda p: p.key, args["Marker"], args["MaxItems"])
        return {"InstanceProfiles": [profile_view(view, p) for p in chunk], **paging}


def add_role_to_instance_profile(ctx: IamContext, args: Args) -> dict[str, Any]:
    def write(txn: WriteTxn) -> None:
        profile = repository.get_instance_profile(txn, args["InstanceProfileName"])
        role = repository.get_role(txn, args["RoleName"])
        if any(name.lower() == role.key for name in profile.roles):
            raise EntityAlreadyExists(
                f"Instance Profile {profile.name} already contains role {role.name}."
            )
        if len(profile.roles) >= ROLES_PER_INSTANCE_PROFILE:
            raise LimitExceeded(
                "Cannot exceed quota for InstanceSessionsPerInstanceProfile: "
                f"{ROLES_PER_INSTANCE_PROFILE}"
            )
        profile.roles.append(role.name)
        repository.save_instance_profile(txn, profile)

    ctx.write(write)
    return {}


def remove_role_from_instance_profile(ctx: IamContext, args: Args) -> dict[str, Any]:
    role_name: str = args["RoleName"]

    def write(txn: WriteTxn) -> None:
        profile = repository.get_instance_profile(txn, args["InstanceProfileName"])
        kept = [name for name in profile.roles if name.lower() != role_name.lower()]
        if len(kept) == len(profile.roles):
            raise NoSuchEntity(f"The role with name {role_name} cannot be found.")
        profile.roles = kept
        repository.save_instance_profile(txn, profile)

    ctx.write(write)
    return {}


def list_instance_profiles_for_role(ctx: IamContext, args: Args) -> dict[str, Any]:
    with ctx.read() as view:
        role = repository.get_role(view, args["RoleName"])
        found = repository.instance_profiles_of_role(view, role.name)
        chunk, paging = page(found, lambda p: p.key, args["Marker"], args["MaxItems"])
        return {"InstanceProfiles": [profile_view(view, p) for p in chunk], **paging}
