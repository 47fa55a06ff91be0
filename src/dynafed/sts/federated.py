"""What AssumeRoleWithWebIdentity and AssumeRoleWithSAML share once the IdP's word is
verified: the caller is the federated provider, the trust policy is asked for the assume
action plus `sts:TagSession` / `sts:SetSourceIdentity` when the identity carries session
tags / a source identity, and the session keeps the identity's keys, tags and source
identity (iam-fgac.md §4.5; IAM User Guide, id_session-tags.html and
id_credentials_temp_control-access_monitor.html).
"""

from __future__ import annotations

from typing import Protocol

from dynafed.identity.verified import ContextKeys, SessionTags
from dynafed.policy import PrincipalType, RequestPrincipal
from dynafed.sts.parameters import SessionRequest
from dynafed.sts.role_sessions import IssuedSession, RoleSessions, SessionSpec
from dynafed.sts.trust import TrustRequest, implied_actions


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


def issue_federated_session(
    sessions: RoleSessions,
    identity: FederatedIdentity,
    *,
    action: str,
    trust_context: dict[str, list[str]],
    denied_message: str,
    request: SessionRequest,
    session_name: str,
    not_after: float | None = None,
) -> IssuedSession:
    """Ask the role's trust policy on behalf of `identity` (with `trust_context`), then mint
    the session; raises what `RoleSessions.issue` raises."""
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
    return sessions.issue(trust, spec)
