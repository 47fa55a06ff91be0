"""Fixture-level checks over real HTTP: the fake Google (discovery, JWKS, RS256 ID tokens) on
loopback, our production transport, the built-in Google verifier in both key-location modes,
key rotation, and the GameRole policy keyed on `${accounts.google.com:sub}`."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from dynafed.core.clock import SystemClock
from dynafed.errors import IDPCommunicationError, InvalidIdentityToken
from dynafed.identity.fetch import UrllibFetcher
from dynafed.identity.oidc.google import GoogleSettings, GoogleVerifier, google_key_cache
from tests.fixtures.fake_providers import FakeGoogle
from tests.fixtures.fake_providers.gamerole import (
    game_role_policy,
    may_get_item,
    trust_admits,
    trust_policy,
)
from tests.fixtures.fake_providers.google import ANDROID_CLIENT, WEB_CLIENT

pytestmark = pytest.mark.e2e


@pytest.fixture
def google() -> Iterator[FakeGoogle]:
    service = FakeGoogle()
    service.start()
    yield service
    service.stop()


def verifier_for(settings: GoogleSettings) -> GoogleVerifier:
    clock = SystemClock()
    keys = google_key_cache(UrllibFetcher(timeout=5.0), clock, settings)
    return GoogleVerifier(keys, clock, settings)


@pytest.fixture(params=["jwks_url", "discovery"])
def verifier(request: pytest.FixtureRequest, google: FakeGoogle) -> GoogleVerifier:
    if request.param == "jwks_url":
        return verifier_for(GoogleSettings(jwks_url=google.jwks_url))
    return verifier_for(GoogleSettings(jwks_url=None, discovery_issuer=google.discovery_issuer))


def test_google_token_over_http_gets_the_game_role_scoped_to_its_user(
    verifier: GoogleVerifier, google: FakeGoogle
) -> None:
    identity = verifier.verify(google.id_token(sub="1001", aud=WEB_CLIENT, azp=ANDROID_CLIENT))
    trust = trust_policy(
        "accounts.google.com", {"StringEquals": {"accounts.google.com:aud": ANDROID_CLIENT}}
    )
    assert trust_admits(identity, trust)
    game_role = game_role_policy("accounts.google.com:sub")
    assert may_get_item(identity, game_role, "1001")
    assert not may_get_item(identity, game_role, "1002")


class MovableClock:
    """Real time plus an offset, so a test can step past the JWKS re-fetch rate limit."""

    def __init__(self) -> None:
        self.offset = 0.0

    def now(self) -> float:
        return time.time() + self.offset


def test_rotated_google_key_is_fetched_once_the_rate_limit_allows(google: FakeGoogle) -> None:
    clock = MovableClock()
    settings = GoogleSettings(jwks_url=google.jwks_url)
    verifier = GoogleVerifier(google_key_cache(UrllibFetcher(), clock, settings), clock, settings)
    assert verifier.verify(google.id_token()).subject
    google.rotate(keep_old=False)
    with pytest.raises(InvalidIdentityToken):
        verifier.verify(google.id_token())  # unknown kid, but the JWKS was fetched just now
    clock.offset = 120.0
    assert verifier.verify(google.id_token(lifetime=3600)).subject


def test_google_down_is_idp_communication_error(google: FakeGoogle) -> None:
    verifier = verifier_for(GoogleSettings(jwks_url=google.jwks_url))
    token = google.id_token()
    google.stop()
    with pytest.raises(IDPCommunicationError):
        verifier.verify(token)
