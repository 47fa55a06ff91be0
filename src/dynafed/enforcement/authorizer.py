"""The authorizer each request gets, by who signed it.

Admin (long-term) credentials may do everything. An IAM user's access key is evaluated
against the user's policies and its groups' (identity) ∩ its permissions boundary. A role
session is evaluated by the policy
engine for every `AuthorizationRequest` the service asks about: the role's identity
policies ∩ permissions boundary ∩ session policies, with the session's global keys
(`context`), the request time and the service's own keys (`dynamodb:LeadingKeys`, ...). The
first denied request raises DynamoDB's `AccessDeniedException` with AWS's message naming the
session ARN, the action, the resource and the reason (iam-fgac.md §6.1); services ask before
they write, so a denied request changes nothing.

A session whose role no longer exists (by its unique role id) is denied everything, as is
one whose policies cannot be compiled (fail closed: iam-fgac.md §2.2, "If evaluation hits
an internal error").
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Hashable, Sequence

from dynafed import metrics
from dynafed.auth.principal import Principal, SessionContext, SessionKind, UserContext
from dynafed.core.authorization import AuthorizationRequest, Authorizer
from dynafed.core.clock import Clock
from dynafed.enforcement.audit import AuditSink, decision_event
from dynafed.enforcement.context import (
    ContextKeys,
    RequestFacts,
    federated_user_keys,
    request_principal,
    session_keys,
    time_keys,
    user_keys,
)
from dynafed.enforcement.context import request_keys as request_keys_of
from dynafed.enforcement.policy_cache import CompiledPolicies
from dynafed.enforcement.policy_sets import (
    federated_policy_set,
    session_policy_set,
    user_policies,
)
from dynafed.enforcement.role_cache import BuiltAuthorizer, RoleCache, RoleEntry
from dynafed.enforcement.user_cache import UserCache, UserEntry
from dynafed.errors import AccessDeniedException, AwsError
from dynafed.policy import (
    Decision,
    EvalDecision,
    NamedPolicy,
    PolicyKind,
    PolicySet,
    PolicyType,
    Request,
    access_denied_message,
    evaluate,
    parse_policy,
)
from dynafed.policy.request import normalize_context

log = logging.getLogger(__name__)

_NOTHING_ALLOWS = Decision(EvalDecision.IMPLICIT_DENY, PolicyType.IDENTITY, None)
_NO_RESOURCE_POLICY = Decision(EvalDecision.IMPLICIT_DENY, PolicyType.RESOURCE, None)
"""Access to another account's resource needs that resource's policy to allow it; this
server holds one account, so no such policy exists here."""


def in_another_account(resource: str, account_id: str) -> bool:
    """Whether `resource` is an ARN naming an account other than `account_id` (IAM: a
    cross-account request is allowed only if a resource-based policy of the resource's
    account allows it too). AWS-owned ARNs (`arn:aws:iam::aws:policy/...`) and ARNs without
    an account are nobody else's."""
    if not resource.startswith("arn:"):
        return False
    fields = resource.split(":", 5)
    return len(fields) > 4 and fields[4] not in ("", "aws", account_id)


def _cross_account_denial(
    principal: Principal, asked: AuthorizationRequest
) -> AccessDeniedException:
    return AccessDeniedException(
        access_denied_message(
            _NO_RESOURCE_POLICY,
            principal_arn=principal.arn,
            action=asked.action,
            resource=asked.resource,
        )
    )


_ADMIN_POLICY = NamedPolicy(
    "admin-credentials",
    parse_policy(
        json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}],
            }
        ),
        PolicyKind.IDENTITY,
    ),
)
ADMIN_POLICIES = PolicySet(identity=(_ADMIN_POLICY,))
"""What admin credentials may do, as a policy set (used when STS evaluates an AssumeRole)."""


NormalizedKeys = dict[str, tuple[str, ...]]
"""Condition keys as the engine stores them: lower-cased names, tuples of values."""

_REQUEST_KEYS_CACHE_SIZE = 4096
_DECISIONS_PER_CONTEXT = 1024


def _decision_key(asked: AuthorizationRequest) -> Hashable:
    """Everything of `asked` a decision depends on, hashable (values keep their order)."""
    keys = asked.condition_keys
    return (
        asked.action,
        asked.resource,
        tuple(zip(keys, map(tuple, keys.values()), strict=True)) if keys else (),
    )


class TimeKeys:
    """`aws:CurrentTime` / `aws:EpochTime` now, formatted once per second (the text changes
    no more often than that)."""

    def __init__(self, clock: Clock) -> None:
        self._clock = clock
        self._cached: tuple[int, NormalizedKeys] = (-1, {})

    def __call__(self) -> NormalizedKeys:
        now = self._clock.now()
        second, keys = self._cached
        if int(now) != second:
            keys = normalize_context(time_keys(now))
            self._cached = (int(now), keys)
        return keys


