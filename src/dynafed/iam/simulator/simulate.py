"""The policy simulator: SimulateCustomPolicy and SimulatePrincipalPolicy.

One `EvaluationResult` per (action, resource) pair, resources defaulting to `*`
(SimulateCustomPolicy API reference). Each result names the statements that decided it
with their positions in the policy text, the context keys the policies reference but the
request did not supply, and, when a permissions boundary takes part, whether it allowed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from dynafed.core.query_results import XmlMap
from dynafed.errors import InvalidInput
from dynafed.iam.api.context import IamContext
from dynafed.iam.api.inputs import Args
from dynafed.iam.api.pagination import page
from dynafed.iam.policy_adapter import (
    EvalDecision,
    NamedPolicy,
    PolicyKind,
    PolicySet,
    PolicyType,
    Request,
    RequestPrincipal,
    Simulation,
    StatementRef,
    compile_policy,
    simulate,
)
from dynafed.iam.simulator.context_entries import context_from_entries
from dynafed.iam.simulator.principal_sources import SourcePolicy, principal_policies
from dynafed.iam.simulator.statement_positions import statement_positions


@dataclass(frozen=True, slots=True)
class Scenario:
    identity: tuple[SourcePolicy, ...]
    boundary: SourcePolicy | None
    resource_policy: SourcePolicy | None
    principal: RequestPrincipal | None


def _named(policy: SourcePolicy, key: str) -> NamedPolicy:
    return NamedPolicy(key, compile_policy(policy.text, policy.kind))


def _inputs(texts: Sequence[str] | None, label: str, kind: PolicyKind) -> list[SourcePolicy]:
    return [
        SourcePolicy(f"{label}.{index}", None, text, kind)
        for index, text in enumerate(texts or [], start=1)
    ]


def _boundary_input(args: Args) -> SourcePolicy | None:
    boundaries = _inputs(
        args["PermissionsBoundaryPolicyInputList"],
        "PermissionsBoundaryPolicyInputList",
        PolicyKind.BOUNDARY,
    )
    if len(boundaries) > 1:
        raise InvalidInput("Only one permissions boundary policy can be simulated at a time.")
    return boundaries[0] if boundaries else None


def _resource_input(args: Args) -> SourcePolicy | None:
    text = args["ResourcePolicy"]
    if text is None:
        return None
    return SourcePolicy("ResourcePolicy", "resource", text, PolicyKind.RESOURCE)


def _caller(args: Args) -> RequestPrincipal | None:
    caller = args["CallerArn"]
    return RequestPrincipal(caller) if caller else None


def _positions(policy: SourcePolicy, index: int) -> dict[str, Any]:
    spans = statement_positions(policy.text)
    if index >= len(spans):
        return {}
    start, end = spans[index]
    return {
        "StartPosition": {"Line": start.line, "Column": start.column},
        "EndPosition": {"Line": end.line, "Column": end.column},
    }


def _matched_view(ref: StatementRef, sources: dict[str, SourcePolicy]) -> dict[str, Any]:
    source = sources[ref.policy_id]
    return {
        "SourcePolicyId": source.policy_id,
        "SourcePolicyType": source.source_type,
        **_positions(source, ref.index),
    }


def _deciding(simulation: Simulation, policies: PolicySet) -> list[StatementRef]:
    """Explicit deny: the applicable Deny statements; otherwise every applicable one."""
    if simulation.decision.decision is not EvalDecision.EXPLICIT_DENY:
        return list(simulation.matched_statements)
    denies = {sourced.ref for sourced in policies.denies}
    return [ref for ref in simulation.matched_statements if ref in denies]


def _boundary_allows(simulation: Simulation, policies: PolicySet) -> bool:
    denies = {sourced.ref for sourced in policies.denies}
    boundary_refs = [
        ref for ref in simulation.matched_statements if ref.policy_type is PolicyType.BOUNDARY
    ]
    return bool(boundary_refs) and not any(ref in denies for ref in boundary_refs)


def _evaluate(
    scenario: Scenario, action: str, resource: str, context: dict[str, list[str]]
) -> dict[str, Any]:
    # Engine-side ids are positions, so two policies with one name stay apart.
    identity = {f"identity.{i}": p for i, p in enumerate(scenario.identity)}
    sources = dict(identity)
    if scenario.boundary is not None:
        sources["boundary"] = scenario.boundary
    if scenario.resource_policy is not None:
        sources["resource"] = scenario.resource_policy
    policies = PolicySet(
        identity=tuple(_named(p, key) for key, p in identity.items()),
        boundary=_named(scenario.boundary, "boundary") if scenario.boundary else None,
        resource=(
            (_named(scenario.resource_policy, "resource"),) if scenario.resource_policy else ()
        ),
    )
    request = Request(action, resource, context, scenario.principal)
    simulation = simulate(policies, request)
    result: dict[str, Any] = {
        "EvalActionName": action,
        "EvalResourceName": resource,
        "EvalDecision": simulation.decision.decision.value,
        "MatchedStatements": [_matched_view(r, sources) for r in _deciding(simulation, policies)],
        "MissingContextValues": list(simulation.missing_context_values),
    }
    if resource != "*":
        result["EvalDecisionDetails"] = XmlMap()
    if scenario.boundary is not None:
        result["PermissionsBoundaryDecisionDetail"] = {
            "AllowedByPermissionsBoundary": _boundary_allows(simulation, policies)
        }
    return result


def _run(scenario: Scenario, args: Args) -> dict[str, Any]:
    # Compile every document once up front so a malformed one fails the whole call.
    for policy in (*scenario.identity, scenario.boundary, scenario.resource_policy):
        if policy is not None:
            compile_policy(policy.text, policy.kind)
    context = context_from_entries(args["ContextEntries"])
    resources = args["ResourceArns"] or ["*"]
    pairs = [(action, resource) for action in args["ActionNames"] for resource in resources]
    keyed = [(f"{index:06d}", pair) for index, pair in enumerate(pairs)]
    chunk, paging = page(keyed, lambda item: item[0], args["Marker"], args["MaxItems"])
    results = [_evaluate(scenario, action, resource, context) for _, (action, resource) in chunk]
    return {"EvaluationResults": results, **paging}


def simulate_custom_policy(ctx: IamContext, args: Args) -> dict[str, Any]:
    scenario = Scenario(
        identity=tuple(_inputs(args["PolicyInputList"], "PolicyInputList", PolicyKind.IDENTITY)),
        boundary=_boundary_input(args),
        resource_policy=_resource_input(args),
        principal=_caller(args),
    )
    return _run(scenario, args)


def simulate_principal_policy(ctx: IamContext, args: Args) -> dict[str, Any]:
    """A role's, user's or group's own policies (a user's with its groups'), plus any
    `PolicyInputList`; `PermissionsBoundaryPolicyInputList` replaces the boundary."""
    with ctx.read() as view:
        found = principal_policies(view, args["PolicySourceArn"])
    extra = _inputs(args["PolicyInputList"], "PolicyInputList", PolicyKind.IDENTITY)
    scenario = Scenario(
        identity=(*found.identity, *extra),
        boundary=_boundary_input(args) or found.boundary,
        resource_policy=_resource_input(args),
        principal=_caller(args) or found.principal,
    )
    return _run(scenario, args)
