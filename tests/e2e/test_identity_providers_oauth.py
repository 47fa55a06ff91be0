"""Fixture-level checks over real HTTP: the fake Login-with-Amazon and Facebook services on
loopback, our production transport (UrllibFetcher), the OAuth verifiers, and the seed's
GameRole policy keyed on `${www.amazon.com:user_id}` (iam-fgac.md §5.6) evaluated with the
keys they produce. The STS end-to-end tests build on these fixtures."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from dynafed.core.clock import SystemClock
from dynafed.errors import IDPCommunicationError, IDPRejectedClaim
from dynafed.identity.fetch import UrllibFetcher
from dynafed.identity.oauth.amazon import AmazonSettings, AmazonTokenVerifier
from dynafed.identity.oauth.facebook import FacebookSettings, FacebookTokenVerifier
from tests.fixtures.fake_providers import FakeFacebook, FakeLoginWithAmazon
from tests.fixtures.fake_providers.amazon import APP_ID as AMAZON_APP_ID
from tests.fixtures.fake_providers.facebook import APP_ACCESS_TOKEN
from tests.fixtures.fake_providers.facebook import APP_ID as FACEBOOK_APP_ID
from tests.fixtures.fake_providers.gamerole import (
    game_role_policy,
    may_get_item,
    trust_admits,
    trust_policy,
)

pytestmark = pytest.mark.e2e

ALICE = "amzn1.account.AGJZDKHJKAUUSW6C44CHPEXAMPLE"
OTHER = "amzn1.account.OTHEREXAMPLE"


@pytest.fixture
def amazon() -> Iterator[FakeLoginWithAmazon]:
    service = FakeLoginWithAmazon()
    service.start()
    yield service
    service.stop()


@pytest.fixture
def facebook() -> Iterator[FakeFacebook]:
    service = FakeFacebook()
    service.start()
    yield service
    service.stop()


def amazon_verifier(amazon: FakeLoginWithAmazon) -> AmazonTokenVerifier:
    settings = AmazonSettings(tokeninfo_url=amazon.tokeninfo_url)
    return AmazonTokenVerifier(UrllibFetcher(timeout=5.0), SystemClock(), settings)


def test_login_with_amazon_token_over_http_gets_the_game_role_scoped_to_its_user(
    amazon: FakeLoginWithAmazon,
) -> None:
    identity = amazon_verifier(amazon).verify(amazon.issue(ALICE))
    trust = trust_policy(
        "www.amazon.com", {"StringEquals": {"www.amazon.com:app_id": AMAZON_APP_ID}}
    )
    assert trust_admits(identity, trust)
    game_role = game_role_policy("www.amazon.com:user_id")
    assert may_get_item(identity, game_role, ALICE)
    assert not may_get_item(identity, game_role, OTHER)


def test_another_apps_amazon_token_is_not_admitted_by_the_trust_policy(
    amazon: FakeLoginWithAmazon,
) -> None:
    token = amazon.issue(ALICE, app_id="amzn1.application.someone-else")
    identity = amazon_verifier(amazon).verify(token)
    trust = trust_policy(
        "www.amazon.com", {"StringEquals": {"www.amazon.com:app_id": AMAZON_APP_ID}}
    )
    assert not trust_admits(identity, trust)


def test_amazon_rejection_travels_as_an_http_400_body(amazon: FakeLoginWithAmazon) -> None:
    token = amazon.issue(ALICE)
    amazon.revoke(token)
    with pytest.raises(IDPRejectedClaim):
        amazon_verifier(amazon).verify(token)


def test_amazon_down_is_idp_communication_error(amazon: FakeLoginWithAmazon) -> None:
    token = amazon.issue(ALICE)
    verifier = amazon_verifier(amazon)
    amazon.stop()
    with pytest.raises(IDPCommunicationError):
        verifier.verify(token)


@pytest.mark.parametrize("app_token", [APP_ACCESS_TOKEN, None])
def test_facebook_token_over_http_gets_the_game_role_scoped_to_its_user(
    facebook: FakeFacebook, app_token: str | None
) -> None:
    settings = FacebookSettings(graph_url=facebook.graph_url, app_access_token=app_token)
    verifier = FacebookTokenVerifier(UrllibFetcher(timeout=5.0), SystemClock(), settings)
    identity = verifier.verify(facebook.issue("10158012345678901"))
    trust = trust_policy(
        "graph.facebook.com", {"StringEquals": {"graph.facebook.com:app_id": FACEBOOK_APP_ID}}
    )
    assert trust_admits(identity, trust)
    game_role = game_role_policy("graph.facebook.com:id")
    assert may_get_item(identity, game_role, "10158012345678901")
    assert not may_get_item(identity, game_role, "10158000000000000")


def test_facebook_throttling_is_told_apart_from_rejection_by_the_error_body(
    facebook: FakeFacebook,
) -> None:
    # Both come back as HTTP 4xx; only the Graph error code in the body tells them apart.
    settings = FacebookSettings(graph_url=facebook.graph_url)
    verifier = FacebookTokenVerifier(UrllibFetcher(timeout=5.0), SystemClock(), settings)
    token = facebook.issue("10158012345678901")
    facebook.throttled = True
    with pytest.raises(IDPCommunicationError):
        verifier.verify(token)
    facebook.throttled = False
    facebook.revoke(token)
    with pytest.raises(IDPRejectedClaim):
        verifier.verify(token)
