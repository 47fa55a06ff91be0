"""`dynafed apply` for instance profiles: created with their path, holding the declared
role (another role is taken out first; IAM allows one)."""

from __future__ import annotations

from functools import partial
from typing import Any

from dynafed.apply.changes import Change, Outcome, outcome
from dynafed.apply.members import get_or_none
from dynafed.apply.spec import InstanceProfileSpec

Client = Any  # a boto3 IAM client


def reconcile_instance_profile(iam: Client, spec: InstanceProfileSpec) -> Outcome:
    label = f"instance-profile {spec.name}"
    profile = {"InstanceProfileName": spec.name}
    current = get_or_none(iam.get_instance_profile, **profile)
    changes: list[Change] = []
    roles: list[str] = []
    if current is None:
        create = partial(iam.create_instance_profile, **profile, Path=spec.path)
        changes.append(Change("create", create))
    else:
        roles = [role["RoleName"] for role in current["InstanceProfile"]["Roles"]]
    for role in roles:
        if role != spec.role:
            remove = partial(iam.remove_role_from_instance_profile, **profile, RoleName=role)
            changes.append(Change(f"remove role {role}", remove))
    if spec.role is not None and spec.role not in roles:
        add = partial(iam.add_role_to_instance_profile, **profile, RoleName=spec.role)
        changes.append(Change(f"role {spec.role}", add))
    result = outcome(label, changes, exists=current is not None)
    if current is not None and current["InstanceProfile"]["Path"] != spec.path:
        path = current["InstanceProfile"]["Path"]
        result.notes.append(f"path is {path}; IAM cannot move an instance profile")
    return result