class SessionAuthorizer:
    def __init__(
        self,
        principal: Principal,
        policies: PolicySet | None,
        context: ContextKeys,
        now_keys: Callable[[], NormalizedKeys],
        audit: AuditSink | None,
    ) -> None:
        self.principal = principal
        self._caller = request_principal(principal)
        self._policies = policies
        self._context = normalize_context(context)
        """Normalized once: the session's keys are the same for all its requests."""
        self._now_keys = now_keys
        self._audit = audit
        self._merged: tuple[NormalizedKeys, NormalizedKeys | None, NormalizedKeys] | None = None
        """(time keys, request keys, the session's keys with both merged in): requests in
        the same second from the same client share the merged context."""
        self._decisions: tuple[NormalizedKeys, dict[Hashable, Decision]] | None = None
        """Decisions made against one merged context (see `_decide`)."""

    def for_request(self, request_keys: NormalizedKeys) -> Authorizer:
        """This session's authorizer for one request that arrived as `request_keys` say."""
        return _SessionRequestAuthorizer(self, request_keys)

    def authorize(
        self, requests: Sequence[AuthorizationRequest], request_keys: NormalizedKeys | None = None
    ) -> None:
        base = self._base_context(request_keys)
        for asked in requests:
            decision = self._decide(asked, base)
            (metrics.DECISIONS_ALLOWED if decision.allowed else metrics.DECISIONS_DENIED).inc()
            if self._audit is not None:
                self._audit(
                    decision_event(
                        decision,
                        principal=self.principal.arn,
                        action=asked.action,
                        resource=asked.resource,
                    )
                )
            if not decision.allowed:
                raise AccessDeniedException(
                    access_denied_message(
                        decision,
                        principal_arn=self.principal.arn,
                        action=asked.action,
                        resource=asked.resource,
                    )
                )

    def _base_context(self, request_keys: NormalizedKeys | None) -> NormalizedKeys:
        """The session's keys, then the time keys, then how the request arrived (later keys
        win). The time keys change once a second and the request keys come from a cache
        (`Authorizers`), so comparing identities finds a merge already made."""
        now_keys = self._now_keys()
        merged = self._merged
        if merged is not None and merged[0] is now_keys and merged[1] is request_keys:
            return merged[2]
        base = {**self._context, **now_keys, **(request_keys or {})}
        self._merged = (now_keys, request_keys, base)
        return base

    def _decide(self, asked: AuthorizationRequest, base: NormalizedKeys) -> Decision:
        """The decision for `asked`, remembered for the life of `base`: evaluation is a pure
        function of the policies (fixed for this session), the action, the resource and the
        context, and `base` is never modified, so a session repeating a request (its own
        partition, the same attributes) within the second reuses the decision."""
        if self._policies is None:
            return _NOTHING_ALLOWS
        decisions = self._decisions
        if decisions is None or decisions[0] is not base:
            decisions = self._decisions = (base, {})
        key = _decision_key(asked)
        decision = decisions[1].get(key)
        if decision is None:
            decision = self._evaluate(asked, base)
            if len(decisions[1]) < _DECISIONS_PER_CONTEXT:
                decisions[1][key] = decision
        return decision

    def _evaluate(self, asked: AuthorizationRequest, base: NormalizedKeys) -> Decision:
        assert self._policies is not None
        if in_another_account(asked.resource, self.principal.account_id):
            return _NO_RESOURCE_POLICY
        # Only the request's own keys need normalizing; the others already are, so the
        # request is built from the merged context as the engine stores it
        # (`Request.prepared` skips normalizing it again). The engine never modifies it.
        context = {**base, **normalize_context(asked.condition_keys)}
        request = Request.prepared(asked.action, asked.resource, context, self._caller)
        return evaluate(self._policies, request)


class _SessionRequestAuthorizer:
    """A cached session authorizer bound to the facts of the request being served."""

    def __init__(self, session: SessionAuthorizer, request_keys: NormalizedKeys) -> None:
        self._session = session
        self._request_keys = request_keys

    def authorize(self, requests: Sequence[AuthorizationRequest]) -> None:
        self._session.authorize(requests, self._request_keys)


class AdminAuthorizer:
    """Admin credentials: everything in the account is allowed; another account's resources
    are not (`in_another_account`)."""

    __slots__ = ("_principal",)

    def __init__(self, principal: Principal) -> None:
        self._principal = principal

    def authorize(self, requests: Sequence[AuthorizationRequest]) -> None:
        account_id = self._principal.account_id
        for asked in requests:
            if in_another_account(asked.resource, account_id):
                raise _cross_account_denial(self._principal, asked)


