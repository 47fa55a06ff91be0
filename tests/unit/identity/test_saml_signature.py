"""The signature of a SAML response: who may sign, what counts as signed, and the attacks.

AWS rejects these with InvalidIdentityToken "Response signature invalid" (sts-identity.md
§1.5, §5.1 step 3). After verification only signxml's `signed_xml` is read, so wrapped,
duplicated, hidden or comment-split content never reaches the checks
(https://www.w3.org/TR/xmldsig-bestpractices/#practices-applications; the XSW variants are
those of Somorovsky et al., "On Breaking SAML: Be Whoever You Want to Be", USENIX Security 2012).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from lxml import etree
from saml_support import provider_for, spec, verify
from tests.fixtures.saml.certs import SigningIdentity, new_signing_identity, shared_identity
from tests.fixtures.saml.factory import (
    ASSERTION,
    DSIG,
    PROVIDER_ARN,
    ROLE_ARN,
    ResponseSpec,
    SamlFactory,
)

from dynafed.errors import InvalidIdentityToken
from dynafed.identity.saml import messages as msg
from dynafed.identity.saml.verifier import SamlProviderRecord, SamlSettings

ADMIN_ROLE = "arn:aws:iam::123456789012:role/Admin"


@pytest.fixture(scope="module")
def idp() -> SigningIdentity:
    return shared_identity("idp")


@pytest.fixture(scope="module")
def factory(idp: SigningIdentity) -> SamlFactory:
    return SamlFactory(idp)


@pytest.fixture(scope="module")
def provider(idp: SigningIdentity) -> SamlProviderRecord:
    return provider_for(idp)


def evil() -> ResponseSpec:
    """What an attacker would like to be true: another user, an admin role."""
    return spec(name_id="mallory").with_attributes(
        Role=[f"{ADMIN_ROLE},{PROVIDER_ARN}"], RoleSessionName=["mallory"]
    )


def refused(xml: bytes, provider: SamlProviderRecord, role_arn: str = ROLE_ARN) -> None:
    with pytest.raises(InvalidIdentityToken) as raised:
        verify(xml, provider, role_arn=role_arn)
    assert raised.value.message == msg.SIGNATURE_INVALID
    assert raised.value.code == "InvalidIdentityToken" and raised.value.status == 400


# --- who signed --------------------------------------------------------------------------


def test_unsigned_response_is_refused(factory: SamlFactory, provider: SamlProviderRecord) -> None:
    refused(factory.response(spec(), sign="none"), provider)


def test_signature_by_a_certificate_not_in_the_metadata_is_refused(
    factory: SamlFactory, provider: SamlProviderRecord
) -> None:
    refused(factory.response(spec(), signer=shared_identity("attacker")), provider)


def test_the_certificate_inside_the_signature_is_not_trusted(
    factory: SamlFactory, provider: SamlProviderRecord, idp: SigningIdentity
) -> None:
    attacker = shared_identity("attacker")
    impostor = replace(attacker, cert_pem=idp.cert_pem, cert=idp.cert)  # KeyInfo names the IdP
    refused(factory.response(spec(), signer=impostor), provider)


def test_a_provider_certificate_outside_its_validity_is_refused(factory: SamlFactory) -> None:
    expired = new_signing_identity(valid_until=datetime(2025, 1, 1, tzinfo=UTC))
    refused(factory.response(spec(), signer=expired), provider_for(expired))


def test_ecdsa_signatures_are_accepted(factory: SamlFactory) -> None:
    ec_idp = new_signing_identity("ec-idp.example.test", curve=ec.SECP256R1())
    xml = factory.response(spec(), signer=ec_idp, algorithm="ecdsa-sha256")
    assert verify(xml, provider_for(ec_idp)).subject == "alice-0001"


# --- algorithms ----------------------------------------------------------------------------


def test_sha1_signatures_are_accepted_as_aws_accepts_them(
    factory: SamlFactory, provider: SamlProviderRecord
) -> None:
    xml = factory.response(spec(), algorithm="rsa-sha1", digest="sha1")
    assert verify(xml, provider).subject == "alice-0001"


def test_sha1_can_be_refused_by_configuration(
    factory: SamlFactory, provider: SamlProviderRecord
) -> None:
    xml = factory.response(spec(), algorithm="rsa-sha1", digest="sha1")
    with pytest.raises(InvalidIdentityToken, match=msg.SIGNATURE_INVALID):
        verify(xml, provider, settings=SamlSettings(allow_sha1=False))


@pytest.mark.parametrize(
    "c14n",
    ["http://www.w3.org/TR/2001/REC-xml-c14n-20010315", "http://www.w3.org/2006/12/xml-c14n11"],
)
def test_only_exclusive_canonicalization_is_accepted(
    factory: SamlFactory, provider: SamlProviderRecord, c14n: str
) -> None:
    refused(factory.response(spec(), c14n=c14n), provider)


# --- tampering after signing ---------------------------------------------------------------


def _set_text(path: str, text: str) -> object:
    def change(response: etree._Element) -> None:
        element = response.find(path)
        assert element is not None
        element.text = text

    return change


@pytest.mark.parametrize("sign", ["assertion", "response"])
@pytest.mark.parametrize(
    ("path", "text"),
    [
        (f".//{{{ASSERTION}}}NameID", "mallory"),
        (
            f".//{{{ASSERTION}}}Attribute/{{{ASSERTION}}}AttributeValue",
            f"{ADMIN_ROLE},{PROVIDER_ARN}",
        ),
        (f".//{{{ASSERTION}}}Audience", "urn:amazon:webservices:evil"),
    ],
)
def test_content_changed_after_signing_is_refused(
    factory: SamlFactory, provider: SamlProviderRecord, sign: str, path: str, text: str
) -> None:
    signed = factory.response(spec(), sign=sign)
    refused(SamlFactory.tampered(signed, _set_text(path, text)), provider)  # type: ignore[arg-type]


def test_extended_validity_after_signing_is_refused(
    factory: SamlFactory, provider: SamlProviderRecord
) -> None:
    def extend(response: etree._Element) -> None:
        conditions = response.find(f".//{{{ASSERTION}}}Conditions")
        assert conditions is not None
        conditions.set("NotOnOrAfter", "2099-01-01T00:00:00Z")

    refused(SamlFactory.tampered(factory.response(spec()), extend), provider)


def test_a_comment_splitting_the_name_id_does_not_truncate_it(
    factory: SamlFactory, provider: SamlProviderRecord
) -> None:
    # The IdP signed "alice@example.test.evil.test"; a comment inserted after "alice@example.test"
    # leaves the exclusive-c14n digest intact, and must not shorten what we read.
    signed = factory.response(spec(name_id="alice@example.test.evil.test"))

    def split(response: etree._Element) -> None:
        name_id = response.find(f".//{{{ASSERTION}}}NameID")
        assert name_id is not None
        name_id.text = "alice@example.test"
        comment = etree.Comment("")
        comment.tail = ".evil.test"
        name_id.append(comment)

    result = verify(SamlFactory.tampered(signed, split), provider)
    assert result.subject == "alice@example.test.evil.test"


# --- signature wrapping ----------------------------------------------------------------------


@pytest.mark.parametrize("before", [True, False])
@pytest.mark.parametrize("sign", ["assertion", "response"])
def test_an_extra_unsigned_assertion_next_to_the_signed_one_is_refused(
    factory: SamlFactory, provider: SamlProviderRecord, before: bool, sign: str
) -> None:
    signed = factory.response(spec(), sign=sign)
    wrapped = factory.with_extra_assertion(signed, evil(), before=before)
    with pytest.raises(InvalidIdentityToken):
        verify(wrapped, provider, role_arn=ADMIN_ROLE)


@pytest.mark.parametrize("same_id", [False, True])
@pytest.mark.parametrize("hide_in", ["Extensions", "Object"])
def test_signed_assertion_moved_away_for_an_unsigned_one_is_refused(
    factory: SamlFactory, provider: SamlProviderRecord, hide_in: str, same_id: bool
) -> None:
    wrapped = factory.with_signed_assertion_hidden(
        factory.response(spec()), evil(), hide_in, same_id=same_id
    )
    refused(wrapped, provider, ADMIN_ROLE)


def test_the_hidden_genuine_assertion_is_not_used_either(
    factory: SamlFactory, provider: SamlProviderRecord
) -> None:
    wrapped = factory.with_signed_assertion_hidden(factory.response(spec()), evil(), "Object")
    refused(wrapped, provider, ROLE_ARN)


def test_a_response_signature_moved_under_the_assertion_is_refused(
    factory: SamlFactory, provider: SamlProviderRecord
) -> None:
    moved = factory.with_response_signature_in_assertion(factory.response(spec(), sign="response"))
    refused(moved, provider)


def test_a_second_signature_element_is_not_searched_for(
    factory: SamlFactory, provider: SamlProviderRecord
) -> None:
    # Only Response/Signature and Response/Assertion/Signature count: a valid signature
    # elsewhere (here inside Extensions) signs nothing we read.
    signed = factory.response(spec())
    wrapped = factory.with_signed_assertion_hidden(signed, spec(name_id="mallory"), "Extensions")
    response = etree.fromstring(wrapped)
    assert response.find(f".//{{{DSIG}}}Signature") is not None
    refused(wrapped, provider)
