"""OidcVerifier: AssumeRoleWithWebIdentity's token checks, including the attack cases.

Codes and messages follow sts-identity.md §1.5/§1.6 and
https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRoleWithWebIdentity.html
(InvalidIdentityToken, ExpiredTokenException, IDPCommunicationError).
"""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest
from idp_double import CLIENT_ID, ISSUER, NOW, FakeIdp, SigningKey, default_claims, mint, sign_raw
from joserfc import jwt
from joserfc.jwk import OctKey

from dynafed.core.clock import FixedClock
from dynafed.errors import ExpiredToken, IDPCommunicationError, InvalidIdentityToken
from dynafed.identity import messages
from dynafed.identity.oidc.verifier import OidcProviderRecord, OidcVerifier, OidcVerifierSettings

PREFIX = "idp.example.test/realms/game"


def b64(data: dict[str, Any] | bytes) -> str:
    raw = data if isinstance(data, bytes) else json.dumps(data).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def rejected(verifier: OidcVerifier, token: str) -> InvalidIdentityToken:
    with pytest.raises(InvalidIdentityToken) as raised:
        verifier.verify(token)
    assert raised.value.code == "InvalidIdentityToken" and raised.value.status == 400
    return raised.value


# --- accepted tokens ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("key_name", "alg"),
    [
        ("rsa-1", "RS256"),
        ("rsa-1", "RS384"),
        ("rsa-1", "RS512"),
        ("ec-256", "ES256"),
        ("ec-384", "ES384"),
        ("ec-521", "ES512"),
    ],
)
def test_every_allowed_algorithm_verifies(
    verifier: OidcVerifier, idp: FakeIdp, key_pool: dict[str, SigningKey], key_name: str, alg: str
) -> None:
    idp.published = [key_pool[key_name]]
    identity = verifier.verify(mint(key_pool[key_name], alg))
    assert identity.subject == "user-0001"


def test_verified_identity_carries_provider_audience_and_keys(
    verifier: OidcVerifier, key_pool: dict[str, SigningKey], provider: OidcProviderRecord
) -> None:
    token = mint(key_pool["rsa-1"], amr=["pwd", "mfa"], email="a@example.test")
    identity = verifier.verify(token)
    assert identity.provider_arn == provider.arn
    assert identity.provider_key == PREFIX
    assert identity.issuer == ISSUER
    assert identity.audience == CLIENT_ID
    assert identity.expires_at == int(NOW) + 600 and identity.issued_at == int(NOW) - 10
    assert identity.trust_context_keys == {
        f"{PREFIX}:sub": ["user-0001"],
        f"{PREFIX}:aud": [CLIENT_ID],
        f"{PREFIX}:oaud": [CLIENT_ID],
        f"{PREFIX}:amr": ["pwd", "mfa"],
        "aws:FederatedProvider": [provider.arn],
    }
    assert identity.session_context_keys == {
        f"{PREFIX}:sub": ["user-0001"],
        f"{PREFIX}:aud": [CLIENT_ID],
        f"{PREFIX}:amr": ["pwd", "mfa"],
        "aws:FederatedProvider": [provider.arn],
    }
    assert identity.tags is None and identity.source_identity is None
    assert identity.claims["email"] == "a@example.test"


def test_audience_array_matches_any_registered_client(
    verifier: OidcVerifier, key_pool: dict[str, SigningKey]
) -> None:
    identity = verifier.verify(mint(key_pool["rsa-1"], aud=["other-api", "game-mobile"]))
    assert identity.audience == "game-mobile"
    assert identity.trust_context_keys[f"{PREFIX}:oaud"] == ["other-api", "game-mobile"]


def test_azp_naming_a_registered_client_is_the_audience(
    verifier: OidcVerifier, key_pool: dict[str, SigningKey]
) -> None:
    # Google hybrid apps: aud is the server client, azp the registered app (sts-identity §1.6.5)
    identity = verifier.verify(mint(key_pool["rsa-1"], aud="server-client", azp=CLIENT_ID))
    assert identity.audience == CLIENT_ID
    assert identity.trust_context_keys[f"{PREFIX}:aud"] == [CLIENT_ID]
    assert identity.trust_context_keys[f"{PREFIX}:oaud"] == ["server-client"]
    assert identity.trust_context_keys[f"{PREFIX}:azp"] == [CLIENT_ID]
    assert f"{PREFIX}:azp" not in identity.session_context_keys


