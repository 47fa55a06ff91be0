"""OpenID Connect and SAML providers (IAM API reference; OIDC URL rules per issue 3 item 3)."""

from __future__ import annotations

import base64
from datetime import UTC, datetime, timedelta

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from iam_harness import ACCOUNT, InProcessIam

from dynafed.iam.lookup import find_oidc_provider_by_issuer, find_saml_provider_by_arn


@pytest.mark.parametrize(
    ("url", "arn_suffix"),
    [
        ("https://idp.example.com", "idp.example.com"),
        ("https://idp.example.com/realms/app", "idp.example.com/realms/app"),
        ("http://127.0.0.1:4010/idp", "127.0.0.1:4010/idp"),
        ("http://127.8.9.10:4010", "127.8.9.10:4010"),
        ("http://localhost:8080/oidc", "localhost:8080/oidc"),
        ("http://[::1]:9000/x", "[::1]:9000/x"),
    ],
)
def test_accepted_provider_urls_and_their_arns(
    iam: InProcessIam, url: str, arn_suffix: str
) -> None:
    arn = iam.call("CreateOpenIDConnectProvider", Url=url, ClientIDList=["app"])[
        "OpenIDConnectProviderArn"
    ]
    assert arn == f"arn:aws:iam::{ACCOUNT}:oidc-provider/{arn_suffix}"
    got = iam.call("GetOpenIDConnectProvider", OpenIDConnectProviderArn=arn)
    assert got["Url"] == arn_suffix
    assert got["ClientIDList"] == ["app"]


@pytest.mark.parametrize(
    "url",
    [
        "example.org",
        "http://idp.example.com",
        "https://idp.example.com:8443",
        "http://10.0.0.1:4010/idp",
        "https://idp.example.com/?a=b",
        "https://idp.example.com/#frag",
        "ftp://idp.example.com",
    ],
)
def test_rejected_provider_urls(iam: InProcessIam, url: str) -> None:
    assert iam.error("CreateOpenIDConnectProvider", Url=url) == (
        "ValidationError",
        "Invalid Open ID Connect Provider URL",
        400,
    )


def test_provider_lifecycle(iam: InProcessIam) -> None:
    url = "https://idp.example.com"
    arn = iam.call("CreateOpenIDConnectProvider", Url=url, ThumbprintList=["a" * 40])[
        "OpenIDConnectProviderArn"
    ]
    assert iam.error("CreateOpenIDConnectProvider", Url=url) == (
        "EntityAlreadyExists",
        f"Provider with url {url} already exists.",
        409,
    )
    iam.call("AddClientIDToOpenIDConnectProvider", OpenIDConnectProviderArn=arn, ClientID="c1")
    iam.call("AddClientIDToOpenIDConnectProvider", OpenIDConnectProviderArn=arn, ClientID="c2")
    iam.call("AddClientIDToOpenIDConnectProvider", OpenIDConnectProviderArn=arn, ClientID="c1")
    iam.call("RemoveClientIDFromOpenIDConnectProvider", OpenIDConnectProviderArn=arn, ClientID="c9")
    iam.call("RemoveClientIDFromOpenIDConnectProvider", OpenIDConnectProviderArn=arn, ClientID="c1")
    iam.call(
        "UpdateOpenIDConnectProviderThumbprint",
        OpenIDConnectProviderArn=arn,
        ThumbprintList=["c" * 40, "d" * 40],
    )
    got = iam.call("GetOpenIDConnectProvider", OpenIDConnectProviderArn=arn)
    assert got["ClientIDList"] == ["c2"]
    assert got["ThumbprintList"] == ["c" * 40, "d" * 40]
    assert got["Tags"] == []
    listed = iam.call("ListOpenIDConnectProviders")["OpenIDConnectProviderList"]
    assert listed == [{"Arn": arn}]
    iam.call("DeleteOpenIDConnectProvider", OpenIDConnectProviderArn=arn)
    assert iam.error("GetOpenIDConnectProvider", OpenIDConnectProviderArn=arn) == (
        "NoSuchEntity",
        f"OpenIDConnect Provider not found for arn {arn}",
        404,
    )
    assert iam.error("DeleteOpenIDConnectProvider", OpenIDConnectProviderArn=arn) == (
        "NoSuchEntity",
        f"OpenId connect Provider {arn} cannot be found.",
        404,
    )


def test_provider_quotas(iam: InProcessIam) -> None:
    assert iam.error(
        "CreateOpenIDConnectProvider", Url="https://a.example.com", ThumbprintList=["a" * 40] * 6
    ) == ("InvalidInput", "Thumbprint list must contain fewer than 5 entries.", 400)
    assert iam.error(
        "CreateOpenIDConnectProvider",
        Url="https://a.example.com",
        ClientIDList=[str(i) for i in range(101)],
    ) == ("LimitExceeded", "Cannot exceed quota for ClientIdsPerOpenIdConnectProvider: 100", 409)


