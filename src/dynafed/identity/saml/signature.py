"""The XML signature of a SAML Response, and the only part of it we may trust afterwards.

AWS accepts a signature over the `Response` or over its `Assertion` (sts-identity.md §5.1
step 3). We look for exactly those two places — `Response/ds:Signature` or
`Response/Assertion/ds:Signature`, never anywhere else — verify with signxml against the
provider's certificates, and hand back the element signxml returns (`signed_xml`: re-parsed
from the canonical bytes that were digested, comments removed). Callers read nothing else:
an unsigned assertion placed before or after the signed one, a signed assertion moved into
`Extensions` or `ds:Object`, or text hidden behind comments never reaches them
(signature-wrapping defence, https://www.w3.org/TR/xmldsig-bestpractices/#practices-applications).

Algorithms: exclusive canonicalization only (as SAML core §5.4.3 recommends), RSA or ECDSA
with SHA-2; RSA-SHA1/SHA-1 digests only when allowed (AWS still accepts them).
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from cryptography import x509
from lxml import etree
from signxml.algorithms import DigestAlgorithm, SignatureMethod
from signxml.exceptions import SignXMLException
from signxml.verifier import SignatureConfiguration, XMLVerifier

from dynafed.errors import InvalidIdentityToken
from dynafed.identity.saml import messages as msg

PROTOCOL = "urn:oasis:names:tc:SAML:2.0:protocol"
ASSERTION = "urn:oasis:names:tc:SAML:2.0:assertion"
DSIG = "http://www.w3.org/2000/09/xmldsig#"

_EXC_C14N = frozenset(
    {
        "http://www.w3.org/2001/10/xml-exc-c14n#",
        "http://www.w3.org/2001/10/xml-exc-c14n#WithComments",
    }
)
_ENVELOPED = "http://www.w3.org/2000/09/xmldsig#enveloped-signature"
_SHA2_METHODS = frozenset(
    {
        SignatureMethod.RSA_SHA256,
        SignatureMethod.RSA_SHA384,
        SignatureMethod.RSA_SHA512,
        SignatureMethod.ECDSA_SHA256,
        SignatureMethod.ECDSA_SHA384,
        SignatureMethod.ECDSA_SHA512,
    }
)
_SHA2_DIGESTS = frozenset({DigestAlgorithm.SHA256, DigestAlgorithm.SHA384, DigestAlgorithm.SHA512})


@dataclass(frozen=True, slots=True)
class SignedAssertion:
    assertion: etree._Element
    """The verified Assertion (a standalone element, signature removed)."""
    response: etree._Element | None
    """The verified Response when the Response itself was signed; None otherwise."""


def verify_signed_assertion(
    response: etree._Element,
    certificates: Sequence[str],
    now: float,
    allow_sha1: bool,
) -> SignedAssertion:
    """The assertion of `response` as signed by one of `certificates` (base64 DER), or
    InvalidIdentityToken "Response signature invalid"."""
    assertions = response.findall(f"{{{ASSERTION}}}Assertion")
    if response.find(f"{{{DSIG}}}Signature") is not None:
        signed = _verify(response, "./", certificates, now, allow_sha1)
        _require_same(signed, response)
        inner = signed.findall(f"{{{ASSERTION}}}Assertion")
        if len(inner) != 1:
            raise InvalidIdentityToken(msg.ONE_ASSERTION)
        return SignedAssertion(inner[0], signed)
    if len(assertions) != 1 or assertions[0].find(f"{{{DSIG}}}Signature") is None:
        raise InvalidIdentityToken(msg.SIGNATURE_INVALID)
    signed = _verify(response, f"./{{{ASSERTION}}}Assertion/", certificates, now, allow_sha1)
    _require_same(signed, assertions[0])
    return SignedAssertion(signed, None)


def _verify(
    document: etree._Element,
    location: str,
    certificates: Sequence[str],
    now: float,
    allow_sha1: bool,
) -> etree._Element:
    signature = document.find(f"{location}{{{DSIG}}}Signature")
    if signature is None or not _uses_exclusive_c14n(signature):
        raise InvalidIdentityToken(msg.SIGNATURE_INVALID)
    config = _configuration(location, now, allow_sha1)
    for certificate in _certificates(certificates):
        try:
            result = XMLVerifier().verify(document, x509_cert=certificate, expect_config=config)
        except (SignXMLException, etree.LxmlError, ValueError, TypeError):
            continue  # wrong key, or a defect no other certificate will cure either
        signed = getattr(result, "signed_xml", None)
        if signed is not None:
            return signed
    raise InvalidIdentityToken(msg.SIGNATURE_INVALID)


def _require_same(signed: etree._Element, expected: etree._Element) -> None:
    """The signature must cover the element it sits in, not some other element it names."""
    if (
        signed.tag != expected.tag
        or not expected.get("ID")
        or signed.get("ID") != expected.get("ID")
    ):
        raise InvalidIdentityToken(msg.SIGNATURE_INVALID)


def _uses_exclusive_c14n(signature: etree._Element) -> bool:
    method = signature.find(f"{{{DSIG}}}SignedInfo/{{{DSIG}}}CanonicalizationMethod")
    if method is None or method.get("Algorithm") not in _EXC_C14N:
        return False
    transforms = signature.iterfind(
        f".//{{{DSIG}}}Reference/{{{DSIG}}}Transforms/{{{DSIG}}}Transform"
    )
    allowed = _EXC_C14N | {_ENVELOPED}
    return all(transform.get("Algorithm") in allowed for transform in transforms)


def _configuration(location: str, now: float, allow_sha1: bool) -> SignatureConfiguration:
    methods = _SHA2_METHODS | ({SignatureMethod.RSA_SHA1} if allow_sha1 else set())
    digests = _SHA2_DIGESTS | ({DigestAlgorithm.SHA1} if allow_sha1 else set())
    return SignatureConfiguration(
        location=location,
        expect_references=1,
        signature_methods=frozenset(methods),
        digest_algorithms=frozenset(digests),
        verification_time=datetime.fromtimestamp(now, UTC),
    )


def _certificates(encoded: Sequence[str]) -> list[x509.Certificate]:
    loaded = []
    for text in encoded:
        try:
            loaded.append(x509.load_der_x509_certificate(base64.b64decode(text, validate=True)))
        except (binascii.Error, ValueError):
            continue  # IAM validated them when the provider was created
    return loaded
