"""Tag/Untag/List…Tags for managed policies, OpenID Connect and SAML providers and instance
profiles: one set of three use cases over "read the entity, change its tags, save it", the
same tag rules as roles and users (`tags.py`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, Protocol, TypeVar

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
from dynafed.iam.models import Tags
from dynafed.storage.port import ReadView, WriteTxn

UseCase = Callable[[IamContext, Args], dict[str, Any]]


class Tagged(Protocol):
    tags: Tags


E = TypeVar("E", bound=Tagged)


@dataclass(frozen=True, slots=True)
class TaggedKind(Generic[E]):
    name_arg: str
    """The parameter naming the entity (`PolicyArn`, `InstanceProfileName`, …)."""
    get: Callable[[ReadView, str], E]
    save: Callable[[WriteTxn, E], None]
    case_insensitive_keys: bool = True


def tag(kind: TaggedKind[E]) -> UseCase:
    def use_case(ctx: IamContext, args: Args) -> dict[str, Any]:
        added = tags_from_args(args["Tags"])
        reject_duplicate_keys(added, case_insensitive=kind.case_insensitive_keys)

        def write(txn: WriteTxn) -> None:
            entity = kind.get(txn, args[kind.name_arg])
            entity.tags = with_tags(entity.tags, added)
            kind.save(txn, entity)

        ctx.write(write)
        return {}

    return use_case


def untag(kind: TaggedKind[E]) -> UseCase:
    def use_case(ctx: IamContext, args: Args) -> dict[str, Any]:
        def write(txn: WriteTxn) -> None:
            entity = kind.get(txn, args[kind.name_arg])
            entity.tags = without_tags(entity.tags, args["TagKeys"])
            kind.save(txn, entity)

        ctx.write(write)
        return {}

    return use_case


def list_tags(kind: TaggedKind[E]) -> UseCase:
    def use_case(ctx: IamContext, args: Args) -> dict[str, Any]:
        with ctx.read() as view:
            entity = kind.get(view, args[kind.name_arg])
        return tags_page(entity.tags, args)

    return use_case


POLICY = TaggedKind(
    "PolicyArn", repository.get_policy, repository.save_policy, case_insensitive_keys=False
)
OIDC_PROVIDER = TaggedKind(
    "OpenIDConnectProviderArn", repository.get_oidc_provider, repository.save_oidc_provider
)
SAML_PROVIDER = TaggedKind(
    "SAMLProviderArn", repository.get_saml_provider, repository.save_saml_provider
)
INSTANCE_PROFILE = TaggedKind(
    "InstanceProfileName", repository.get_instance_profile, repository.save_instance_profile
)