class AuditedAllowAll:
    """Admin credentials with the audit log on: as `AdminAuthorizer`, and recorded."""

    def __init__(self, principal: Principal, audit: AuditSink) -> None:
        self._principal = principal
        self._audit = audit

    def authorize(self, requests: Sequence[AuthorizationRequest]) -> None:
        for asked in requests:
            foreign = in_another_account(asked.resource, self._principal.account_id)
            self._audit(
                {
                    "event": "authorization",
                    "principal": self._principal.arn,
                    "action": asked.action,
                    "resource": asked.resource,
                    "decision": "Deny" if foreign else "Allow",
                    "reason": "another account's resource" if foreign else "admin credentials",
                }
            )
            if foreign:
                raise _cross_account_denial(self._principal, asked)


class Authorizers:
    """`authorizer_for(principal)` for the HTTP edge, and the caller's policies for STS."""

    def __init__(
        self,
        roles: RoleCache,
        compiled: CompiledPolicies,
        clock: Clock,
        facts: RequestFacts,
        audit: AuditSink | None = None,
        users: UserCache | None = None,
    ) -> None:
        self._roles = roles
        self._users = users
        self._compiled = compiled
        self._clock = clock
        self._facts = facts
        self._audit = audit
        self._time_keys = TimeKeys(clock)
        self._request_keys: dict[RequestFacts, NormalizedKeys] = {}
        """Normalized `request_keys` by the facts they come from: one client sends the same
        facts (address, agent, region) with every request."""
        self._account_federations: dict[str, BuiltAuthorizer] = {}
        """Authorizers of federated users the account's own credentials minted, by key."""

    def __call__(self, principal: Principal, facts: RequestFacts | None = None) -> Authorizer:
        """The authorizer for one request; `facts` say how it arrived (address, agent,
        region) and default to the server's own."""
        if principal.user is not None:
            return self._user_authorizer(principal, principal.user, facts)
        session = principal.session
        if session is None or principal.is_admin:
            if self._audit is not None:
                return AuditedAllowAll(principal, self._audit)
            return AdminAuthorizer(principal)
        if session.kind is SessionKind.FEDERATED_USER:
            return self._federated_authorizer(principal, session, facts)
        entry = self._roles.role(session.role_arn, session.role_id)
        # The authenticator hands out one Principal object per open session token, so the
        # authorizer built for it (policies and global keys) serves its later requests too,
        # until the role data is re-read.
        cached = entry.authorizers.get(principal.access_key_id)
        request_keys = self._normalized_request_keys(facts or self._facts)
        if isinstance(cached, SessionAuthorizer) and cached.principal is principal:
            return cached.for_request(request_keys)
        authorizer = SessionAuthorizer(
            principal,
            self._policy_set(entry, session),
            self._context(principal, session, entry),
            self._time_keys,
            self._audit,
        )
        entry.authorizers[principal.access_key_id] = authorizer
        return authorizer.for_request(request_keys)

    def _user_authorizer(
        self, principal: Principal, user: UserContext, facts: RequestFacts | None
    ) -> Authorizer:
        """An IAM user's authorizer, built once per resolved key and user data read (the
        user-key resolver hands out one Principal per key for its TTL)."""
        request_keys = self._normalized_request_keys(facts or self._facts)
        if self._users is None:
            return SessionAuthorizer(principal, None, {}, self._time_keys, self._audit).for_request(
                request_keys
            )
        entry = self._users.user(user.name, user.user_id)
        cached = entry.authorizers.get(principal.access_key_id)
        if isinstance(cached, SessionAuthorizer) and cached.principal is principal:
            return cached.for_request(request_keys)
        authorizer = SessionAuthorizer(
            principal,
            self._user_policy_set(entry, user),
            self._user_context(principal, user, entry),
            self._time_keys,
            self._audit,
        )
        entry.authorizers[principal.access_key_id] = authorizer
        return authorizer.for_request(request_keys)

    def _federated_authorizer(
        self, principal: Principal, session: SessionContext, facts: RequestFacts | None
    ) -> Authorizer:
        """A GetFederationToken session's authorizer: its user's policies (the account's,
        when the admin key minted it) ∩ its session policies, built once per session."""
        request_keys = self._normalized_request_keys(facts or self._facts)
        user = session.user
        entry = None
        if user is None:
            authorizers = self._account_federations
        elif self._users is not None:
            entry = self._users.user(user.name, user.user_id)
            authorizers = entry.authorizers
        else:
            authorizers = {}
        cached = authorizers.get(principal.access_key_id)
        if isinstance(cached, SessionAuthorizer) and cached.principal is principal:
            return cached.for_request(request_keys)
        if user is None:
            caller: PolicySet | None = ADMIN_POLICIES
        else:
            caller = self._user_policy_set(entry, user) if entry is not None else None
        tags = entry.user.tags if entry is not None and entry.user is not None else ()
        authorizer = SessionAuthorizer(
            principal,
            self._federated_policies(caller, session),
            federated_user_keys(principal, session, tags),
            self._time_keys,
            self._audit,
        )
        if len(authorizers) >= _REQUEST_KEYS_CACHE_SIZE:
            authorizers.clear()
        authorizers[principal.access_key_id] = authorizer
        return authorizer.for_request(request_keys)

    def _federated_policies(
        self, caller: PolicySet | None, session: SessionContext
    ) -> PolicySet | None:
        if caller is None:
            return None
        try:
            return federated_policy_set(
                caller,
                session.session_policies,
                session.policy_arns,
                self._compiled.get,
                self._roles.managed_policy,
            )
        except AwsError:
            log.exception("the session policies of %s do not compile; denying", session.user)
            return None

    def _user_entry(self, user: UserContext) -> UserEntry | None:
        return self._users.user(user.name, user.user_id) if self._users is not None else None

    def _user_context(
        self, principal: Principal, user: UserContext, entry: UserEntry
    ) -> ContextKeys:
        tags = entry.user.tags if entry.user is not None else ()
        return user_keys(principal, user, tags)

    def _user_policy_set(self, entry: UserEntry, user: UserContext) -> PolicySet | None:
        if entry.user is None or entry.user.user_id != user.user_id:
            return None  # deleted, or re-created: another user
        if not entry.built:
            try:
                entry.policy_set = user_policies(entry.user, self._compiled.get)
            except AwsError:
                log.exception("the policies of %s do not compile; denying", entry.user.arn)
                entry.policy_set = None
            entry.built = True
        return entry.policy_set

    def _normalized_request_keys(self, facts: RequestFacts) -> NormalizedKeys:
        keys = self._request_keys.get(facts)
        if keys is None:
            if len(self._request_keys) >= _REQUEST_KEYS_CACHE_SIZE:
                self._request_keys.clear()
            keys = self._request_keys[facts] = normalize_context(request_keys_of(facts))
        return keys

    def policies(self, caller: Principal) -> PolicySet | None:
        """The caller's permissions (None: nothing is allowed)."""
        if caller.user is not None:
            found = self._user_entry(caller.user)
            return self._user_policy_set(found, caller.user) if found is not None else None
        if caller.session is None or caller.is_admin:
            return ADMIN_POLICIES
        if not caller.session.is_role_session:
            return None  # a federated user may call no STS action but GetCallerIdentity
        return self._policy_set(
            self._roles.role(caller.session.role_arn, caller.session.role_id), caller.session
        )

    def context(self, caller: Principal) -> ContextKeys:
        """The caller's global condition keys, current time included."""
        keys = time_keys(self._clock.now())
        if caller.user is not None:
            found = self._user_entry(caller.user)
            tags = found.user.tags if found is not None and found.user is not None else ()
            return {
                **user_keys(caller, caller.user, tags),
                **request_keys_of(self._facts),
                **keys,
            }
        if caller.session is not None and caller.session.kind is SessionKind.FEDERATED_USER:
            return {
                **federated_user_keys(caller, caller.session, ()),
                **request_keys_of(self._facts),
                **keys,
            }
        if caller.session is None or caller.is_admin:
            keys.update(
                {
                    "aws:userid": [caller.user_id],
                    "aws:PrincipalArn": [caller.arn],
                    "aws:PrincipalType": ["Account"],
                    "aws:PrincipalAccount": [caller.account_id],
                    **request_keys_of(self._facts),
                }
            )
            return keys
        entry = self._roles.role(caller.session.role_arn, caller.session.role_id)
        return {
            **self._context(caller, caller.session, entry),
            **request_keys_of(self._facts),
            **keys,
        }

    def _context(
        self, principal: Principal, session: SessionContext, entry: RoleEntry
    ) -> ContextKeys:
        role_tags = entry.role.tags if entry.role is not None else ()
        return session_keys(principal, session, role_tags)

    def _policy_set(self, entry: RoleEntry, session: SessionContext) -> PolicySet | None:
        if entry.role is None or entry.role.role_id != session.role_id:
            # Sessions belong to the role they were minted for, by its unique id: a role
            # deleted and re-created under the same name is another role, and the old
            # sessions get nothing from it (IAM User Guide, "Unique identifiers").
            return None
        arns = session.policy_arns
        key = (session.session_policies, arns, session.has_session_policies)
        cached = entry.policy_sets.get(key)
        if cached is not None:
            return cached
        try:
            built = session_policy_set(
                entry.role,
                session.session_policies,
                arns,
                session.has_session_policies,
                self._compiled.get,
                self._roles.managed_policy,
            )
        except AwsError:
            log.exception("the policies of %s do not compile; denying", session.role_arn)
            return None
        entry.policy_sets[key] = built
        return built
