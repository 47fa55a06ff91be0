"""AssumeRoleWithSAML as boto3 sees it: response fields, session length, provider lookup,
trust policy, session tags and source identity, AWS's error codes, and the optional
one-time redemption of assertions (STS API reference, AssumeRoleWithSAML; IAM User Guide,
"Configure SAML assertions for the authentication response"; sts-identity.md §1.3-1.5, §5).
"""

from __future__ import annotations

import base64
import hashlib
from datetime import UTC, datetime
from typing import Any

import pytest
from tests.fixtures.saml.certs import shared_identity
from tests.fixtures.saml.factory import (
    AWS_SIGNIN,
    IDP_ENTITY_ID,
    PROVIDER_ARN,
    ROLE_ARN,
    ResponseSpec,
    SamlFactory,
    encode,
)
from tests.fixtures.saml.metadata import idp_metadata
from tests.unit.identity.idp_double import NOW
from web_identity_harness import ACCOUNT, Harness, document

from dynafed.enforcement.context import time_keys
from dynafed.enforcement.policy_cache import CompiledPolicies
from dynafed.iam.provider_records import IamSamlProviders
from dynafed.sts.assume_role_with_saml import AssumeRoleWithSaml
from dynafed.sts.role_sessions import RoleSessions
from dynafed.sts.saml_replay import DOCUMENT_KIND, AssertionLedger
from dynafed.sts.service import StsService

NOT_AUTHORIZED = ("AccessDenied", "Not authorized to perform sts:AssumeRoleWithSAML", 403)
NO_PROVIDER = ("InvalidIdentityToken", "Specified provider doesn't exist", 400)


def saml_trust(*extra_actions: str, provider: str = PROVIDER_ARN, aud: str = AWS_SIGNIN) -> str:
    return document(
        {
            "Effect": "Allow",
            "Principal": {"Federated": provider},
            "Action": ["sts:AssumeRoleWithSAML", *extra_actions],
            "Condition": {"StringEquals": {"SAML:aud": aud}},
        }
    )


class SamlHarness(Harness):
    """The web-identity harness's IAM, keyring and botocore round trip, with the STS
    service answering AssumeRoleWithSAML."""

    def __init__(self, redeem_once: bool = False) -> None:
        super().__init__()
        sessions = RoleSessions(
            self.storage,
            self.clock,
            self.keyrings.current,
            self.random.randbytes,
            CompiledPolicies().get,
        )
        saml = AssumeRoleWithSaml(
            IamSamlProviders(self.storage),
            sessions,
            self.clock,
            lambda: time_keys(self.clock.now()),
            redeemed=AssertionLedger(self.storage) if redeem_once else None,
        )
        self.sts = StsService(
            {"AssumeRoleWithSAML": lambda params, _caller: saml(params)}, self.audit.append
        )
        self.saml = SamlFactory(shared_identity("idp"))

    def register_saml_provider(self, name: str = "ExampleIdP") -> str:
        arn: str = self.iam_call(
            "CreateSAMLProvider",
            Name=name,
            SAMLMetadataDocument=idp_metadata(self.saml.identity, IDP_ENTITY_ID),
        )["SAMLProviderArn"]
        return arn

    def response(self, spec: ResponseSpec | None = None, **sign: Any) -> str:
        return encode(self.saml.response(spec or ResponseSpec(issue_instant=NOW), **sign))

    def assume(self, assertion: str | None = None, **params: Any) -> Any:
        return self.sts_call("AssumeRoleWithSAML", **self._params(assertion, params))

    def assume_error(self, assertion: str | None = None, **params: Any) -> tuple[str, str, int]:
        return self.sts_error("AssumeRoleWithSAML", **self._params(assertion, params))

    def _params(self, assertion: str | None, params: dict[str, Any]) -> dict[str, Any]:
        return {
            "RoleArn": ROLE_ARN,
            "PrincipalArn": PROVIDER_ARN,
            "SAMLAssertion": assertion or self.response(),
            **params,
        }


@pytest.fixture
def sts() -> SamlHarness:
    harness = SamlHarness()
    harness.register_saml_provider()
    harness.create_role("GameRole", trust=saml_trust())
    return harness


def spec(**changes: Any) -> ResponseSpec:
    return ResponseSpec(issue_instant=NOW, **changes)


# --- the answer ---------------------------------------------------------------------------


def test_the_response_carries_every_field_aws_returns(sts: SamlHarness) -> None:
    answer = sts.assume()
    assert answer["Subject"] == "alice-0001"
    assert answer["SubjectType"] == "persistent"
    assert answer["Issuer"] == IDP_ENTITY_ID
    assert answer["Audience"] == AWS_SIGNIN  # the Recipient, not the AudienceRestriction
    # base64(SHA-1(issuer + account + "/" + provider name)), IAM User Guide.
    digest = hashlib.sha1(f"{IDP_ENTITY_ID}{ACCOUNT}/ExampleIdP".encode()).digest()
    assert answer["NameQualifier"] == base64.b64encode(digest).decode()
    user = answer["AssumedRoleUser"]
    assert user["Arn"] == f"arn:aws:sts::{ACCOUNT}:assumed-role/GameRole/alice@example.test"
    assert user["AssumedRoleId"].endswith(":alice@example.test")
    assert answer["Credentials"]["AccessKeyId"].startswith("ASIA")
    assert answer["Credentials"]["Expiration"] == datetime.fromtimestamp(NOW + 3600, UTC)
    assert "PackedPolicySize" not in answer and "SourceIdentity" not in answer