def test_token_carrying_tags_and_source_identity(
    verifier: OidcVerifier, key_pool: dict[str, SigningKey]
) -> None:
    tags = {"principal_tags": {"Team": ["blue"]}, "transitive_tag_keys": ["Team"]}
    token = mint(
        key_pool["rsa-1"],
        **{"https://aws.amazon.com/tags": tags, "https://aws.amazon.com/source_identity": "alice"},
    )
    identity = verifier.verify(token)
    assert identity.tags is not None and identity.tags.principal_tags == {"Team": "blue"}
    assert identity.tags.transitive_tag_keys == ("Team",)
    assert identity.source_identity == "alice"
    assert identity.trust_context_keys["aws:RequestTag/Team"] == ["blue"]
    assert identity.trust_context_keys["aws:TagKeys"] == ["Team"]
    assert identity.trust_context_keys["sts:SourceIdentity"] == ["alice"]


def test_unknown_header_members_are_tolerated(
    verifier: OidcVerifier, key_pool: dict[str, SigningKey]
) -> None:
    header = {"alg": "RS256", "kid": "rsa-1", "x5t": "abc", "typ": "JWT", "custom": 1}
    token = sign_raw(key_pool["rsa-1"], "RS256", header, default_claims())
    assert verifier.verify(token).subject == "user-0001"


# --- attacks and malformed tokens -----------------------------------------------------------


def test_signed_by_another_key_with_the_same_kid(
    verifier: OidcVerifier, key_pool: dict[str, SigningKey]
) -> None:
    token = mint(key_pool["rsa-attacker"])
    assert jwt.decode(token, key_pool["rsa-attacker"]).header["kid"] == "rsa-1"
    assert rejected(verifier, token).message == messages.NOT_VALIDATED


def test_unknown_kid(verifier: OidcVerifier, key_pool: dict[str, SigningKey]) -> None:
    token = mint(key_pool["rsa-2"])
    assert rejected(verifier, token).message == messages.NO_VERIFICATION_KEY


@pytest.mark.parametrize("alg", ["none", "None", "NONE", ""])
def test_alg_none(verifier: OidcVerifier, alg: str) -> None:
    claims = {"iss": ISSUER, "aud": CLIENT_ID, "sub": "admin", "exp": int(NOW) + 600}
    token = f"{b64({'alg': alg, 'kid': 'rsa-1'})}.{b64(claims)}."
    assert rejected(verifier, token).message == messages.NOT_VALIDATED


@pytest.mark.filterwarnings("ignore:This key should not be used as an oct key")
def test_hs256_signed_with_the_rsa_public_key(
    verifier: OidcVerifier, key_pool: dict[str, SigningKey]
) -> None:
    # The classic key-confusion attack: use the published RSA key's PEM as an HMAC secret.
    public_pem = key_pool["rsa-1"].as_pem(private=False)
    hmac_key = OctKey.import_key(public_pem)
    token = mint(hmac_key, "HS256", header={"kid": "rsa-1"})
    assert rejected(verifier, token).message == messages.NOT_VALIDATED


@pytest.mark.parametrize("alg", ["PS256", "EdDSA", "ES256K", "HS512"])
def test_algorithms_outside_the_allowlist(
    verifier: OidcVerifier, key_pool: dict[str, SigningKey], alg: str
) -> None:
    good = mint(key_pool["rsa-1"]).split(".")
    forged = f"{b64({'alg': alg, 'kid': 'rsa-1'})}.{good[1]}.{good[2]}"
    assert rejected(verifier, forged).message == messages.NOT_VALIDATED


def test_header_alg_swapped_to_another_family(
    verifier: OidcVerifier, key_pool: dict[str, SigningKey]
) -> None:
    # An RS256 signature presented as ES256 under the EC key's kid must not verify.
    good = mint(key_pool["rsa-1"]).split(".")
    forged = f"{b64({'alg': 'ES256', 'kid': 'ec-256'})}.{good[1]}.{good[2]}"
    assert rejected(verifier, forged).message == messages.NOT_VALIDATED


