"""AssumeRoleWithSAML end to end through the real server with boto3.

An independent IdP (pysaml2's `Server`, signing with Debian's `xmlsec1`) publishes its
metadata, which IAM's CreateSAMLProvider takes; its AuthnResponses are traded for GameRole
credentials (trust policy: `Principal.Federated` = the provider ARN, `SAML:aud` = the AWS
sign-in endpoint); GameRole keyed on `${saml:sub}` scopes DynamoDB to the user. Attacks on
the response (unsigned, re-signed, tampered, signature wrapping, expired, wrong audience,
recipient or destination, another role) are built with the in-process signxml IdP using
the same signing key, so only the attack itself can be what is refused; each gets AWS's
error code over the wire, mints nothing, and is audited as a refusal.

AWS pages: STS API reference, AssumeRoleWithSAML (parameters, response elements, errors);
IAM User Guide, "Configure SAML assertions for the authentication response" (Role,
RoleSessionName, SessionDuration, SourceIdentity attributes) and "Available keys for
SAML-based AWS STS federation" (`saml:aud`, `saml:sub`, `saml:namequalifier`).
"""

from __future__ import annotations

import base64
import hashlib
import time
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from lxml import etree

from tests.e2e.provider_federation import (
    ProviderFederation,
    check_own_partition_only,
    federated_trust,
    provider_federation,
    sts_error,
)
from tests.fixtures.saml.certs import shared_identity
from tests.fixtures.saml.factory import (
    ASSERTION,
    ATTR,
    AWS_SIGNIN,
    ResponseSpec,
    SamlFactory,
    encode,
)
from tests.fixtures.saml.pysaml2_idp import IDP_ENTITY_ID, Pysaml2Idp
from tests.support.game_role import policy_document

pytestmark = pytest.mark.e2e

SAML = "sts:AssumeRoleWithSAML"
PROVIDER_NAME = "Pysaml2IdP"
NOT_AUTHORIZED = ("AccessDenied", f"Not authorized to perform {SAML}", 403)
SIGNATURE_INVALID = ("InvalidIdentityToken", "Response signature invalid", 400)


@pytest.fixture(scope="module")
def idp(tmp_path_factory: pytest.TempPathFactory) -> Pysaml2Idp:
    return Pysaml2Idp.create(Path(tmp_path_factory.mktemp("pysaml2-idp")))


@pytest.fixture(scope="module")
def forger(idp: Pysaml2Idp) -> SamlFactory:
    """Builds responses with the IdP's own key: honest ones the attacks start from."""
    return SamlFactory(idp.identity)


@pytest.fixture(scope="module")
def fed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ProviderFederation]:
    # SAML needs no settings: AWS's sign-in endpoint and audience are the defaults.
    with provider_federation(tmp_path_factory.mktemp("saml"), "") as running:
        yield running


@pytest.fixture(scope="module")
def provider_arn(fed: ProviderFederation, idp: Pysaml2Idp) -> str:
    arn: str = fed.admin("iam").create_saml_provider(
        Name=PROVIDER_NAME, SAMLMetadataDocument=idp.metadata()
    )["SAMLProviderArn"]
    return arn


def saml_trust(provider_arn: str, *extra: str, aud: str = AWS_SIGNIN) -> str:
    return federated_trust(provider_arn, [SAML, *extra], {"StringEquals": {"SAML:aud": aud}})


@pytest.fixture(scope="module")
def game_role(fed: ProviderFederation, provider_arn: str) -> str:
    return fed.create_role(
        "GameRole", saml_trust(provider_arn), fed.game_role_statement("saml:sub")
    )


def role_attributes(role: str, provider: str, session: str, **more: list[str]) -> dict[str, Any]:
    return {
        ATTR + "Role": [f"{role},{provider}"],
        ATTR + "RoleSessionName": [session],
        **{ATTR + name: values for name, values in more.items()},
    }


def assume(fed: ProviderFederation, role: str, provider: str, encoded: str, **params: Any) -> Any:
    return fed.unsigned_sts().assume_role_with_saml(
        RoleArn=role, PrincipalArn=provider, SAMLAssertion=encoded, **params
    )


def assume_error(
    fed: ProviderFederation, role: str, provider: str, encoded: str
) -> tuple[str, str, int]:
    return sts_error(
        fed.unsigned_sts().assume_role_with_saml,
        RoleArn=role,
        PrincipalArn=provider,
        SAMLAssertion=encoded,
    )


# --- an honest IdP ------------------------------------------------------------------------


