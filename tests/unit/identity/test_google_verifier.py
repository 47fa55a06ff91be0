"""GoogleVerifier: Google ID tokens as AWS accepts them for `accounts.google.com`.

Behaviour follows sts-identity.md §1.6 and iam-fgac.md §4.4 (Google `aud`/`oaud`/`sub`), the
STS API reference for AssumeRoleWithWebIdentity, and Google's ID-token validation rules
(https://developers.google.com/identity/openid-connect/openid-connect#validatinganidtoken).
The fake serves Google's real URLs and document shapes through an in-memory transport.
"""

from __future__ import annotations

import pytest
from idp_double import NOW, SigningKey, sign_raw
from joserfc.jwk import OctKey
from tests.fixtures.fake_providers.google import (
    ANDROID_CLIENT,
    DISCOVERY_PATH,
    JWKS_PATH,
    WEB_CLIENT,
    FakeGoogle,
)

from dynafed.core.clock import FixedClock
from dynafed.errors import ExpiredToken, IDPCommunicationError, InvalidIdentityToken
from dynafed.identity import messages
from dynafed.identity.oidc.google import GoogleSettings, GoogleVerifier, google_key_cache


@pytest.fixture
def google(key_pool: dict[str, SigningKey], clock: FixedClock) -> FakeGoogle:
    return FakeGoogle(now=clock.now, keys=[key_pool["rsa-1"]])


def verifier_for(google: FakeGoogle, clock: FixedClock, **settings: object) -> GoogleVerifier:
    config = GoogleSettings(**settings)  # type: ignore[arg-type]
    return GoogleVerifier(google_key_cache(google.fetch, clock, config), clock, config)


@pytest.fixture
def verifier(google: FakeGoogle, clock: FixedClock) -> GoogleVerifier:
    return verifier_for(google, clock)


def test_keys_come_from_googles_jwks_url_by_default(
    verifier: GoogleVerifier, google: FakeGoogle
) -> None:
    identity = verifier.verify(google.id_token())
    assert identity.subject == "110169484474386276334"
    assert google.requests == [JWKS_PATH]


def test_keys_can_be_found_through_discovery(google: FakeGoogle, clock: FixedClock) -> None:
    verifier = verifier_for(google, clock, jwks_url=None)
    verifier.verify(google.id_token())
    assert google.requests == [DISCOVERY_PATH, JWKS_PATH]


@pytest.mark.parametrize("issuer", ["accounts.google.com", "https://accounts.google.com"])
def test_both_issuer_spellings_google_uses_are_accepted(
    verifier: GoogleVerifier, google: FakeGoogle, issuer: str
) -> None:
    assert verifier.verify(google.id_token(iss=issuer)).issuer == issuer


@pytest.mark.parametrize(
    "issuer", ["https://accounts.google.com/", "http://accounts.google.com", "accounts.evil.com"]
)
def test_other_issuers_are_refused(
    verifier: GoogleVerifier, google: FakeGoogle, issuer: str
) -> None:
    with pytest.raises(InvalidIdentityToken) as raised:
        verifier.verify(google.id_token(iss=issuer))
    assert raised.value.message == messages.NO_PROVIDER.format(issuer=issuer)


def test_web_app_token_keys_aud_and_oaud_are_the_audience(
    verifier: GoogleVerifier, google: FakeGoogle
) -> None:
    identity = verifier.verify(google.id_token(sub="1001", email="bob@example.test"))
    assert identity.provider_arn == identity.provider_key == "accounts.google.com"
    assert identity.audience == WEB_CLIENT
    assert identity.trust_context_keys == {
        "accounts.google.com:sub": ["1001"],
        "accounts.google.com:aud": [WEB_CLIENT],
        "accounts.google.com:oaud": [WEB_CLIENT],
        "accounts.google.com:email": ["bob@example.test"],
        "aws:FederatedProvider": ["accounts.google.com"],
    }
    assert identity.session_context_keys == {
        "accounts.google.com:sub": ["1001"],
        "accounts.google.com:aud": [WEB_CLIENT],
        "aws:FederatedProvider": ["accounts.google.com"],
    }


def test_hybrid_app_token_aud_key_carries_azp_and_oaud_the_real_audience(
    verifier: GoogleVerifier, google: FakeGoogle
) -> None:
    identity = verifier.verify(google.id_token(aud=WEB_CLIENT, azp=ANDROID_CLIENT))
    assert identity.audience == ANDROID_CLIENT
    assert identity.trust_context_keys["accounts.google.com:aud"] == [ANDROID_CLIENT]
    assert identity.trust_context_keys["accounts.google.com:oaud"] == [WEB_CLIENT]
    assert identity.session_context_keys["accounts.google.com:aud"] == [ANDROID_CLIENT]