def test_the_session_keeps_the_saml_keys_for_later_requests(sts: SamlHarness) -> None:
    session = sts.principal(sts.assume()["Credentials"]).session
    assert session is not None
    assert session.context_keys["saml:sub"] == ["alice-0001"]
    assert session.context_keys["saml:sub_type"] == ["persistent"]
    assert session.context_keys["aws:FederatedProvider"] == [PROVIDER_ARN]
    assert "saml:aud" not in session.context_keys  # trust-policy only


def test_a_session_policy_reports_its_packed_size(sts: SamlHarness) -> None:
    policy = document({"Effect": "Allow", "Action": "dynamodb:GetItem", "Resource": "*"})
    answer = sts.assume(Policy=policy)
    assert 0 < answer["PackedPolicySize"] <= 100


# --- how long the session lasts -------------------------------------------------------------


def test_session_not_on_or_after_ends_the_session_early(sts: SamlHarness) -> None:
    answer = sts.assume(sts.response(spec(session_not_on_or_after=NOW + 1200)))
    assert answer["Credentials"]["Expiration"] == datetime.fromtimestamp(NOW + 1200, UTC)


def test_a_later_session_not_on_or_after_leaves_duration_seconds_alone(sts: SamlHarness) -> None:
    answer = sts.assume(sts.response(spec(session_not_on_or_after=NOW + 7200)), DurationSeconds=900)
    assert answer["Credentials"]["Expiration"] == datetime.fromtimestamp(NOW + 900, UTC)


def test_the_session_duration_attribute_only_shortens(sts: SamlHarness) -> None:
    short = spec().with_attributes(SessionDuration=["1000"])
    answer = sts.assume(sts.response(short))
    assert answer["Credentials"]["Expiration"] == datetime.fromtimestamp(NOW + 1000, UTC)
    long = spec().with_attributes(SessionDuration=["43200"])
    answer = sts.assume(sts.response(long), DurationSeconds=900)
    assert answer["Credentials"]["Expiration"] == datetime.fromtimestamp(NOW + 900, UTC)


def test_duration_above_the_roles_maximum_fails_even_when_the_assertion_ends_sooner(
    sts: SamlHarness,
) -> None:
    early = sts.response(spec(session_not_on_or_after=NOW + 1200))
    code, message, status = sts.assume_error(early, DurationSeconds=7200)
    assert (code, status) == ("ValidationError", 400)
    assert "MaxSessionDuration" in message


def test_a_session_not_on_or_after_already_past_is_an_expired_response(sts: SamlHarness) -> None:
    ended = sts.response(spec(session_not_on_or_after=NOW - 1))
    assert sts.assume_error(ended) == ("ExpiredTokenException", "Response has expired", 400)


# --- parameters and the provider ------------------------------------------------------------


def test_missing_assertion_is_a_validation_error(sts: SamlHarness) -> None:
    code, message, _ = sts.sts_error(
        "AssumeRoleWithSAML", RoleArn=ROLE_ARN, PrincipalArn=PROVIDER_ARN
    )
    assert code == "ValidationError"
    assert message == (
        "1 validation error detected: Value null at 'sAMLAssertion' failed to satisfy "
        "constraint: Member must not be null"
    )


def test_short_principal_arn_is_a_validation_error(sts: SamlHarness) -> None:
    code, message, _ = sts.assume_error(PrincipalArn="arn:aws:iam::1:x")
    assert code == "ValidationError"
    assert "'principalArn' failed to satisfy constraint" in message


@pytest.mark.parametrize(
    "principal_arn",
    [
        f"arn:aws:iam::{ACCOUNT}:saml-provider/Missing",
        f"arn:aws:iam::{ACCOUNT}:oidc-provider/idp.example.test",
        "arn:aws:iam::999999999999:saml-provider/ExampleIdP",
    ],
)
def test_a_provider_the_account_does_not_have_does_not_exist(
    sts: SamlHarness, principal_arn: str
) -> None:
    assert sts.assume_error(PrincipalArn=principal_arn) == NO_PROVIDER


def test_a_deleted_provider_stops_working_at_once(sts: SamlHarness) -> None:
    sts.assume()
    sts.iam_call("DeleteSAMLProvider", SAMLProviderArn=PROVIDER_ARN)
    assert sts.assume_error() == NO_PROVIDER