def test_rsa_kid_with_ec_algorithm_finds_no_key(
    verifier: OidcVerifier, key_pool: dict[str, SigningKey]
) -> None:
    token = mint(key_pool["ec-256"], "ES256", header={"kid": "rsa-1"})
    assert rejected(verifier, token).message == messages.NO_VERIFICATION_KEY


@pytest.mark.parametrize(
    "change", [{"sub": "someone-else"}, {"aud": "game-mobile"}, {"exp": int(NOW) + 99_999}]
)
def test_tampered_claims(
    verifier: OidcVerifier, key_pool: dict[str, SigningKey], change: dict[str, Any]
) -> None:
    header, payload, signature = mint(key_pool["rsa-1"]).split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=="))
    tampered = f"{header}.{b64({**claims, **change})}.{signature}"
    assert rejected(verifier, tampered).message == messages.NOT_VALIDATED


def test_tampered_signature_byte(verifier: OidcVerifier, key_pool: dict[str, SigningKey]) -> None:
    header, payload, signature = mint(key_pool["rsa-1"]).split(".")
    raw = bytearray(base64.urlsafe_b64decode(signature + "=="))
    raw[10] ^= 0x01
    assert rejected(verifier, f"{header}.{payload}.{b64(bytes(raw))}").message == (
        messages.NOT_VALIDATED
    )


def test_critical_header_we_do_not_understand(
    verifier: OidcVerifier, key_pool: dict[str, SigningKey]
) -> None:
    header = {"alg": "RS256", "kid": "rsa-1", "crit": ["exp-policy"], "exp-policy": 1}
    token = sign_raw(key_pool["rsa-1"], "RS256", header, default_claims())
    assert rejected(verifier, token).message == messages.NOT_VALIDATED


def test_wrong_issuer(verifier: OidcVerifier, key_pool: dict[str, SigningKey]) -> None:
    token = mint(key_pool["rsa-1"], iss="https://evil.example.test")
    assert rejected(verifier, token).message == (
        "No OpenIDConnect provider found in your account for https://evil.example.test"
    )


def test_issuer_match_is_exact(verifier: OidcVerifier, key_pool: dict[str, SigningKey]) -> None:
    token = mint(key_pool["rsa-1"], iss=ISSUER + "/")
    assert rejected(verifier, token).message.startswith("No OpenIDConnect provider found")


def test_wrong_audience(verifier: OidcVerifier, key_pool: dict[str, SigningKey]) -> None:
    token = mint(key_pool["rsa-1"], aud="someone-elses-app")
    assert rejected(verifier, token).message == "Incorrect token audience"


def test_azp_alone_does_not_rescue_a_foreign_audience_list(
    verifier: OidcVerifier, key_pool: dict[str, SigningKey]
) -> None:
    token = mint(key_pool["rsa-1"], aud=["a", "b"], azp="not-registered")
    assert rejected(verifier, token).message == "Incorrect token audience"


@pytest.mark.parametrize("claim", ["aud", "sub", "exp", "iss"])
def test_missing_required_claims(
    verifier: OidcVerifier, key_pool: dict[str, SigningKey], claim: str
) -> None:
    token = mint(key_pool["rsa-1"], **{claim: None})
    assert rejected(verifier, token).message == f"Missing a required claim: {claim}"


def test_expired_token_is_expired_token_exception(
    verifier: OidcVerifier, key_pool: dict[str, SigningKey]
) -> None:
    token = mint(key_pool["rsa-1"], iat=int(NOW) - 3_700, exp=int(NOW) - 100)
    with pytest.raises(ExpiredToken) as raised:
        verifier.verify(token)
    assert raised.value.code == "ExpiredTokenException" and raised.value.status == 400
    assert raised.value.message == (
        f"Token expired: current date/time {int(NOW)} must be before the expiration "
        f"date/time{int(NOW) - 100}"
    )