def test_any_client_id_verifies_because_the_trust_policy_decides(
    verifier: GoogleVerifier, google: FakeGoogle
) -> None:
    identity = verifier.verify(google.id_token(aud="someone-else.apps.googleusercontent.com"))
    assert identity.audience == "someone-else.apps.googleusercontent.com"


def test_token_without_email_has_no_email_key(verifier: GoogleVerifier, google: FakeGoogle) -> None:
    identity = verifier.verify(google.id_token(email=None))
    assert "accounts.google.com:email" not in identity.trust_context_keys


def test_expired_token_is_expired_token_exception(
    verifier: GoogleVerifier, google: FakeGoogle, clock: FixedClock
) -> None:
    token = google.id_token(lifetime=600)
    clock.advance(600 + 61)
    with pytest.raises(ExpiredToken) as raised:
        verifier.verify(token)
    assert raised.value.code == "ExpiredTokenException"
    assert raised.value.message.startswith("Token expired: current date/time ")


def test_missing_audience_is_refused(verifier: GoogleVerifier, google: FakeGoogle) -> None:
    token = google.id_token(aud=None)  # type: ignore[arg-type]
    with pytest.raises(InvalidIdentityToken, match="Missing a required claim: aud"):
        verifier.verify(token)


def test_non_string_azp_is_refused(verifier: GoogleVerifier, google: FakeGoogle) -> None:
    with pytest.raises(InvalidIdentityToken):
        verifier.verify(google.id_token(azp=["a", "b"]))  # type: ignore[arg-type]


def test_token_signed_by_a_key_google_never_published_is_refused(
    verifier: GoogleVerifier, google: FakeGoogle, key_pool: dict[str, SigningKey]
) -> None:
    token = google.id_token(key=key_pool["rsa-2"])  # unknown kid
    with pytest.raises(InvalidIdentityToken) as raised:
        verifier.verify(token)
    assert raised.value.message == messages.NO_VERIFICATION_KEY


def test_forged_token_with_googles_kid_fails_the_signature(
    verifier: GoogleVerifier, google: FakeGoogle, key_pool: dict[str, SigningKey]
) -> None:
    token = google.id_token(key=key_pool["rsa-attacker"])  # same kid as Google's key
    with pytest.raises(InvalidIdentityToken) as raised:
        verifier.verify(token)
    assert raised.value.message == messages.NOT_VALIDATED


def test_tampered_claims_fail_the_signature(verifier: GoogleVerifier, google: FakeGoogle) -> None:
    header, _, signature = google.id_token(sub="alice").split(".")
    other_claims = google.id_token(sub="mallory").split(".")[1]
    with pytest.raises(InvalidIdentityToken):
        verifier.verify(f"{header}.{other_claims}.{signature}")


@pytest.mark.parametrize("alg", ["none", "HS256"])
def test_unsigned_and_hmac_tokens_are_refused(
    verifier: GoogleVerifier, google: FakeGoogle, alg: str
) -> None:
    header = {"alg": alg, "kid": google.keys[0].kid}
    claims = {"iss": "accounts.google.com", "aud": WEB_CLIENT, "sub": "x", "exp": int(NOW) + 60}
    token = (
        sign_raw(OctKey.import_key(b"secret-secret-secret-secret-32by"), alg, header, claims)
        if alg == "HS256"
        else "eyJhbGciOiJub25lIn0.e30."
    )
    with pytest.raises(InvalidIdentityToken):
        verifier.verify(token)


def test_key_rotation_is_picked_up_on_the_first_token_with_the_new_kid(
    verifier: GoogleVerifier,
    google: FakeGoogle,
    clock: FixedClock,
    key_pool: dict[str, SigningKey],
) -> None:
    verifier.verify(google.id_token())
    clock.advance(120)  # past the re-fetch rate limit
    google.rotate(key_pool["rsa-2"])
    assert verifier.verify(google.id_token()).subject
    assert google.requests == [JWKS_PATH, JWKS_PATH]


def test_google_unreachable_is_idp_communication_error(
    verifier: GoogleVerifier, google: FakeGoogle
) -> None:
    google.down = True
    with pytest.raises(IDPCommunicationError):
        verifier.verify(google.id_token())


def test_google_answering_5xx_is_idp_communication_error(
    verifier: GoogleVerifier, google: FakeGoogle
) -> None:
    google.forced_status = 503
    with pytest.raises(IDPCommunicationError):
        verifier.verify(google.id_token())


def test_not_a_jwt_is_the_aws_message(verifier: GoogleVerifier) -> None:
    with pytest.raises(InvalidIdentityToken) as raised:
        verifier.verify("ya29.an-access-token-not-an-id-token")
    assert raised.value.message == messages.NOT_A_JWT