def test_metadata_with_another_certificate_refuses_the_idps_signature(sts: SamlHarness) -> None:
    sts.iam_call(
        "UpdateSAMLProvider",
        SAMLProviderArn=PROVIDER_ARN,
        SAMLMetadataDocument=idp_metadata(shared_identity("rotated"), IDP_ENTITY_ID),
    )
    code, message, _ = sts.assume_error()
    assert (code, message) == ("InvalidIdentityToken", "Response signature invalid")


# --- trust policy -----------------------------------------------------------------------------


def test_trust_policy_conditions_on_saml_aud(sts: SamlHarness) -> None:
    sts.iam_call(
        "UpdateAssumeRolePolicy",
        RoleName="GameRole",
        PolicyDocument=saml_trust(aud="https://eu-west-1.signin.aws.amazon.com/saml"),
    )
    assert sts.assume_error() == NOT_AUTHORIZED


def test_trust_policy_naming_another_provider_refuses(sts: SamlHarness) -> None:
    other = sts.register_saml_provider("OtherIdP")
    sts.iam_call(
        "UpdateAssumeRolePolicy", RoleName="GameRole", PolicyDocument=saml_trust(provider=other)
    )
    assert sts.assume_error() == NOT_AUTHORIZED


def test_a_role_the_assertion_does_not_name_is_refused(sts: SamlHarness) -> None:
    other_role = sts.create_role("OtherRole", trust=saml_trust())
    assert sts.assume_error(RoleArn=other_role) == NOT_AUTHORIZED


def test_a_missing_role_is_refused_like_a_refusing_trust_policy(sts: SamlHarness) -> None:
    ghost = f"arn:aws:iam::{ACCOUNT}:role/Ghost"
    listed = spec().with_attributes(Role=[f"{ghost},{PROVIDER_ARN}"])
    assert sts.assume_error(sts.response(listed), RoleArn=ghost) == NOT_AUTHORIZED


def test_session_tags_need_tag_session_and_become_principal_tags(sts: SamlHarness) -> None:
    tagged = sts.response(
        spec().with_attributes(**{"PrincipalTag:team": ["blue"], "TransitiveTagKeys": ["team"]})
    )
    assert sts.assume_error(tagged) == NOT_AUTHORIZED
    sts.iam_call(
        "UpdateAssumeRolePolicy",
        RoleName="GameRole",
        PolicyDocument=saml_trust("sts:TagSession"),
    )
    session = sts.principal(sts.assume(tagged)["Credentials"]).session
    assert session is not None and session.tags == {"team": "blue"}


def test_source_identity_needs_set_source_identity_and_is_echoed(sts: SamlHarness) -> None:
    sourced = sts.response(spec().with_attributes(SourceIdentity=["alice"]))
    assert sts.assume_error(sourced) == NOT_AUTHORIZED
    sts.iam_call(
        "UpdateAssumeRolePolicy",
        RoleName="GameRole",
        PolicyDocument=saml_trust("sts:SetSourceIdentity"),
    )
    assert sts.assume(sourced)["SourceIdentity"] == "alice"


# --- audit --------------------------------------------------------------------------------------


def test_every_exchange_is_audited_with_its_subject(sts: SamlHarness) -> None:
    answer = sts.assume()
    sts.assume_error(sts.response(sign="none"))
    allowed, denied = sts.audit
    assert allowed["action"] == "sts:AssumeRoleWithSAML" and allowed["decision"] == "Allow"
    assert allowed["subject"] == "alice-0001"
    assert allowed["session"] == answer["AssumedRoleUser"]["Arn"]
    assert denied["decision"] == "Deny" and "session" not in denied
    assert denied["error"]["code"] == "InvalidIdentityToken"


# --- redeeming an assertion once (optional hardening) ---------------------------------------------


def test_by_default_an_assertion_may_be_redeemed_again_while_valid(sts: SamlHarness) -> None:
    assertion = sts.response()
    sts.assume(assertion)
    assert sts.assume(assertion)["Subject"] == "alice-0001"


@pytest.fixture
def once() -> SamlHarness:
    harness = SamlHarness(redeem_once=True)
    harness.register_saml_provider()
    harness.create_role("GameRole", trust=saml_trust())
    return harness


def test_with_replay_protection_an_assertion_is_redeemed_once(once: SamlHarness) -> None:
    assertion = once.response()
    once.assume(assertion)
    assert once.assume_error(assertion) == (
        "InvalidIdentityToken",
        "The SAML assertion has already been used",
        400,
    )
    assert once.assume(once.response())["Subject"] == "alice-0001"  # a fresh one is fine


def test_a_refused_redemption_does_not_use_the_assertion_up(once: SamlHarness) -> None:
    assertion = once.response()
    assert once.assume_error(assertion, DurationSeconds=7200)[0] == "ValidationError"
    assert once.assume(assertion)["Subject"] == "alice-0001"


def test_records_of_expired_assertions_are_swept(once: SamlHarness) -> None:
    once.assume(once.response())
    once.clock.advance(3600)
    once.assume(once.response(ResponseSpec(issue_instant=once.clock.now())))
    with once.storage.read() as view:
        assert len(view.list_documents(DOCUMENT_KIND)) == 1
