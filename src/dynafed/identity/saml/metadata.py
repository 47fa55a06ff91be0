"""Reading a SAML 2.0 identity provider's metadata document (what CreateSAMLProvider keeps).

From the metadata IAM needs the issuer (`entityID`), the certificates the provider signs
assertions with (`KeyDescriptor` elements of the `IDPSSODescriptor` whose `use` is `signing`
or absent), and the document's validity (`validUntil`). A document without an entity id or
a usable signing certificate is rejected, as IAM rejects it (InvalidInput).
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from datetime import UTC, datetime

from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import rsa
from lxml import etree

from dynafed.errors import InvalidInput

_MD = "urn:oasis:names:tc:SAML:2.0:metadata"
_DS = "http://www.w3.org/2000/09/xmldsig#"
_NS = {"md": _MD, "ds": _DS}
_PARSE_ERROR = "Could not parse metadata"
_MIN_RSA_BITS = 1024
# IAM keeps a provider whose metadata names no validUntil valid for a long time; ours is
# 100 years after creation.
_DEFAULT_VALIDITY_SECONDS = 100 * 365 * 24 * 3600


@dataclass(frozen=True, slots=True)
class IdpMetadata:
    entity_id: str
    signing_certificates: list[str]
    """Base64 DER, one per certificate, in document order, without duplicates."""
    valid_until: float | None


def _parser() -> etree.XMLParser:
    # No DTDs, no entity expansion, no network: the document comes from a client.
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)


def _entity_descriptor(root: etree._Element) -> etree._Element:
    if root.tag == f"{{{_MD}}}EntityDescriptor":
        return root
    if root.tag == f"{{{_MD}}}EntitiesDescriptor":
        found = root.find("md:EntityDescriptor", _NS)
        if found is not None:
            return found
    raise InvalidInput(_PARSE_ERROR)


def _parse_instant(text: str | None) -> float | None:
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError as error:
        raise InvalidInput(_PARSE_ERROR) from error
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.timestamp()


def _certificate(text: str) -> str:
    compact = "".join(text.split())
    try:
        der = base64.b64decode(compact, validate=True)
        certificate = x509.load_der_x509_certificate(der)
    except (binascii.Error, ValueError) as error:
        raise InvalidInput(_PARSE_ERROR) from error
    key = certificate.public_key()
    if isinstance(key, rsa.RSAPublicKey) and key.key_size < _MIN_RSA_BITS:
        raise InvalidInput(_PARSE_ERROR)
    return base64.b64encode(der).decode()


def _signing_certificates(descriptor: etree._Element) -> list[str]:
    certificates: list[str] = []
    for idp in descriptor.findall("md:IDPSSODescriptor", _NS):
        for key in idp.findall("md:KeyDescriptor", _NS):
            if key.get("use", "signing") != "signing":
                continue
            for element in key.iterfind(".//ds:X509Certificate", _NS):
                certificate = _certificate(element.text or "")
                if certificate not in certificates:
                    certificates.append(certificate)
    return certificates


def parse_idp_metadata(document: str) -> IdpMetadata:
    try:
        root = etree.fromstring(document.encode("utf-8"), _parser())
    except etree.XMLSyntaxError as error:
        raise InvalidInput(_PARSE_ERROR) from error
    descriptor = _entity_descriptor(root)
    entity_id = descriptor.get("entityID")
    certificates = _signing_certificates(descriptor)
    if not entity_id or not certificates:
        raise InvalidInput(_PARSE_ERROR)
    valid_until = _parse_instant(descriptor.get("validUntil"))
    if valid_until is None and root is not descriptor:
        valid_until = _parse_instant(root.get("validUntil"))
    return IdpMetadata(entity_id, certificates, valid_until)


def effective_valid_until(metadata: IdpMetadata, created_at: float) -> float:
    if metadata.valid_until is not None:
        return metadata.valid_until
    return created_at + _DEFAULT_VALIDITY_SECONDS