def test_expiry_tolerates_a_minute_of_clock_skew(
    verifier: OidcVerifier, key_pool: dict[str, SigningKey], clock: FixedClock
) -> None:
    token = mint(key_pool["rsa-1"], exp=int(NOW))
    clock.advance(59)
    assert verifier.verify(token).subject == "user-0001"
    clock.advance(1)
    with pytest.raises(ExpiredToken):
        verifier.verify(token)


def test_token_issued_too_long_ago(verifier: OidcVerifier, key_pool: dict[str, SigningKey]) -> None:
    token = mint(key_pool["rsa-1"], iat=int(NOW) - 441_398, exp=int(NOW) + 600)
    with pytest.raises(ExpiredToken) as raised:
        verifier.verify(token)
    assert raised.value.message == "Token too old: 441398"


@pytest.mark.parametrize("claims", [{"nbf": int(NOW) + 3_600}, {"iat": int(NOW) + 3_600}])
def test_not_yet_valid(
    verifier: OidcVerifier, key_pool: dict[str, SigningKey], claims: dict[str, int]
) -> None:
    assert rejected(verifier, mint(key_pool["rsa-1"], **claims)).message == messages.NOT_VALIDATED


@pytest.mark.parametrize(
    "claims",
    [{"exp": float(NOW + 600)}, {"exp": str(int(NOW) + 600)}, {"iat": True}, {"nbf": "0"}],
)
def test_numeric_dates_must_be_integers(
    verifier: OidcVerifier, key_pool: dict[str, SigningKey], claims: dict[str, Any]
) -> None:
    rejected(verifier, mint(key_pool["rsa-1"], **claims))


@pytest.mark.parametrize(
    "claims", [{"sub": 42}, {"aud": 7}, {"aud": ["ok", 3]}, {"azp": ["x"]}, {"iss": 1}]
)
def test_claims_of_the_wrong_type(
    verifier: OidcVerifier, key_pool: dict[str, SigningKey], claims: dict[str, Any]
) -> None:
    rejected(verifier, mint(key_pool["rsa-1"], **claims))


@pytest.mark.parametrize(
    "token",
    [
        "",
        "garbage",
        "a.b",
        "a.b.c.d.e",  # a JWE has five parts
        "!!!.???.***",
        f"{b64(b'[1,2]')}.{b64({'iss': ISSUER})}.sig",
        f"{b64({'alg': 'RS256'})}.{b64(b'not json')}.sig",
        "opaque-access-token-Atza|IQEBLjAsAhRFiXuWpUXuRvQ9PZL3GMFcYevydwIUFAHZwXZXX",
    ],
)
def test_not_a_jwt(verifier: OidcVerifier, token: str) -> None:
    assert rejected(verifier, token).message == messages.NOT_A_JWT


def test_oversized_token(verifier: OidcVerifier, key_pool: dict[str, SigningKey]) -> None:
    token = mint(key_pool["rsa-1"], padding="x" * 20_000)
    assert rejected(verifier, token).message == messages.NOT_A_JWT


def test_unreachable_provider(verifier: OidcVerifier, idp: FakeIdp, key_pool: dict) -> None:
    idp.down = True
    with pytest.raises(IDPCommunicationError):
        verifier.verify(mint(key_pool["rsa-1"]))


def test_unknown_issuer_never_triggers_a_fetch(
    verifier: OidcVerifier, idp: FakeIdp, key_pool: dict[str, SigningKey]
) -> None:
    rejected(verifier, mint(key_pool["rsa-1"], iss="https://attacker.example/"))
    assert idp.requests == []


def test_token_age_limit_can_be_disabled(
    cache: Any, clock: FixedClock, provider: OidcProviderRecord, key_pool: dict[str, SigningKey]
) -> None:
    from dynafed.identity.oidc.claims import TimeRules

    settings = OidcVerifierSettings(times=TimeRules(max_age=None))
    verifier = OidcVerifier({provider.url: provider}.get, cache, clock, settings)
    token = mint(key_pool["rsa-1"], iat=int(NOW) - 30 * 86_400)
    assert verifier.verify(token).issued_at == int(NOW) - 30 * 86_400
