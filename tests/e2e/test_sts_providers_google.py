"""Google end to end through the real server: Google is built in (no IAM provider object),
its ID tokens verified against keys read from a Google-like JWKS endpoint on loopback (the
`[google] jwks_url` setting); GameRole keyed on `${accounts.google.com:sub}` scopes DynamoDB
to the user.

AWS pages: IAM User Guide, "Available keys for AWS web identity federation"
(`accounts.google.com:aud` is `azp` when the token has one, `:oaud` the token's `aud`,
`:sub`); STS API reference, AssumeRoleWithWebIdentity (Provider, Audience,
InvalidIdentityToken, ExpiredTokenException). Google: "OpenID Connect" (ID token claims).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.e2e.provider_federation import (
    NOT_AUTHORIZED,
    WEB_IDENTITY,
    ProviderFederation,
    check_own_partition_only,
    federated_trust,
    provider_federation,
)
from tests.fixtures.fake_providers import FakeGoogle
from tests.fixtures.fake_providers.google import ANDROID_CLIENT, WEB_CLIENT, new_google_key

pytestmark = pytest.mark.e2e

GOOGLE = "accounts.google.com"


@pytest.fixture(scope="module")
def google() -> Iterator[FakeGoogle]:
    service = FakeGoogle()
    service.start()
    yield service
    service.stop()


@pytest.fixture(scope="module")
def fed(
    google: FakeGoogle, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[ProviderFederation]:
    # refetch_interval 0: a token with a new key id re-reads Google's keys at once.
    config = f"""
[google]
jwks_url = "{google.jwks_url}"
[jwks]
refetch_interval = 0
[amazon]
enabled = false
[facebook]
enabled = false
"""
    with provider_federation(tmp_path_factory.mktemp("google"), config) as running:
        yield running


@pytest.fixture(scope="module")
def game_role(fed: ProviderFederation) -> str:
    trust = federated_trust(GOOGLE, WEB_IDENTITY, {"StringEquals": {f"{GOOGLE}:aud": WEB_CLIENT}})
    return fed.create_role("GameRole", trust, fed.game_role_statement(f"{GOOGLE}:sub"))


def test_the_exchange_answers_as_aws_does(
    fed: ProviderFederation, google: FakeGoogle, game_role: str
) -> None:
    answer = fed.exchange(game_role, google.id_token(sub="110169484474386276334"))
    assert answer["SubjectFromWebIdentityToken"] == "110169484474386276334"
    assert answer["Provider"] == GOOGLE
    assert answer["Audience"] == WEB_CLIENT
    assert (
        answer["AssumedRoleUser"]["Arn"] == f"arn:aws:sts::{fed.account}:assumed-role/GameRole/app1"
    )
    assert fed.last_exchange()["provider"] == GOOGLE


def test_both_issuer_spellings_google_uses_are_accepted(
    fed: ProviderFederation, google: FakeGoogle, game_role: str
) -> None:
    answer = fed.exchange(game_role, google.id_token(iss="accounts.google.com"))
    assert answer["Provider"] == GOOGLE


def test_game_role_keyed_on_the_google_sub_scopes_each_user_to_their_partition(
    fed: ProviderFederation, google: FakeGoogle, game_role: str
) -> None:
    alice, bob = "104620007233958745001", "104620007233958745002"
    players = [
        fed.player(fed.exchange(game_role, google.id_token(sub=sub)), sub) for sub in (alice, bob)
    ]
    check_own_partition_only(fed, *players)


def test_hybrid_apps_are_told_apart_by_aud_and_oaud(
    fed: ProviderFederation, google: FakeGoogle, game_role: str
) -> None:
    """An Android app's token names the web client as `aud` and itself as `azp`: the
    `:aud` key carries the Android client, `:oaud` the web client."""
    hybrid = google.id_token(aud=WEB_CLIENT, azp=ANDROID_CLIENT)
    assert fed.exchange_error(game_role, hybrid) == NOT_AUTHORIZED
    trust = federated_trust(
        GOOGLE,
        WEB_IDENTITY,
        {"StringEquals": {f"{GOOGLE}:oaud": WEB_CLIENT, f"{GOOGLE}:aud": ANDROID_CLIENT}},
    )
    android_role = fed.create_role("AndroidGameRole", trust)
    assert fed.exchange(android_role, hybrid)["Audience"] == ANDROID_CLIENT


def test_a_token_of_another_client_is_refused_by_the_trust_policy(
    fed: ProviderFederation, google: FakeGoogle, game_role: str
) -> None:
    other = google.id_token(aud="999-someone-else.apps.googleusercontent.com")
    assert fed.exchange_error(game_role, other) == NOT_AUTHORIZED


def test_a_token_signed_by_a_key_google_never_published_is_invalid(
    fed: ProviderFederation, google: FakeGoogle, game_role: str
) -> None:
    forged = google.id_token(key=new_google_key())
    code, _, status = fed.exchange_error(game_role, forged)
    assert (code, status) == ("InvalidIdentityToken", 400)


def test_an_expired_token_is_expired_token_exception(
    fed: ProviderFederation, google: FakeGoogle, game_role: str
) -> None:
    expired = google.id_token(lifetime=-600)
    code, message, status = fed.exchange_error(game_role, expired)
    assert (code, status) == ("ExpiredTokenException", 400)
    assert message.startswith("Token expired")


def test_googles_key_rotation_is_followed(
    fed: ProviderFederation, google: FakeGoogle, game_role: str
) -> None:
    fed.exchange(game_role, google.id_token())  # keys cached
    google.rotate(keep_old=False)
    answer = fed.exchange(game_role, google.id_token(sub="rotated-user"))
    assert answer["SubjectFromWebIdentityToken"] == "rotated-user"
