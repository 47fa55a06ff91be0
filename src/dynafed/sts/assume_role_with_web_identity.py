"""AssumeRoleWithWebIdentity: trade an identity provider's token for role credentials.

Validation order (iam-fgac.md §4.5; STS API reference, AssumeRoleWithWebIdentity):

1. parameter constraints and the RoleArn's shape → ValidationError;
2. the token's verifier, chosen by the identity registry (`identity.registry`): with no
   `ProviderId`, an OpenID Connect ID token by its `iss` (an IAM OIDC provider, Google, or an
   issuer this server runs); with one, the OAuth 2.0 verifier for it (`www.amazon.com`,
   `graph.facebook.com`);
3. the verifier checks keys, signature and claims (InvalidIdentityToken,
   ExpiredTokenException, IDPCommunicationError);
4. role lookup and trust policy, for `sts:AssumeRoleWithWebIdentity` plus `sts:TagSession`
   / `sts:SetSourceIdentity` when the token carries tags / a source identity → AccessDenied;
5. DurationSeconds, session policies, PackedPolicySize; then credentials.

The call is unsigned: only the role's trust policy authorizes it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from dynafed.identity.verified import VerifiedIdentity
from dynafed.sts import responses
from dynafed.sts.parameters import WebIdentityRequest, parse_web_identity_request
from dynafed.sts.role_sessions import IssuedSession, RoleSessions, check_role_arn
from dynafed.sts.service import Answer

ACTION = "sts:AssumeRoleWithWebIdentity"
NOT_AUTHORIZED = f"Not authorized to perform {ACTION}"  # sts-identity.md §1.5


class WebIdentityVerifier(Protocol):
    def verify_web_identity(self, token: str, provider_id: str | None) -> VerifiedIdentity:
        """Who the token vouches for, or raise the STS error for a bad token
        (`identity.registry.IdentityProviders`)."""
        ...


class AssumeRoleWithWebIdentity:
    def __init__(
        self,
        providers: WebIdentityVerifier,
        sessions: RoleSessions,
        request_context: Callable[[], dict[str, list[str]]],
    ) -> None:
        self._providers = providers
        self._sessions = sessions
        self._request_context = request_context
        """Global keys of the request (time, region, transport) for the trust policy."""

    def __call__(self, params: dict[str, str]) -> Answer:
        request = parse_web_identity_request(params)
        check_role_arn(request.session.role_arn)
        identity = self._providers.verify_web_identity(
            request.web_identity_token, request.provider_id
        )
        issued = self.issue(request, identity)
        return Answer(responses.web_identity_result(issued, identity), issued.trust_decisions[0])

    def issue(self, request: WebIdentityRequest, identity: VerifiedIdentity) -> IssuedSession:
        return self._sessions.issue_federated(
            identity,
            action=ACTION,
            trust_context={
                **self._request_context(),
                **identity.trust_context_keys,
                "sts:RoleSessionName": [request.role_session_name],
            },
            denied_message=NOT_AUTHORIZED,
            request=request.session,
            session_name=request.role_session_name,
        )
