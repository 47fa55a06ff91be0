"""Whether a role's trust policy lets this caller assume it.

The trust policy is the role's resource-based policy (iam-fgac.md §2.2): it is evaluated
with the caller as principal, for every action the call implies — its own
(`sts:AssumeRoleWithWebIdentity`, `sts:AssumeRoleWithSAML` or `sts:AssumeRole`), plus
`sts:TagSession` when session tags are passed and `sts:SetSourceIdentity` when a source
identity is set ("Passing session tags in AWS STS", id_session-tags.html; "Monitor and
control actions taken with assumed roles", id_credentials_temp_control-access_monitor.html).
Every one must be allowed.

Federated callers (web identity, SAML) have no policies of their own, so only the trust
policy speaks for them. A signed caller (AssumeRole) brings its own permissions: a trust
statement naming only the caller's account delegates to them, as AWS does. Unlike other
resource-based policies, a trust policy must always name the caller somehow: an identity
policy that allows `sts:AssumeRole` on a role whose trust policy names someone else does
not let the caller in ("How IAM roles differ from resource-based policies", IAM User Guide,
id_roles_compare-resource-policies.html).

A missing role is denied with the same error as a refused trust policy, so callers cannot
probe which roles exist (sts-identity.md §1.5).

Roles are read through `TrustedRoles`, which keeps each role with its trust policy compiled
and prepared (`policy.prepared`): a steady stream of federated callers reads no storage and
evaluates the trust policy once per distinct value of the keys it reads. What it keeps is
refreshed within the IAM cache bound (`DYNAFED_IAM_CACHE_SECONDS`, the bound of the role
cache of DynamoDB requests), and at once after an IAM change made through this node.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from dynafed.core.clock import Clock
from dynafed.core.node_cache import NodeCache
from dynafed.errors import AccessDenied
from dynafed.iam.lookup import RoleAuthorization, get_role_by_arn
from dynafed.policy import (
    Decision,
    Effect,
    NamedPolicy,
    Policy,
    PolicyKind,
    PolicySet,
    Request,
    RequestPrincipal,
    evaluate,
)
from dynafed.policy.evaluate import statement_applies
from dynafed.policy.prepared import PreparedPolicySet
from dynafed.storage.port import Storage

ParsePolicy = Callable[[str, PolicyKind], Policy]

TAG_SESSION = "sts:TagSession"
SET_SOURCE_IDENTITY = "sts:SetSourceIdentity"
TRUST_POLICY_ID = "trust-policy"


class TrustRefused(AccessDenied):
    """AccessDenied from a trust check, carrying the decision for the audit log (None when
    the role does not exist or the caller has no permissions at all)."""

    def __init__(self, message: str, decision: Decision | None = None) -> None:
        super().__init__(message)
        self.decision = decision


@dataclass(frozen=True, slots=True)
class TrustRequest:
    principal: RequestPrincipal
    actions: tuple[str, ...]
    """The assume action first, then `sts:TagSession` / `sts:SetSourceIdentity` if implied."""
    context: dict[str, list[str]]
    denied_message: str
    """What a refusal (or a missing role) says, worded per API."""
    caller_policies: PolicySet | None = None
    """The caller's own permissions (signed AssumeRole); None for federated callers."""
    refused: bool = field(default=False)
    """True when the caller is known to have no permissions at all (deleted role)."""


def implied_actions(assume_action: str, *, tags: bool, source_identity: bool) -> tuple[str, ...]:
    extra = (TAG_SESSION,) * tags + (SET_SOURCE_IDENTITY,) * source_identity
    return (assume_action, *extra)


@dataclass(frozen=True, slots=True)
class TrustedRole:
    """A role as STS reads it, its trust policy compiled once."""

    role: RoleAuthorization
    trust_policy: Policy
    federated: PreparedPolicySet
    """The trust policy alone, as federated callers (who have no policies) meet it."""


def trusted_role(role: RoleAuthorization, parse: ParsePolicy) -> TrustedRole:
    trust_policy = parse(role.trust_policy, PolicyKind.TRUST)
    return TrustedRole(role, trust_policy, PreparedPolicySet(_policy_set(trust_policy, None)))


class TrustedRoles:
    """The roles STS is asked to assume, by ARN (None: no such role), each read once and kept
    for `ttl` seconds (0: read on every request)."""

    def __init__(self, storage: Storage, clock: Clock, parse: ParsePolicy, ttl: float = 0.0):
        self._storage = storage
        self._parse = parse
        self._kept = NodeCache(self._read, clock, ttl)

    def get(self, arn: str) -> TrustedRole | None:
        return self._kept.get(arn)

    def changed(self) -> None:
        """IAM data was written through this node: read every role again."""
        self._kept.changed()

    def _read(self, arn: str) -> TrustedRole | None:
        with self._storage.read() as view:
            role = get_role_by_arn(view, arn)
        return trusted_role(role, self._parse) if role is not None else None


def check_trust(trusted: TrustedRole | None, trust: TrustRequest) -> list[Decision]:
    """The allowing decisions, one per action; raise TrustRefused otherwise."""
    if trusted is None or trust.refused:
        raise TrustRefused(trust.denied_message)
    decisions = []
    for action in trust.actions:
        decision = _decide(trusted, trust, action)
        if not decision.allowed:
            raise TrustRefused(trust.denied_message, decision)
        decisions.append(decision)
    return decisions


def _decide(trusted: TrustedRole, trust: TrustRequest, action: str) -> Decision:
    arn = trusted.role.arn
    if trust.caller_policies is None:
        # Only the trust policy speaks, so an Allow is one of its statements applying to
        # the caller: it names the caller.
        return trusted.federated.decide(action, arn, trust.context, trust.principal)
    request = Request(action, arn, trust.context, trust.principal)
    decision = evaluate(_policy_set(trusted.trust_policy, trust.caller_policies), request)
    if decision.allowed and not _names_the_caller(trusted.trust_policy, request):
        raise TrustRefused(trust.denied_message)
    return decision


def _names_the_caller(trust_policy: Policy, request: Request) -> bool:
    """Some Allow statement of the trust policy applies to this caller (by its own name, its
    role, its provider or its account)."""
    return any(
        statement.effect is Effect.ALLOW and statement_applies(statement, request)
        for statement in trust_policy.statements
    )


def _policy_set(trust_policy: Policy, caller: PolicySet | None) -> PolicySet:
    trust = (NamedPolicy(TRUST_POLICY_ID, trust_policy),)
    if caller is None:
        return PolicySet(resource=trust)
    return PolicySet(
        identity=caller.identity, boundary=caller.boundary, session=caller.session, resource=trust
    )
