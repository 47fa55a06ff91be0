"""AWS managed policies (`arn:aws:iam::aws:policy/<name>`): the published documents of the
policies for the services dynafed serves, shipped as data (`aws_managed_policies.json`, each
policy's default version as AWS's managed-policy reference lists it).

They exist in every account without being created, can be attached to users, groups and
roles and used as permissions boundaries or managed session policies, and cannot be
changed or deleted. Only their per-account usage counts are stored
(`AWS_POLICY_USAGE_KIND`, keyed by policy name), so attaching one is an ordinary write.
"""

from __future__ import annotations

import json
from datetime import datetime
from functools import cache
from importlib import resources
from typing import Any

from dynafed.iam.models import ManagedPolicy, PolicyVersion

AWS_POLICY_PREFIX = "arn:aws:iam::aws:policy"
AWS_POLICY_USAGE_KIND = "iam-aws-policy-usage"
_DATA_FILE = "aws_managed_policies.json"


def is_aws_managed(arn: str) -> bool:
    return arn.startswith(AWS_POLICY_PREFIX + "/")


def _epoch(text: str) -> float:
    return datetime.fromisoformat(text).timestamp()


def _policy(entry: dict[str, Any]) -> ManagedPolicy:
    name = entry["PolicyName"]
    path = entry["Path"]
    updated = _epoch(entry["UpdateDate"])
    version = PolicyVersion(entry["DefaultVersionId"], json.dumps(entry["Document"]), updated)
    return ManagedPolicy(
        name=name,
        path=path,
        policy_id=entry["PolicyId"],
        arn=f"{AWS_POLICY_PREFIX}{path}{name}",
        created_at=_epoch(entry["CreateDate"]),
        updated_at=updated,
        default_version_id=version.version_id,
        versions=[version],
        next_version_number=0,
        description=entry["Description"],
    )


@cache
def _catalogue() -> dict[str, dict[str, Any]]:
    text = resources.files("dynafed.iam").joinpath(_DATA_FILE).read_text(encoding="utf-8")
    return {entry["PolicyName"]: entry for entry in json.loads(text)}


def aws_managed_policy(arn: str, usage: dict[str, Any] | None = None) -> ManagedPolicy | None:
    """The AWS managed policy with exactly this ARN, with the account's `usage` counts."""
    if not is_aws_managed(arn):
        return None
    entry = _catalogue().get(arn.rsplit("/", 1)[-1])
    if entry is None:
        return None
    policy = _policy(entry)
    if policy.arn != arn:
        return None
    if usage is not None:
        policy.attachment_count = int(usage.get("attachment_count", 0))
        policy.boundary_usage_count = int(usage.get("boundary_usage_count", 0))
    return policy


def aws_managed_names() -> list[str]:
    return sorted(_catalogue())


def usage_document(policy: ManagedPolicy) -> dict[str, Any]:
    return {
        "attachment_count": policy.attachment_count,
        "boundary_usage_count": policy.boundary_usage_count,
    }
