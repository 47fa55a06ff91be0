"""The assertion's attributes: AWS's own (RoleSessionName, SessionDuration, SourceIdentity,
PrincipalTag:*, TransitiveTagKeys) and the standard ones that become `saml:` condition keys.

Rules follow IAM's "Configuring SAML assertions for the authentication response"
(https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_providers_create_saml_assertions.html),
"Passing session tags in AWS STS" (https://docs.aws.amazon.com/IAM/latest/UserGuide/id_session-tags.html)
and the SAML keys of the condition-key reference
(https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_iam-condition-keys.html#condition-keys-saml).
"""

from __future__ import annotations

from dataclasses import replace

import pytest
from saml_support import provider_for, spec, verify
from tests.fixtures.saml.certs import shared_identity
from tests.fixtures.saml.factory import (
    ATTR,
    PROVIDER_ARN,
    ROLE_ARN,
    SamlFactory,
)

from dynafed.errors import InvalidIdentityToken
from dynafed.identity.saml import messages as msg
from dynafed.identity.saml.attributes import names_role
from dynafed.identity.saml.verifier import SamlProviderRecord, VerifiedSamlAssertion
from dynafed.identity.verified import SessionTags


@pytest.fixture(scope="module")
def factory() -> SamlFactory:
    return SamlFactory(shared_identity("idp"))


@pytest.fixture(scope="module")
def provider() -> SamlProviderRecord:
    return provider_for(shared_identity("idp"))


def verify_with(
    factory: SamlFactory, provider: SamlProviderRecord, **attributes: list[str] | None
) -> VerifiedSamlAssertion:
    return verify(factory.response(spec().with_attributes(**attributes)), provider)


def verify_extra(
    factory: SamlFactory, provider: SamlProviderRecord, extra: dict[str, list[str]]
) -> VerifiedSamlAssertion:
    base = spec()
    return verify(
        factory.response(replace(base, attributes={**base.attributes, **extra})), provider
    )


def invalid(
    factory: SamlFactory, provider: SamlProviderRecord, **attributes: list[str] | None
) -> str:
    with pytest.raises(InvalidIdentityToken) as raised:
        verify_with(factory, provider, **attributes)
    return raised.value.message


# --- RoleSessionName ---------------------------------------------------------------------


def test_missing_role_session_name(factory: SamlFactory, provider: SamlProviderRecord) -> None:
    assert invalid(factory, provider, RoleSessionName=None) == msg.NO_SESSION_NAME


@pytest.mark.parametrize("name", ["a", "x" * 65, "alice smith", "alice/admin", "élodie", "a:b"])
def test_role_session_name_outside_the_pattern(
    factory: SamlFactory, provider: SamlProviderRecord, name: str
) -> None:
    assert invalid(factory, provider, RoleSessionName=[name]) == msg.BAD_SESSION_NAME


@pytest.mark.parametrize("name", ["ab", "x" * 64, "alice+game=1,team.blue@example-test_2"])
def test_role_session_name_inside_the_pattern(
    factory: SamlFactory, provider: SamlProviderRecord, name: str
) -> None:
    result = verify_with(factory, provider, RoleSessionName=[name])
    assert result.role_session_name == name
    assert result.trust_context_keys["sts:RoleSessionName"] == [name]


def test_two_role_session_names_are_refused(
    factory: SamlFactory, provider: SamlProviderRecord
) -> None:
    message = invalid(factory, provider, RoleSessionName=["alice", "bob"])
    assert message == msg.BAD_ATTRIBUTE.format(name="RoleSessionName")


# --- SessionDuration -----------------------------------------------------------------------


@pytest.mark.parametrize("seconds", ["900", "3600", "43200"])
def test_session_duration_within_limits(
    factory: SamlFactory, provider: SamlProviderRecord, seconds: str
) -> None:
    assert verify_with(factory, provider, SessionDuration=[seconds]).session_duration == int(
        seconds
    )


@pytest.mark.parametrize("seconds", ["899", "43201", "1h", "-900", "3600.5", "", "٣٦٠٠"])
def test_session_duration_outside_limits(
    factory: SamlFactory, provider: SamlProviderRecord, seconds: str
) -> None:
    assert invalid(factory, provider, SessionDuration=[seconds]) == msg.BAD_SESSION_DURATION


# --- SourceIdentity --------------------------------------------------------------------------


def test_source_identity_is_returned_and_offered_to_the_trust_policy(
    factory: SamlFactory, provider: SamlProviderRecord
) -> None:
    result = verify_with(factory, provider, SourceIdentity=["alice@example.test"])
    assert result.source_identity == "alice@example.test"
    assert result.trust_context_keys["sts:SourceIdentity"] == ["alice@example.test"]


