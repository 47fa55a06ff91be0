"""Interop with an independent SAML IdP: pysaml2's `Server` signing with Debian's xmlsec1.

Its metadata goes through IAM's own parser (what CreateSAMLProvider stores), and its
responses through `verify_saml_response`, as AssumeRoleWithSAML will use them
(sts-identity.md §7.2). Times are real: pysaml2 stamps responses with the current time.
"""

from __future__ import annotations

import base64
import time
from pathlib import Path

import pytest
from tests.fixtures.saml.certs import shared_identity
from tests.fixtures.saml.factory import ATTR, AWS_SIGNIN
from tests.fixtures.saml.pysaml2_idp import IDP_ENTITY_ID, Pysaml2Idp

from dynafed.errors import ExpiredToken, InvalidIdentityToken
from dynafed.identity.saml import messages as msg
from dynafed.identity.saml.metadata import parse_idp_metadata
from dynafed.identity.saml.verifier import SamlProviderRecord, SamlSettings, verify_saml_response

ACCOUNT = "123456789012"
PROVIDER_ARN = f"arn:aws:iam::{ACCOUNT}:saml-provider/Pysaml2IdP"
ROLE_ARN = f"arn:aws:iam::{ACCOUNT}:role/GameRole"
ATTRIBUTES = {
    ATTR + "Role": [f"{ROLE_ARN},{PROVIDER_ARN}"],
    ATTR + "RoleSessionName": ["alice@example.test"],
}


@pytest.fixture(scope="module")
def idp(tmp_path_factory: pytest.TempPathFactory) -> Pysaml2Idp:
    return Pysaml2Idp.create(Path(tmp_path_factory.mktemp("pysaml2-idp")))


@pytest.fixture(scope="module")
def provider(idp: Pysaml2Idp) -> SamlProviderRecord:
    """The provider as IAM keeps it after CreateSAMLProvider with the IdP's metadata."""
    metadata = parse_idp_metadata(idp.metadata())
    return SamlProviderRecord(
        arn=PROVIDER_ARN,
        entity_id=metadata.entity_id,
        signing_certificates=tuple(metadata.signing_certificates),
        valid_until=metadata.valid_until,
    )


def test_metadata_names_the_idp_and_its_signing_certificate(
    provider: SamlProviderRecord, idp: Pysaml2Idp
) -> None:
    assert provider.entity_id == IDP_ENTITY_ID
    assert provider.signing_certificates == (idp.identity.cert_b64,)


def test_sha256_signed_assertion_is_accepted_with_aws_fields(
    idp: Pysaml2Idp, provider: SamlProviderRecord
) -> None:
    result = verify_saml_response(
        idp.response("alice-0001", ATTRIBUTES), provider, ROLE_ARN, time.time()
    )
    assert (result.subject, result.subject_type) == ("alice-0001", "persistent")
    assert (result.issuer, result.audience) == (IDP_ENTITY_ID, AWS_SIGNIN)
    assert result.role_session_name == "alice@example.test"
    assert result.trust_context_keys["saml:doc"] == [f"{ACCOUNT}/Pysaml2IdP"]


def test_signed_response_instead_of_assertion_is_accepted(
    idp: Pysaml2Idp, provider: SamlProviderRecord
) -> None:
    encoded = idp.response("alice-0001", ATTRIBUTES, sign_assertion=False, sign_response=True)
    assert verify_saml_response(encoded, provider, ROLE_ARN, time.time()).subject == "alice-0001"


def test_sha1_signed_assertion_is_accepted_unless_configured_off(
    idp: Pysaml2Idp, provider: SamlProviderRecord
) -> None:
    encoded = idp.response("alice-0001", ATTRIBUTES, sha1=True)
    assert verify_saml_response(encoded, provider, ROLE_ARN, time.time()).subject == "alice-0001"
    with pytest.raises(InvalidIdentityToken, match=msg.SIGNATURE_INVALID):
        verify_saml_response(
            encoded, provider, ROLE_ARN, time.time(), SamlSettings(allow_sha1=False)
        )


def test_session_attributes_from_the_idp(idp: Pysaml2Idp, provider: SamlProviderRecord) -> None:
    attributes = {
        **ATTRIBUTES,
        ATTR + "SessionDuration": ["1800"],
        ATTR + "SourceIdentity": ["alice"],
        ATTR + "PrincipalTag:Team": ["blue"],
        "urn:oid:1.3.6.1.4.1.5923.1.1.1.1": ["staff"],
    }
    result = verify_saml_response(
        idp.response("alice-0001", attributes), provider, ROLE_ARN, time.time()
    )
    assert result.session_duration == 1800 and result.source_identity == "alice"
    assert result.tags is not None and result.tags.principal_tags == {"Team": "blue"}
    assert result.trust_context_keys["saml:edupersonaffiliation"] == ["staff"]


def test_response_edited_after_the_idp_signed_it_is_refused(
    idp: Pysaml2Idp, provider: SamlProviderRecord
) -> None:
    xml = base64.b64decode(idp.response("alice-0001", ATTRIBUTES))
    edited = base64.b64encode(xml.replace(b">alice-0001<", b">mallory-01<")).decode()
    with pytest.raises(InvalidIdentityToken, match=msg.SIGNATURE_INVALID):
        verify_saml_response(edited, provider, ROLE_ARN, time.time())


def test_provider_with_another_certificate_refuses_the_idps_responses(
    idp: Pysaml2Idp, provider: SamlProviderRecord
) -> None:
    other = SamlProviderRecord(PROVIDER_ARN, IDP_ENTITY_ID, (shared_identity("attacker").cert_b64,))
    with pytest.raises(InvalidIdentityToken, match=msg.SIGNATURE_INVALID):
        verify_saml_response(idp.response("alice-0001", ATTRIBUTES), other, ROLE_ARN, time.time())


def test_response_past_its_lifetime_is_expired(
    idp: Pysaml2Idp, provider: SamlProviderRecord
) -> None:
    encoded = idp.response("alice-0001", ATTRIBUTES)
    with pytest.raises(ExpiredToken):
        verify_saml_response(encoded, provider, ROLE_ARN, time.time() + 3600)
