"""GetContextKeysForCustomPolicy and GetContextKeysForPrincipalPolicy: the context keys the
policies reference — condition keys and policy variables, as the policies spell them, each
once (IAM API reference: what a simulation needs values for)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from dynafed.iam.api.context import IamContext
from dynafed.iam.api.inputs import Args
from dynafed.iam.policy_adapter import Policy, PolicyKind, compile_policy
from dynafed.iam.simulator.principal_sources import principal_policies


def _keys(policy: Policy) -> Iterable[tuple[str, str]]:
    """(lower-cased, as written) of every key a statement references."""
    for statement in policy.statements:
        for entry in statement.conditions:
            yield entry.key_lower, entry.key
            for variable in entry.variables:
                yield variable.key, variable.written
        if statement.resources is not None:
            for template in statement.resources.templated:
                for variable in template.variables:
                    yield variable.key, variable.written


def context_key_names(policies: Iterable[Policy]) -> list[str]:
    found: dict[str, str] = {}
    for policy in policies:
        for lower, written in _keys(policy):
            found.setdefault(lower, written)
    return list(found.values())


def _inputs(args: Args) -> list[Policy]:
    return [compile_policy(text, PolicyKind.IDENTITY) for text in args["PolicyInputList"] or []]


def get_context_keys_for_custom_policy(ctx: IamContext, args: Args) -> dict[str, Any]:
    return {"ContextKeyNames": context_key_names(_inputs(args))}


def get_context_keys_for_principal_policy(ctx: IamContext, args: Args) -> dict[str, Any]:
    """The role's, user's (with its groups') or group's policies and boundary, then any
    `PolicyInputList`."""
    with ctx.read() as view:
        found = principal_policies(view, args["PolicySourceArn"])
    sources = [*found.identity, *([found.boundary] if found.boundary else [])]
    compiled = [compile_policy(source.text, source.kind) for source in sources]
    return {"ContextKeyNames": context_key_names([*compiled, *_inputs(args)])}