@pytest.mark.parametrize("value", ["a", "has space", "aws:admin"])
def test_invalid_source_identity(
    factory: SamlFactory, provider: SamlProviderRecord, value: str
) -> None:
    with pytest.raises(InvalidIdentityToken):
        verify_with(factory, provider, SourceIdentity=[value])


# --- session tags --------------------------------------------------------------------------


def test_principal_tags_and_transitive_keys(
    factory: SamlFactory, provider: SamlProviderRecord
) -> None:
    result = verify_extra(
        factory,
        provider,
        {
            ATTR + "PrincipalTag:Project": ["Automation"],
            ATTR + "PrincipalTag:CostCenter": ["987654"],
            ATTR + "TransitiveTagKeys": ["Project"],
        },
    )
    assert result.tags == SessionTags(
        {"Project": "Automation", "CostCenter": "987654"}, ("Project",)
    )
    keys = result.trust_context_keys
    assert keys["aws:RequestTag/Project"] == ["Automation"]
    assert keys["aws:RequestTag/CostCenter"] == ["987654"]
    assert sorted(keys["aws:TagKeys"]) == ["CostCenter", "Project"]
    assert keys["sts:TransitiveTagKeys"] == ["Project"]
    assert "aws:RequestTag/Project" not in result.session_context_keys


@pytest.mark.parametrize(
    "extra",
    [
        {ATTR + "PrincipalTag:Project": ["a", "b"]},
        {ATTR + "PrincipalTag:aws:reserved": ["x"]},
        {ATTR + "PrincipalTag:Project": ["x"], ATTR + "PrincipalTag:project": ["y"]},
        {ATTR + "PrincipalTag:Project": ["x"], ATTR + "TransitiveTagKeys": ["Team"]},
        {ATTR + "PrincipalTag:Bad{Key}": ["x"]},
    ],
)
def test_invalid_session_tags(
    factory: SamlFactory, provider: SamlProviderRecord, extra: dict[str, list[str]]
) -> None:
    with pytest.raises(InvalidIdentityToken):
        verify_extra(factory, provider, extra)


def test_more_than_fifty_tags_are_refused(
    factory: SamlFactory, provider: SamlProviderRecord
) -> None:
    tags = {f"{ATTR}PrincipalTag:T{i}": ["v"] for i in range(51)}
    with pytest.raises(InvalidIdentityToken):
        verify_extra(factory, provider, tags)


# --- standard attributes as condition keys --------------------------------------------------


def test_eduperson_and_x500_attributes_become_saml_keys(
    factory: SamlFactory, provider: SamlProviderRecord
) -> None:
    result = verify_extra(
        factory,
        provider,
        {
            "urn:oid:1.3.6.1.4.1.5923.1.1.1.1": ["staff", "member"],
            "urn:oid:1.3.6.1.4.1.5923.1.1.1.6": ["alice@example.test"],
            "urn:oid:2.5.4.3": ["Alice Example"],
            "urn:oid:0.9.2342.19200300.100.1.3": ["alice@example.test"],
            "urn:oid:2.5.4.42": ["Alice"],
            "https://example.test/custom": ["not a key"],
        },
    )
    keys = result.trust_context_keys
    assert keys["saml:edupersonaffiliation"] == ["staff", "member"]
    assert keys["saml:edupersonprincipalname"] == ["alice@example.test"]
    assert keys["saml:cn"] == ["Alice Example"]
    assert keys["saml:mail"] == ["alice@example.test"]
    assert keys["saml:givenName"] == ["Alice"]
    assert not any("custom" in key or "not a key" in v for key, vs in keys.items() for v in vs)
    assert "saml:edupersonaffiliation" not in result.session_context_keys


# --- the Role attribute -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (f"{ROLE_ARN},{PROVIDER_ARN}", True),
        (f"{PROVIDER_ARN},{ROLE_ARN}", True),
        (f" {ROLE_ARN} , {PROVIDER_ARN} ", True),
        (f"{ROLE_ARN},{PROVIDER_ARN},extra", False),
        (f"{ROLE_ARN}", False),
        (f"{ROLE_ARN.upper()},{PROVIDER_ARN}", False),
    ],
)
def test_role_values_pair_the_role_with_the_provider(value: str, expected: bool) -> None:
    assert names_role({ATTR + "Role": (value,)}, ROLE_ARN, PROVIDER_ARN) is expected
