"""AssumeRoleWithSAML: trade an IdP's signed SAML response for role credentials
(https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRoleWithSAML.html).

Order (sts-identity.md §5.1):

1. parameter constraints and the RoleArn's shape → ValidationError;
2. `PrincipalArn` names a SAML provider of the role's account in IAM (looked up through
   the identity registry, `IdentityProviders.saml_provider`) → else
   InvalidIdentityToken "Specified provider doesn't exist";
3. the response verified against that provider's metadata (signature, issuer, audience,
   recipient, times, the Role attribute pairing this role with this provider):
   InvalidIdentityToken, ExpiredTokenException, AccessDenied (`identity.saml.verifier`);
4. role lookup and trust policy for `sts:AssumeRoleWithSAML`, plus `sts:TagSession` /
   `sts:SetSourceIdentity` when the assertion carries session tags / a source identity
   → AccessDenied;
5. DurationSeconds against MaxSessionDuration, session policies, PackedPolicySize; the
   session ends at `now + DurationSeconds`, or earlier at the assertion's
   SessionNotOnOrAfter or its SessionDuration attribute;
6. optionally, the assertion is redeemed once only (`saml_replay`).

The call is unsigned: the IdP's signature and the role's trust policy authorize it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from dynafed.core.arn import parse_arn
from dynafed.core.clock import Clock
from dynafed.errors import ExpiredToken, InvalidIdentityToken, ValidationError
from dynafed.identity.registry import SamlProviderLookup
from dynafed.identity.saml import messages as msg
from dynafed.identity.saml.verifier import (
    SamlProviderRecord,
    SamlSettings,
    VerifiedSamlAssertion,
    verify_saml_response,
)
from dynafed.sts import responses
from dynafed.sts.parameters import SamlRequest, parse_saml_request
from dynafed.sts.role_sessions import INVALID_ROLE_ARN, IssuedSession, RoleSessions, check_role_arn
from dynafed.sts.service import Answer

ACTION = "sts:AssumeRoleWithSAML"


class RedeemedAssertions(Protocol):
    def redeem(self, assertion: VerifiedSamlAssertion, now: float) -> None:
        """Record the assertion as used; raise if it was used before."""
        ...


class AssumeRoleWithSaml:
    def __init__(
        self,
        providers: SamlProviderLookup,
        sessions: RoleSessions,
        clock: Clock,
        request_context: Callable[[], dict[str, list[str]]],
        settings: SamlSettings | None = None,
        redeemed: RedeemedAssertions | None = None,
    ) -> None:
        self._providers = providers
        self._sessions = sessions
        self._clock = clock
        self._request_context = request_context
        """Global keys of the request (time, region, transport) for the trust policy."""
        self._settings = settings or SamlSettings()
        self._redeemed = redeemed
        """None: an assertion may be redeemed again until it expires, as AWS allows."""

    def __call__(self, params: dict[str, str]) -> Answer:
        request = parse_saml_request(params)
        check_role_arn(request.session.role_arn)
        provider = self._provider(request)
        now = self._clock.now()
        assertion = verify_saml_response(
            request.saml_assertion, provider, request.session.role_arn, now, self._settings
        )
        issued = self.issue(request, assertion, now)
        if self._redeemed is not None:
            self._redeemed.redeem(assertion, now)
        return Answer(saml_result(issued, assertion), issued.trust_decisions[0])

    def issue(
        self, request: SamlRequest, assertion: VerifiedSamlAssertion, now: float
    ) -> IssuedSession:
        return self._sessions.issue_federated(
            assertion,
            action=ACTION,
            trust_context={**self._request_context(), **assertion.trust_context_keys},
            denied_message=msg.NOT_AUTHORIZED,
            request=request.session,
            session_name=assertion.role_session_name,
            not_after=session_end(assertion, now),
        )

    def _provider(self, request: SamlRequest) -> SamlProviderRecord:
        arn = parse_arn(request.principal_arn)
        role = parse_arn(request.session.role_arn)
        if arn is None or role is None:
            raise ValidationError(INVALID_ROLE_ARN)
        provider = None
        if arn.service == "iam" and arn.resource.startswith("saml-provider/"):
            provider = self._providers(request.principal_arn)
        # SAML providers are per account: the role's account must hold this one.
        if provider is None or provider.account_id != role.account:
            raise InvalidIdentityToken(msg.PROVIDER_NOT_FOUND)
        return provider


def session_end(assertion: VerifiedSamlAssertion, now: float) -> float | None:
    """When the assertion says the session must end at the latest: its
    SessionNotOnOrAfter, and `now + SessionDuration` (which only ever shortens a session
    here; sts-identity.md §1.3). A SessionNotOnOrAfter already past is an expired response."""
    ends = [
        end
        for end in (
            assertion.session_not_on_or_after,
            now + assertion.session_duration if assertion.session_duration else None,
        )
        if end is not None
    ]
    if not ends:
        return None
    if min(ends) <= now:
        raise ExpiredToken(msg.RESPONSE_EXPIRED)
    return min(ends)


def saml_result(issued: IssuedSession, assertion: VerifiedSamlAssertion) -> dict[str, Any]:
    """AssumeRoleWithSAMLResult, members in the API reference's order (sts-identity.md §1.4):
    Subject is the NameID, SubjectType its short format, Audience the Recipient."""
    return {
        "Credentials": responses.credentials(issued.credentials),
        "AssumedRoleUser": responses.assumed_role_user(issued),
        "PackedPolicySize": issued.packed_policy_size,
        "Subject": assertion.subject,
        "SubjectType": assertion.subject_type,
        "Issuer": assertion.issuer,
        "Audience": assertion.audience,
        "NameQualifier": assertion.name_qualifier,
        "SourceIdentity": issued.session.source_identity,
    }