def test_the_response_carries_every_field_aws_returns(
    fed: ProviderFederation, idp: Pysaml2Idp, provider_arn: str, game_role: str
) -> None:
    encoded = idp.response(
        "alice-0001", role_attributes(game_role, provider_arn, "alice@example.test")
    )
    before = int(time.time())
    answer = assume(fed, game_role, provider_arn, encoded)
    after = int(time.time())
    assert answer["Subject"] == "alice-0001"
    assert answer["SubjectType"] == "persistent"
    assert answer["Issuer"] == IDP_ENTITY_ID
    assert answer["Audience"] == AWS_SIGNIN
    qualifier = hashlib.sha1(f"{IDP_ENTITY_ID}{fed.account}/{PROVIDER_NAME}".encode()).digest()
    assert answer["NameQualifier"] == base64.b64encode(qualifier).decode()
    user = answer["AssumedRoleUser"]
    assert user["Arn"] == f"arn:aws:sts::{fed.account}:assumed-role/GameRole/alice@example.test"
    assert user["AssumedRoleId"].startswith("AROA")
    assert user["AssumedRoleId"].endswith(":alice@example.test")
    credentials = answer["Credentials"]
    assert credentials["AccessKeyId"].startswith("ASIA")
    expiration = credentials["Expiration"]
    bounds = [datetime.fromtimestamp(t + 3600, UTC) for t in (before, after)]
    assert bounds[0] <= expiration <= bounds[1]
    assert "PackedPolicySize" not in answer and "SourceIdentity" not in answer
    caller = fed.session_client("sts", credentials).get_caller_identity()
    assert caller["Arn"] == user["Arn"] and caller["UserId"] == user["AssumedRoleId"]
    event = fed.last_exchange()
    assert (event["action"], event["decision"], event["subject"]) == (SAML, "Allow", "alice-0001")
    # The audit line names the trust-policy statement that granted the exchange.
    assert event["statement"]["policy_type"] == "resource-based policy"
    assert event["statement"]["index"] == 0


def test_game_role_keyed_on_saml_sub_scopes_each_user_to_their_partition(
    fed: ProviderFederation, idp: Pysaml2Idp, provider_arn: str, game_role: str
) -> None:
    players = []
    for name_id in ("alice-0001", "bob-0002"):
        encoded = idp.response(name_id, role_attributes(game_role, provider_arn, name_id))
        players.append(fed.player(assume(fed, game_role, provider_arn, encoded), name_id))
    check_own_partition_only(fed, *players)


@pytest.mark.parametrize(
    "signing",
    [{"sign_assertion": False, "sign_response": True}, {"sha1": True}],
    ids=["signed-response", "rsa-sha1"],
)
def test_a_signed_response_and_sha1_signatures_are_accepted_as_aws_accepts_them(
    fed: ProviderFederation,
    idp: Pysaml2Idp,
    provider_arn: str,
    game_role: str,
    signing: dict[str, bool],
) -> None:
    attributes = role_attributes(game_role, provider_arn, "alice")
    encoded = idp.response("alice-0001", attributes, **signing)
    assert assume(fed, game_role, provider_arn, encoded)["Subject"] == "alice-0001"


def test_source_identity_and_a_session_policy(
    fed: ProviderFederation, idp: Pysaml2Idp, provider_arn: str
) -> None:
    role = fed.create_role("AuditedRole", saml_trust(provider_arn, "sts:SetSourceIdentity"))
    attributes = role_attributes(role, provider_arn, "alice", SourceIdentity=["alice"])
    policy = policy_document({"Effect": "Allow", "Action": "dynamodb:GetItem", "Resource": "*"})
    answer = assume(fed, role, provider_arn, idp.response("alice-0001", attributes), Policy=policy)
    assert answer["SourceIdentity"] == "alice"
    assert 0 < answer["PackedPolicySize"] <= 100


def test_the_session_ends_by_the_assertions_session_not_on_or_after(
    fed: ProviderFederation, forger: SamlFactory, provider_arn: str, game_role: str
) -> None:
    now = time.time()
    spec = honest(game_role, provider_arn, now, session_not_on_or_after=now + 1000)
    answer = assume(fed, game_role, provider_arn, encode(forger.response(spec)))
    assert answer["Credentials"]["Expiration"] == datetime.fromtimestamp(int(now + 1000), UTC)


def test_the_trust_policy_checks_saml_aud(
    fed: ProviderFederation, idp: Pysaml2Idp, provider_arn: str
) -> None:
    regional = "https://us-east-1.signin.aws.amazon.com/saml"
    role = fed.create_role("RegionalRole", saml_trust(provider_arn, aud=regional))
    encoded = idp.response("alice-0001", role_attributes(role, provider_arn, "alice"))
    assert assume_error(fed, role, provider_arn, encoded) == NOT_AUTHORIZED


def test_a_provider_that_does_not_exist(
    fed: ProviderFederation, idp: Pysaml2Idp, provider_arn: str, game_role: str
) -> None:
    ghost = provider_arn.replace(PROVIDER_NAME, "Ghost")
    encoded = idp.response("alice-0001", role_attributes(game_role, ghost, "alice"))
    assert assume_error(fed, game_role, ghost, encoded) == (
        "InvalidIdentityToken",
        "Specified provider doesn't exist",
        400,
    )