def test_provider_list_constraints_use_member_constraint_wording(iam: InProcessIam) -> None:
    _, message, _ = iam.error(
        "CreateOpenIDConnectProvider",
        Url="b" * 256,
        ThumbprintList=["b" * 41],
        ClientIDList=["b" * 256],
    )
    assert message == (
        "3 validation errors detected: Value at 'clientIDList' failed to satisfy constraint: "
        "Member must satisfy constraint: [Member must have length less than or equal to 255, "
        "Member must have length greater than or equal to 1]; Value at 'thumbprintList' failed "
        "to satisfy constraint: Member must satisfy constraint: [Member must have length less "
        "than or equal to 40, Member must have length greater than or equal to 40]; Value at "
        "'url' failed to satisfy constraint: Member must have length less than or equal to 255"
    )


def test_issuer_lookup_matches_scheme_and_trailing_slash(iam: InProcessIam) -> None:
    iam.call("CreateOpenIDConnectProvider", Url="http://127.0.0.1:4010/idp")
    with iam.storage.read() as view:
        found = find_oidc_provider_by_issuer(view, "http://127.0.0.1:4010/idp")
        assert found is not None and found.key == "127.0.0.1:4010/idp"
        assert find_oidc_provider_by_issuer(view, "http://127.0.0.1:4010/idp/") is not None
        assert find_oidc_provider_by_issuer(view, "https://127.0.0.1:4010/idp") is None
        assert find_oidc_provider_by_issuer(view, "http://127.0.0.1:4010/other") is None


# --- SAML -----------------------------------------------------------------------------------


def _certificate() -> str:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "idp.example.com")])
    now = datetime(2026, 1, 1, tzinfo=UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(1)
        .not_valid_before(now)
        .not_valid_after(now + timedelta(days=3650))
        .sign(key, hashes.SHA256())
    )
    return base64.b64encode(certificate.public_bytes(serialization.Encoding.DER)).decode()


CERTIFICATE = _certificate()


def metadata(
    certificate: str = CERTIFICATE,
    valid_until: str | None = None,
    entity_id: str = "https://idp.example.com/saml",
) -> str:
    until = f' validUntil="{valid_until}"' if valid_until else ""
    return f"""<?xml version="1.0"?>
<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata"
    xmlns:ds="http://www.w3.org/2000/09/xmldsig#" entityID="{entity_id}"{until}>
  <md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">
    <md:KeyDescriptor use="signing">
      <ds:KeyInfo><ds:X509Data><ds:X509Certificate>
{certificate}
      </ds:X509Certificate></ds:X509Data></ds:KeyInfo>
    </md:KeyDescriptor>
    <md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect"
        Location="https://idp.example.com/saml/sso"/>
  </md:IDPSSODescriptor>
</md:EntityDescriptor>"""


def test_saml_provider_keeps_signing_certificates(iam: InProcessIam) -> None:
    document = metadata(valid_until="2030-01-01T00:00:00Z")
    arn = iam.call("CreateSAMLProvider", Name="Corp", SAMLMetadataDocument=document)[
        "SAMLProviderArn"
    ]
    assert arn == f"arn:aws:iam::{ACCOUNT}:saml-provider/Corp"
    got = iam.call("GetSAMLProvider", SAMLProviderArn=arn)
    assert got["SAMLMetadataDocument"] == document
    assert got["ValidUntil"] == datetime(2030, 1, 1, tzinfo=UTC)
    assert got["AssertionEncryptionMode"] == "Allowed"
    with iam.storage.read() as view:
        provider = find_saml_provider_by_arn(view, arn)
    assert provider is not None
    assert provider.signing_certificates == [CERTIFICATE]
    assert provider.entity_id == "https://idp.example.com/saml"
    listed = iam.call("ListSAMLProviders")["SAMLProviderList"]
    assert [entry["Arn"] for entry in listed] == [arn]


def test_saml_provider_update_and_delete(iam: InProcessIam) -> None:
    arn = iam.call("CreateSAMLProvider", Name="Corp", SAMLMetadataDocument=metadata())[
        "SAMLProviderArn"
    ]
    replacement = metadata(entity_id="https://idp2.example.com/saml")
    assert (
        iam.call("UpdateSAMLProvider", SAMLProviderArn=arn, SAMLMetadataDocument=replacement)[
            "SAMLProviderArn"
        ]
        == arn
    )
    assert iam.call("GetSAMLProvider", SAMLProviderArn=arn)["SAMLMetadataDocument"] == replacement
    iam.call("DeleteSAMLProvider", SAMLProviderArn=arn)
    assert iam.error("GetSAMLProvider", SAMLProviderArn=arn) == (
        "NoSuchEntity",
        f"Manifest not found for arn {arn}",
        404,
    )


@pytest.mark.parametrize(
    "document",
    [
        metadata(certificate="not-base64!!") + " " * 1000,
        metadata().replace('use="signing"', 'use="encryption"'),
        "<notxml" + " " * 1000,
    ],
    ids=["bad-base64", "no-signing-key", "not-xml"],
)
def test_unusable_metadata_is_rejected(iam: InProcessIam, document: str) -> None:
    assert iam.error("CreateSAMLProvider", Name="Corp", SAMLMetadataDocument=document) == (
        "InvalidInput",
        "Could not parse metadata",
        400,
    )


def test_short_metadata_is_a_validation_error(iam: InProcessIam) -> None:
    code, message, _ = iam.error("CreateSAMLProvider", Name="Corp", SAMLMetadataDocument="<x/>")
    assert code == "ValidationError"
    assert "'sAMLMetadataDocument'" in message
    assert "Member must have length greater than or equal to 1000" in message
