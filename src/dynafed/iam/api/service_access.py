"""ListPoliciesGrantingServiceAccess: which identity policies of a user (and its groups),
group or role have an Allow statement for each service namespace asked about (IAM API
reference). A statement grants a service when an `Action` pattern's service part matches
it (`*`, `dynamodb:*`, `dynamodb:Get*`, `dyn*:…`), or when its `NotAction` does not exclude
the whole service (`*` or `<service>:*`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from dynafed.core.wildcard import compile_glob
from dynafed.errors import NoSuchEntity
from dynafed.iam import repository
from dynafed.iam.api.context import IamContext
from dynafed.iam.api.inputs import Args
from dynafed.iam.models import Group
from dynafed.iam.policy_adapter import Effect, Policy, PolicyKind, compile_policy
from dynafed.storage.port import ReadView


@dataclass(frozen=True, slots=True)
class _Held:
    """A policy an entity holds, as the answer names it."""

    name: str
    arn: str | None
    entity_type: str
    entity_name: str
    policy: Policy

    def view(self) -> dict[str, Any]:
        return {
            "PolicyName": self.name,
            "PolicyType": "INLINE" if self.arn is None else "MANAGED",
            "PolicyArn": self.arn,
            "EntityType": self.entity_type,
            "EntityName": self.entity_name,
        }


def _vendor_matches(pattern: str, service: str) -> bool:
    vendor = pattern.split(":", 1)[0] if pattern != "*" else "*"
    return bool(compile_glob(vendor, ignore_case=True)(service.lower()))


def _excludes_service(pattern: str, service: str) -> bool:
    if pattern == "*":
        return True
    vendor, _, action = pattern.partition(":")
    return action == "*" and _vendor_matches(vendor, service)


def grants(policy: Policy, service: str) -> bool:
    for statement in policy.statements:
        if statement.effect is not Effect.ALLOW:
            continue
        patterns = statement.actions.patterns
        if statement.actions.negated:
            if not any(_excludes_service(p, service) for p in patterns):
                return True
        elif any(_vendor_matches(p, service) for p in patterns):
            return True
    return False


def _inline(policies: dict[str, str], entity_type: str, entity_name: str) -> Iterable[_Held]:
    for name, text in sorted(policies.items()):
        yield _Held(name, None, entity_type, entity_name, compile_policy(text, PolicyKind.IDENTITY))


def _managed(
    view: ReadView, arns: Iterable[str], entity_type: str, entity_name: str
) -> Iterable[_Held]:
    for arn in arns:
        found = repository.find_policy(view, arn)
        if found is not None:
            policy = compile_policy(found.default_version.document, PolicyKind.MANAGED)
            yield _Held(found.name, found.arn, entity_type, entity_name, policy)


def _group_policies(view: ReadView, group: Group) -> list[_Held]:
    return [
        *_inline(group.inline_policies, "GROUP", group.name),
        *_managed(view, group.attached_policy_arns, "GROUP", group.name),
    ]


def _held(view: ReadView, arn: str) -> list[_Held]:
    name = arn.rsplit("/", 1)[-1]
    if ":user/" in arn:
        user = repository.find_user(view, name)
        if user is not None and user.arn == arn:
            held = [
                *_inline(user.inline_policies, "USER", user.name),
                *_managed(view, user.attached_policy_arns, "USER", user.name),
            ]
            for group in filter(None, (repository.find_group(view, g) for g in user.groups)):
                held += _group_policies(view, group)
            return held
    elif ":group/" in arn:
        found = repository.find_group(view, name)
        if found is not None and found.arn == arn:
            return _group_policies(view, found)
    elif ":role/" in arn:
        role = repository.find_role(view, name)
        if role is not None and role.arn == arn:
            return [
                *_inline(role.inline_policies, "ROLE", role.name),
                *_managed(view, role.attached_policy_arns, "ROLE", role.name),
            ]
    raise NoSuchEntity(f"The entity {arn} cannot be found.")


def list_policies_granting_service_access(ctx: IamContext, args: Args) -> dict[str, Any]:
    with ctx.read() as view:
        held = _held(view, args["Arn"])
    return {
        "PoliciesGrantingServiceAccess": [
            {
                "ServiceNamespace": service,
                "Policies": [h.view() for h in held if grants(h.policy, service)],
            }
            for service in args["ServiceNamespaces"]
        ],
        "IsTruncated": False,
    }
