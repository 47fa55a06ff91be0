"""The part every AssumeRole* call shares once the caller is known: find the role, ask its
trust policy, check the duration and the session policies, mint the credentials.

Order after authentication (iam-fgac.md §4.5 steps 6-9): role lookup (a missing role is
AccessDenied, worded like a trust refusal) → trust policy → DurationSeconds against the
role's MaxSessionDuration → session policies and PackedPolicySize → credentials.
AssumeRoleWithWebIdentity, AssumeRole and AssumeRoleWithSAML differ only in how they
authenticate the caller and word their answers, so they all end here.

The two federated ones (web identity, SAML) also share how the IdP's verified word becomes
the trust request and the session (`RoleSessions.issue_federated`): the caller is the
federated provider, the trust policy is asked for the assume action plus `sts:TagSession` /
`sts:SetSourceIdentity` when the identity carries session tags / a source identity, and the
session keeps the identity's keys, tags and source identity (IAM User Guide,
id_session-tags.html and id_credentials_temp_control-access_monitor.html).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Protocol

from dynafed.auth.principal import SessionContext
from dynafed.core.arn import parse_arn
from dynafed.core.clock import Clock
from dynafed.errors import ValidationError
from dynafed.iam import repository
from dynafed.iam.lookup import RoleAuthorization
from dynafed.identity.verified import ContextKeys, SessionTags
from dynafed.policy import Decision, PrincipalType, RequestPrincipal
from dynafed.storage.port import Storage
from dynafed.sts.credentials import TemporaryCredentials, assumed_role_arn, issue_credentials
from dynafed.sts.parameters import SessionRequest
from dynafed.sts.session_policies import check_session_policies
from dynafed.sts.session_token import Keyring, RandomBytes
from dynafed.sts.trust import (
    ParsePolicy,
    TrustedRoles,
    TrustRequest,
    check_trust,
    implied_actions,
)

INVALID_ROLE_ARN = "Request ARN is invalid"  # observed STS wording (sts-identity.md §1.5)
EXCEEDS_MAX_SESSION_DURATION = (
    "The requested DurationSeconds exceeds the MaxSessionDuration set for this role."
)
EXCEEDS_CHAINING_LIMIT = (
    "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by "
    "role chaining."
)
CHAINED_SESSION_SECONDS = 3600
"""Role chaining caps a session at one hour (IAM User Guide, id_roles_terms-and-concepts)."""


@dataclass(frozen=True, slots=True)
class SessionSpec:
    """What the new session is to be."""

    request: SessionRequest
    session_name: str
    context_keys: dict[str, list[str]] = field(default_factory=dict)
    """Condition keys the session keeps for later requests (a web identity's or SAML
    assertion's)."""
    tags: Mapping[str, str] = field(default_factory=dict)
    transitive_tag_keys: tuple[str, ...] = ()
    source_identity: str | None = None
    chained: bool = False
    """Assumed with another role's session credentials: at most one hour."""
    not_after: float | None = None
    """The session ends by then whatever the duration (SAML's SessionNotOnOrAfter)."""


@dataclass(frozen=True, slots=True)
class IssuedSession:
    credentials: TemporaryCredentials
    session: SessionContext
    arn: str
    """The assumed-role ARN (`AssumedRoleUser.Arn`)."""
    assumed_role_id: str
    """`<role-id>:<session-name>` (`AssumedRoleUser.AssumedRoleId`)."""
    packed_policy_size: int | None
    trust_decisions: tuple[Decision, ...]


class FederatedIdentity(Protocol):
    """A verified web identity (`VerifiedIdentity`) or SAML assertion
    (`VerifiedSamlAssertion`)."""

    @property
    def provider_arn(self) -> str: ...
    @property
    def tags(self) -> SessionTags | None: ...
    @property
    def source_identity(self) -> str | None: ...
    @property
    def session_context_keys(self) -> ContextKeys: ...


def check_role_arn(arn: str) -> None:
    parsed = parse_arn(arn)
    if parsed is None or parsed.service != "iam" or not parsed.resource.startswith("role/"):
        raise ValidationError(INVALID_ROLE_ARN)


def session_duration(request: SessionRequest, role: RoleAuthorization, chained: bool) -> int:
    if chained:
        if request.duration_given and request.duration_seconds > CHAINED_SESSION_SECONDS:
            raise ValidationError(EXCEEDS_CHAINING_LIMIT)
        return min(request.duration_seconds, CHAINED_SESSION_SECONDS)
    if request.duration_seconds > role.max_session_duration:
        raise ValidationError(EXCEEDS_MAX_SESSION_DURATION)
    return request.duration_seconds


class RoleSessions:
    def __init__(
        self,
        storage: Storage,
        clock: Clock,
        keyring: Callable[[], Keyring],
        random_bytes: RandomBytes,
        parse: ParsePolicy,
        roles: TrustedRoles | None = None,
    ) -> None:
        self._storage = storage
        self._clock = clock
        self._keyring = keyring
        self._random_bytes = random_bytes
        self._parse = parse
        self._roles = roles or TrustedRoles(storage, clock, parse)
        """None: every request reads its role."""

    def issue(self, trust: TrustRequest, spec: SessionSpec) -> IssuedSession:
        request = spec.request
        trusted = self._roles.get(request.role_arn)
        existing = self._existing_policies(request.policy_arns)
        decisions = check_trust(trusted, trust)
        assert trusted is not None  # check_trust refuses a missing role
        role = trusted.role
        duration = session_duration(request, role, spec.chained)
        packed = check_session_policies(
            request.policy, request.policy_arns, spec.tags, existing.__contains__, self._parse
        )
        now = self._clock.now()
        expires_at = int(now) + duration
        if spec.not_after is not None:
            expires_at = min(expires_at, int(spec.not_after))
        session = SessionContext(
            role_arn=role.arn,
            role_id=role.role_id,
            session_name=spec.session_name,
            expires_at=float(expires_at),
            session_policies=(request.policy,) if request.policy is not None else (),
            has_session_policies=request.policy is not None or bool(request.policy_arns),
            tags=dict(spec.tags),
            context_keys=spec.context_keys,
            source_identity=spec.source_identity,
            issued_at=float(int(now)),
            policy_arns=tuple(request.policy_arns),
            transitive_tag_keys=tuple(spec.transitive_tag_keys),
        )
        credentials = issue_credentials(session, self._keyring(), self._random_bytes)
        return IssuedSession(
            credentials=credentials,
            session=session,
            arn=assumed_role_arn(role.arn, spec.session_name),
            assumed_role_id=f"{role.role_id}:{spec.session_name}",
            packed_policy_size=packed,
            trust_decisions=tuple(decisions),
        )

    def _existing_policies(self, arns: tuple[str, ...]) -> set[str]:
        """The managed session policies passed that exist (most requests pass none)."""
        if not arns:
            return set()
        with self._storage.read() as view:
            return {arn for arn in arns if repository.find_policy(view, arn)}

    def issue_federated(
        self,
        identity: FederatedIdentity,
        *,
        action: str,
        trust_context: dict[str, list[str]],
        denied_message: str,
        request: SessionRequest,
        session_name: str,
        not_after: float | None = None,
    ) -> IssuedSession:
        """Ask the role's trust policy on behalf of `identity` (with `trust_context`), then
        mint the session; raises what `issue` raises."""
        tags = identity.tags.principal_tags if identity.tags is not None else {}
        trust = TrustRequest(
            principal=RequestPrincipal(identity.provider_arn, PrincipalType.FEDERATED),
            actions=implied_actions(
                action, tags=bool(tags), source_identity=identity.source_identity is not None
            ),
            context=trust_context,
            denied_message=denied_message,
        )
        spec = SessionSpec(
            request=request,
            session_name=session_name,
            context_keys=identity.session_context_keys,
            tags=tags,
            transitive_tag_keys=identity.tags.transitive_tag_keys if identity.tags else (),
            source_identity=identity.source_identity,
            not_after=not_after,
        )
        return self.issue(trust, spec)
