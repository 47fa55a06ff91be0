"""verify_saml_response: what AssumeRoleWithSAML accepts and returns, and why it refuses.

Behaviour follows sts-identity.md §5.1, the AssumeRoleWithSAML API reference
(https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRoleWithSAML.html) and IAM's
"Configuring SAML assertions for the authentication response"
(https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_providers_create_saml_assertions.html).
Responses come from the in-process signxml factory; signature attacks are in
test_saml_signature.py, attributes in test_saml_attributes.py.
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import replace

import pytest
from saml_support import NOW, provider_for, spec, verify
from tests.fixtures.fake_providers.gamerole import (
    SAML,
    game_role_policy,
    may_get_item,
    trust_admits,
    trust_policy,
)
from tests.fixtures.saml.certs import shared_identity
from tests.fixtures.saml.factory import (
    ACCOUNT,
    AWS_SIGNIN,
    IDP_ENTITY_ID,
    PROVIDER_ARN,
    ROLE_ARN,
    SamlFactory,
    encode,
)

from dynafed.errors import AccessDenied, ExpiredToken, InvalidIdentityToken
from dynafed.identity.saml import messages as msg
from dynafed.identity.saml.verifier import (
    SamlProviderRecord,
    SamlSettings,
    verify_saml_response,
)


@pytest.fixture(scope="module")
def factory() -> SamlFactory:
    return SamlFactory(shared_identity("idp"))


@pytest.fixture(scope="module")
def provider() -> SamlProviderRecord:
    return provider_for(shared_identity("idp"))


# --- accepted ---------------------------------------------------------------------------


def test_signed_assertion_yields_the_response_fields_aws_returns(
    factory: SamlFactory, provider: SamlProviderRecord
) -> None:
    result = verify(factory.response(spec()), provider)
    assert result.subject == "alice-0001"
    assert result.subject_type == "persistent"
    assert result.issuer == IDP_ENTITY_ID
    assert result.audience == AWS_SIGNIN
    assert result.role_arn == ROLE_ARN and result.provider_arn == PROVIDER_ARN
    assert result.role_session_name == "alice@example.test"
    assert result.session_duration is None and result.source_identity is None
    assert result.tags is None


def test_name_qualifier_is_the_documented_hash(
    factory: SamlFactory, provider: SamlProviderRecord
) -> None:
    # https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_providers_saml.html#CreatingSAML-userid
    expected = base64.b64encode(
        hashlib.sha1(f"{IDP_ENTITY_ID}{ACCOUNT}/ExampleIdP".encode()).digest()
    ).decode()
    assert verify(factory.response(spec()), provider).name_qualifier == expected


def test_trust_policy_keys_and_the_subset_the_session_keeps(
    factory: SamlFactory, provider: SamlProviderRecord
) -> None:
    result = verify(factory.response(spec()), provider)
    assert result.trust_context_keys == {
        "saml:aud": [AWS_SIGNIN],
        "saml:iss": [IDP_ENTITY_ID],
        "saml:sub": ["alice-0001"],
        "saml:sub_type": ["persistent"],
        "saml:namequalifier": [result.name_qualifier],
        "saml:doc": [f"{ACCOUNT}/ExampleIdP"],
        "aws:FederatedProvider": [PROVIDER_ARN],
        "sts:RoleSessionName": ["alice@example.test"],
    }
    assert result.session_context_keys == {
        "saml:namequalifier": [result.name_qualifier],
        "saml:sub": ["alice-0001"],
        "saml:sub_type": ["persistent"],
        "aws:FederatedProvider": [PROVIDER_ARN],
    }


@pytest.mark.parametrize("sign", ["assertion", "response", "both"])
def test_a_signature_on_the_response_or_the_assertion_is_accepted(
    factory: SamlFactory, provider: SamlProviderRecord, sign: str
) -> None:
    assert verify(factory.response(spec(), sign=sign), provider).subject == "alice-0001"


@pytest.mark.parametrize(
    ("name_format", "expected"),
    [
        ("urn:oasis:names:tc:SAML:2.0:nameid-format:transient", "transient"),
        (
            "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress",
            "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress",
        ),
        (None, "urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified"),
    ],
)
def test_subject_type_shortens_only_persistent_and_transient(
    factory: SamlFactory, provider: SamlProviderRecord, name_format: str | None, expected: str
) -> None:
    result = verify(factory.response(spec(name_id_format=name_format)), provider)
    assert result.subject_type == expected
    assert result.trust_context_keys["saml:sub_type"] == [expected]


def test_either_order_of_the_role_pair_is_accepted(
    factory: SamlFactory, provider: SamlProviderRecord
) -> None:
    other = f"arn:aws:iam::{ACCOUNT}:role/Other"
    roles = [f"{other},{PROVIDER_ARN}", f"{PROVIDER_ARN},{ROLE_ARN}"]
    assert (
        verify(factory.response(spec().with_attributes(Role=roles)), provider).role_arn == ROLE_ARN
    )


@pytest.mark.parametrize("recipient", ["https://us-east-1.signin.aws.amazon.com/saml"])
def test_regional_signin_recipients_are_accepted(
    factory: SamlFactory, provider: SamlProviderRecord, recipient: str
) -> None:
    xml = factory.response(spec(recipient=recipient, destination=recipient))
    assert verify(xml, provider).audience == recipient


def test_a_configured_recipient_is_accepted(
    factory: SamlFactory, provider: SamlProviderRecord
) -> None:
    own = "http://127.0.0.1:8000/saml"
    xml = factory.response(spec(recipient=own, destination=own))
    settings = SamlSettings(recipients=(AWS_SIGNIN, own))
    assert verify(xml, provider, settings=settings).trust_context_keys["saml:aud"] == [own]


def test_session_not_on_or_after_is_reported_for_the_session_end(
    factory: SamlFactory, provider: SamlProviderRecord
) -> None:
    xml = factory.response(spec(session_not_on_or_after=NOW + 7200))
    assert verify(xml, provider).session_not_on_or_after == NOW + 7200


def test_usable_until_covers_the_replay_window(
    factory: SamlFactory, provider: SamlProviderRecord
) -> None:
    result = verify(factory.response(spec(lifetime=3600)), provider)
    # the 5-minute redemption window ends before the assertion's own NotOnOrAfter
    assert NOW < result.usable_until <= NOW - 10 + 300 + 60


def test_any_of_the_providers_certificates_verifies(factory: SamlFactory) -> None:
    rotated = SamlProviderRecord(
        arn=PROVIDER_ARN,
        entity_id=IDP_ENTITY_ID,
        signing_certificates=(shared_identity("rotated").cert_b64, shared_identity("idp").cert_b64),
    )
    assert verify(factory.response(spec()), rotated).subject == "alice-0001"


# --- refused: issuer, time, audience, recipient ------------------------------------------


def test_issuer_other_than_the_providers_entity_id(
    factory: SamlFactory, provider: SamlProviderRecord
) -> None:
    with pytest.raises(InvalidIdentityToken) as raised:
        verify(factory.response(spec(issuer="https://other-idp.example.test")), provider)
    assert raised.value.message == msg.ISSUER_NOT_IN_PROVIDER


def test_expired_response_is_expired_token_exception(
    factory: SamlFactory, provider: SamlProviderRecord
) -> None:
    xml = factory.response(spec(lifetime=120))
    with pytest.raises(ExpiredToken) as raised:
        verify(xml, provider, now=NOW - 10 + 120 + 61)
    assert (
        raised.value.code == "ExpiredTokenException"
        and raised.value.message == msg.RESPONSE_EXPIRED
    )


def test_clock_skew_is_tolerated(factory: SamlFactory, provider: SamlProviderRecord) -> None:
    xml = factory.response(spec(lifetime=120))
    assert verify(xml, provider, now=NOW - 10 + 120 + 30).subject


def test_response_older_than_five_minutes_cannot_be_redeemed(
    factory: SamlFactory, provider: SamlProviderRecord
) -> None:
    xml = factory.response(spec(lifetime=3600))
    with pytest.raises(ExpiredToken) as raised:
        verify(xml, provider, now=NOW - 10 + 300 + 61)
    assert raised.value.message == msg.REDEEM_WINDOW


def test_response_from_the_future_is_not_yet_valid(
    factory: SamlFactory, provider: SamlProviderRecord
) -> None:
    xml = factory.response(spec(issue_instant=NOW + 600))
    with pytest.raises(InvalidIdentityToken) as raised:
        verify(xml, provider)
    assert raised.value.message == msg.NOT_YET_VALID


@pytest.mark.parametrize("audiences", [(), ("urn:example:other-sp",)])
def test_wrong_or_missing_audience(
    factory: SamlFactory, provider: SamlProviderRecord, audiences: tuple[str, ...]
) -> None:
    with pytest.raises(InvalidIdentityToken) as raised:
        verify(factory.response(spec(audiences=audiences)), provider)
    assert raised.value.message == msg.MISSING_AUDIENCE


def test_aws_among_several_audiences_is_enough(
    factory: SamlFactory, provider: SamlProviderRecord
) -> None:
    xml = factory.response(spec(audiences=("urn:example:other-sp", "urn:amazon:webservices")))
    assert verify(xml, provider).subject


@pytest.mark.parametrize(
    ("recipient", "destination"),
    [
        ("https://sp.example.test/acs", AWS_SIGNIN),
        (AWS_SIGNIN, "https://sp.example.test/acs"),
        ("https://signin.aws.amazon.com.evil.test/saml", None),
        (None, None),
    ],
)
def test_wrong_recipient_or_destination(
    factory: SamlFactory,
    provider: SamlProviderRecord,
    recipient: str | None,
    destination: str | None,
) -> None:
    xml = factory.response(spec(recipient=recipient, destination=destination))
    with pytest.raises(InvalidIdentityToken) as raised:
        verify(xml, provider)
    assert raised.value.message == msg.WRONG_RECIPIENT


def test_no_bearer_confirmation(factory: SamlFactory, provider: SamlProviderRecord) -> None:
    xml = factory.response(spec(method="urn:oasis:names:tc:SAML:2.0:cm:holder-of-key"))
    with pytest.raises(InvalidIdentityToken) as raised:
        verify(xml, provider)
    assert raised.value.message == msg.NO_BEARER_CONFIRMATION


def test_error_status_is_refused(factory: SamlFactory, provider: SamlProviderRecord) -> None:
    xml = factory.response(spec(status="urn:oasis:names:tc:SAML:2.0:status:Requester"), sign="both")
    with pytest.raises(InvalidIdentityToken) as raised:
        verify(xml, provider)
    assert raised.value.message == msg.NOT_SUCCESS


# --- refused: subject and role -----------------------------------------------------------


def test_missing_name_id_is_access_denied(
    factory: SamlFactory, provider: SamlProviderRecord
) -> None:
    with pytest.raises(AccessDenied) as raised:
        verify(factory.response(spec(name_id=None)), provider)
    assert raised.value.status == 403


def test_role_attribute_without_the_requested_pair_is_access_denied(
    factory: SamlFactory, provider: SamlProviderRecord
) -> None:
    with pytest.raises(AccessDenied) as raised:
        verify(factory.response(spec()), provider, role_arn=f"arn:aws:iam::{ACCOUNT}:role/Admin")
    assert raised.value.message == msg.NOT_AUTHORIZED


@pytest.mark.parametrize(
    "roles",
    [
        None,
        [ROLE_ARN],
        [f"{ROLE_ARN},arn:aws:iam::{ACCOUNT}:saml-provider/OtherIdP"],
        [f"{ROLE_ARN};{PROVIDER_ARN}"],
    ],
)
def test_role_values_that_do_not_pair_role_and_provider_are_access_denied(
    factory: SamlFactory, provider: SamlProviderRecord, roles: list[str] | None
) -> None:
    with pytest.raises(AccessDenied):
        verify(factory.response(spec().with_attributes(Role=roles)), provider)


# --- refused: the document itself -------------------------------------------------------


@pytest.mark.parametrize(
    "encoded",
    [
        "not base64 at all!",
        base64.b64encode(b"<not-xml").decode(),
        base64.b64encode(
            b"<samlp:AuthnRequest xmlns:samlp='urn:oasis:names:tc:SAML:2.0:protocol'/>"
        ).decode(),
        base64.b64encode(
            b'<!DOCTYPE r [<!ENTITY x "y">]>'
            b"<samlp:Response xmlns:samlp='urn:oasis:names:tc:SAML:2.0:protocol'>"
            b"&x;</samlp:Response>"
        ).decode(),
    ],
)
def test_malformed_documents(provider: SamlProviderRecord, encoded: str) -> None:
    with pytest.raises(InvalidIdentityToken) as raised:
        verify_saml_response(encoded, provider, ROLE_ARN, NOW)
    assert raised.value.message == msg.MALFORMED


def test_line_wrapped_base64_from_an_html_form_is_accepted(
    factory: SamlFactory, provider: SamlProviderRecord
) -> None:
    encoded = encode(factory.response(spec()))
    wrapped = "\r\n".join(encoded[i : i + 76] for i in range(0, len(encoded), 76))
    assert verify_saml_response(wrapped, provider, ROLE_ARN, NOW).subject == "alice-0001"


def test_oversized_response_is_refused(provider: SamlProviderRecord) -> None:
    with pytest.raises(InvalidIdentityToken):
        verify_saml_response("A" * 100_004, provider, ROLE_ARN, NOW)


def test_encrypted_assertions_are_refused_clearly(provider: SamlProviderRecord) -> None:
    xml = (
        b"<samlp:Response xmlns:samlp='urn:oasis:names:tc:SAML:2.0:protocol' "
        b"xmlns:saml='urn:oasis:names:tc:SAML:2.0:assertion' ID='_r' Version='2.0'>"
        b"<saml:EncryptedAssertion/></samlp:Response>"
    )
    with pytest.raises(InvalidIdentityToken) as raised:
        verify(xml, provider)
    assert raised.value.message == msg.ENCRYPTED_ASSERTION


def test_provider_past_its_valid_until_is_refused(
    factory: SamlFactory, provider: SamlProviderRecord
) -> None:
    expired = replace(provider, valid_until=NOW - 1)
    with pytest.raises(InvalidIdentityToken) as raised:
        verify(factory.response(spec()), expired)
    assert raised.value.message == msg.PROVIDER_EXPIRED


# --- the keys in IAM's policy engine ------------------------------------------------------


def test_trust_policy_and_game_role_work_with_the_saml_keys(
    factory: SamlFactory, provider: SamlProviderRecord
) -> None:
    result = verify(factory.response(spec(name_id="alice-0001")), provider)
    trust = trust_policy(PROVIDER_ARN, {"StringEquals": {"saml:aud": AWS_SIGNIN}}, SAML)
    assert trust_admits(result, trust, SAML)
    assert not trust_admits(
        result, trust_policy(PROVIDER_ARN, {"StringEquals": {"saml:aud": "x"}}, SAML), SAML
    )
    game_role = game_role_policy("saml:sub")
    assert may_get_item(result, game_role, "alice-0001")
    assert not may_get_item(result, game_role, "bob-0002")