# --- attacks ---------------------------------------------------------------------------------


def honest(role: str, provider: str, now: float, **changes: Any) -> ResponseSpec:
    return ResponseSpec(
        issue_instant=now,
        issuer=IDP_ENTITY_ID,
        attributes=role_attributes(role, provider, "alice"),
        **changes,
    )


def _rename_subject(signed: bytes) -> bytes:
    def change(response: etree._Element) -> None:
        name_id = response.find(f".//{{{ASSERTION}}}NameID")
        assert name_id is not None
        name_id.text = "bob-0002"

    return SamlFactory.tampered(signed, change)


Attack = Callable[[SamlFactory, ResponseSpec, ResponseSpec], bytes]
"""(forger, honest spec, the attacker's spec) -> the response sent."""

ATTACKS: dict[str, tuple[Attack, tuple[str, str | None, int]]] = {
    "unsigned": (lambda f, ok, evil: f.response(evil, sign="none"), SIGNATURE_INVALID),
    "signed-by-another-key": (
        lambda f, ok, evil: f.response(evil, signer=shared_identity("attacker")),
        SIGNATURE_INVALID,
    ),
    "subject-changed-after-signing": (
        lambda f, ok, evil: _rename_subject(f.response(ok)),
        SIGNATURE_INVALID,
    ),
    "wrapped-extra-assertion": (
        lambda f, ok, evil: f.with_extra_assertion(f.response(ok), evil, before=True),
        ("InvalidIdentityToken", None, 400),
    ),
    "wrapped-signed-assertion-in-extensions": (
        lambda f, ok, evil: f.with_signed_assertion_hidden(f.response(ok), evil, "Extensions"),
        ("InvalidIdentityToken", None, 400),
    ),
    "wrapped-signed-assertion-in-signature-object": (
        lambda f, ok, evil: f.with_signed_assertion_hidden(
            f.response(ok), evil, "Object", same_id=True
        ),
        ("InvalidIdentityToken", None, 400),
    ),
    "expired": (
        lambda f, ok, evil: f.response(replace_time(ok, -3600)),
        ("ExpiredTokenException", "Response has expired", 400),
    ),
    "wrong-audience": (
        lambda f, ok, evil: f.response(with_changes(ok, audiences=("urn:example:other-sp",))),
        ("InvalidIdentityToken", "Response does not contain the required audience.", 400),
    ),
    "wrong-recipient": (
        lambda f, ok, evil: f.response(
            with_changes(ok, recipient="https://sp.example.test/saml/acs", destination=None)
        ),
        ("InvalidIdentityToken", None, 400),
    ),
    "wrong-destination": (
        lambda f, ok, evil: f.response(
            with_changes(ok, destination="https://sp.example.test/saml/acs")
        ),
        ("InvalidIdentityToken", None, 400),
    ),
}


def with_changes(spec: ResponseSpec, **changes: Any) -> ResponseSpec:
    return replace(spec, **changes)


def replace_time(spec: ResponseSpec, shift: float) -> ResponseSpec:
    return with_changes(spec, issue_instant=spec.issue_instant + shift)


@pytest.mark.parametrize("attack", list(ATTACKS))
def test_attacks_are_refused_with_aws_codes_and_mint_nothing(
    fed: ProviderFederation,
    forger: SamlFactory,
    provider_arn: str,
    game_role: str,
    attack: str,
) -> None:
    build, (code, message, status) = ATTACKS[attack]
    now = time.time()
    ok = honest(game_role, provider_arn, now)
    # The attacker wants to be bob.
    evil = with_changes(ok, name_id="bob-0002")
    # The honest response itself is accepted: only the attack can be what is refused.
    assert assume(fed, game_role, provider_arn, encode(forger.response(ok)))["Subject"]
    got_code, got_message, got_status = assume_error(
        fed, game_role, provider_arn, encode(build(forger, ok, evil))
    )
    assert (got_code, got_status) == (code, status)
    if message is not None:
        assert got_message == message
    refusal = fed.last_exchange()
    assert refusal["decision"] == "Deny" and refusal["error"]["code"] == code
    assert "access_key_id" not in refusal and "session" not in refusal


def test_a_response_naming_another_role_cannot_assume_this_one(
    fed: ProviderFederation, forger: SamlFactory, provider_arn: str, game_role: str
) -> None:
    admin = fed.create_role("AdminRole", saml_trust(provider_arn))
    # Signed by the IdP, but for GameRole only: AdminRole is not among its Role values.
    encoded = encode(forger.response(honest(game_role, provider_arn, time.time())))
    assert assume_error(fed, admin, provider_arn, encoded) == NOT_AUTHORIZED
