"""Facebook end to end through the real server: a Facebook user access token
(`ProviderId=graph.facebook.com`) is inspected with the Graph API's `debug_token` (the app
access token comes from the environment, as `app_access_token_env` says) at a fake Graph API
on loopback; GameRole keyed on `${graph.facebook.com:id}` scopes DynamoDB to the user.

AWS pages: STS API reference, AssumeRoleWithWebIdentity; IAM User Guide, "Available keys for
AWS web identity federation" (`graph.facebook.com:app_id`, `graph.facebook.com:id`). Graph
API: "debug_token" reference, "Handling errors" guide.
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
    sts_error,
)
from tests.fixtures.fake_providers import FakeFacebook
from tests.fixtures.fake_providers.facebook import APP_ACCESS_TOKEN, APP_ID, facebook_user_id
from tests.support.server_process import start_server

pytestmark = pytest.mark.e2e

FACEBOOK = "graph.facebook.com"
TOKEN_VARIABLE = "DYNAFED_TEST_FACEBOOK_APP_TOKEN"


@pytest.fixture(scope="module")
def facebook() -> Iterator[FakeFacebook]:
    service = FakeFacebook()
    service.start()
    yield service
    service.stop()


@pytest.fixture(scope="module")
def fed(
    facebook: FakeFacebook, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[ProviderFederation]:
    config = f"""
[facebook]
graph_url = "{facebook.graph_url}"
app_access_token_env = "{TOKEN_VARIABLE}"
[google]
enabled = false
[amazon]
enabled = false
"""
    tmp = tmp_path_factory.mktemp("facebook")
    env = {TOKEN_VARIABLE: APP_ACCESS_TOKEN}
    with provider_federation(tmp, config, env, provider_id=FACEBOOK) as running:
        yield running


@pytest.fixture(scope="module")
def game_role(fed: ProviderFederation) -> str:
    trust = federated_trust(
        FACEBOOK, WEB_IDENTITY, {"StringEquals": {f"{FACEBOOK}:app_id": APP_ID}}
    )
    return fed.create_role("GameRole", trust, fed.game_role_statement(f"{FACEBOOK}:id"))


def test_the_exchange_answers_as_aws_does(
    fed: ProviderFederation, facebook: FakeFacebook, game_role: str
) -> None:
    user = facebook_user_id()
    answer = fed.exchange(game_role, facebook.issue(user))
    assert answer["SubjectFromWebIdentityToken"] == user
    assert answer["Provider"] == FACEBOOK
    assert answer["Audience"] == APP_ID
    assert (
        answer["AssumedRoleUser"]["Arn"] == f"arn:aws:sts::{fed.account}:assumed-role/GameRole/app1"
    )
    # The configured app token was used: one debug_token call, not /me and /app.
    assert facebook.requests[-1].startswith("/debug_token?")


def test_game_role_keyed_on_the_facebook_id_scopes_each_user_to_their_partition(
    fed: ProviderFederation, facebook: FakeFacebook, game_role: str
) -> None:
    alice, bob = facebook_user_id(), facebook_user_id()
    players = [
        fed.player(fed.exchange(game_role, facebook.issue(user)), user) for user in (alice, bob)
    ]
    check_own_partition_only(fed, *players)


def test_a_token_of_another_app_is_refused_by_the_trust_policy(
    fed: ProviderFederation, facebook: FakeFacebook, game_role: str
) -> None:
    facebook.register_app("999888777666555", "Other game", "other-secret")
    token = facebook.issue(app_id="999888777666555")
    assert fed.exchange_error(game_role, token) == NOT_AUTHORIZED


@pytest.mark.parametrize("trouble", ["unknown", "revoked", "expired"])
def test_a_token_facebook_does_not_vouch_for_is_idp_rejected_claim(
    fed: ProviderFederation, facebook: FakeFacebook, game_role: str, trouble: str
) -> None:
    if trouble == "unknown":
        token = "EAA" + "y" * 150
    elif trouble == "revoked":
        token = facebook.issue()
        facebook.revoke(token)
    else:
        token = facebook.issue(lifetime=0)
    code, _, status = fed.exchange_error(game_role, token)
    assert (code, status) == ("IDPRejectedClaim", 403)


def test_graph_api_throttling_is_an_idp_communication_error(
    fed: ProviderFederation, facebook: FakeFacebook, game_role: str
) -> None:
    token = facebook.issue()
    facebook.throttled = True
    try:
        code, _, status = fed.exchange_error(game_role, token)
    finally:
        facebook.throttled = False
    assert (code, status) == ("IDPCommunicationError", 400)
    assert fed.exchange(game_role, token)["Provider"] == FACEBOOK


def test_serve_refuses_to_start_without_the_app_token_it_was_told_to_read(
    facebook: FakeFacebook, tmp_path_factory: pytest.TempPathFactory
) -> None:
    tmp = tmp_path_factory.mktemp("facebook-misconfigured")
    config = tmp / "identity.toml"
    config.write_text(f'[facebook]\napp_access_token_env = "{TOKEN_VARIABLE}_MISSING"\n')
    with pytest.raises(RuntimeError, match=f"environment variable {TOKEN_VARIABLE}_MISSING"):
        start_server(tmp / "data", "--identity-config", str(config), timeout=15)


def test_login_with_amazon_turned_off_says_so(fed: ProviderFederation, game_role: str) -> None:
    code, message, status = sts_error(
        fed.unsigned_sts().assume_role_with_web_identity,
        RoleArn=game_role,
        RoleSessionName="app1",
        WebIdentityToken="Atza|" + "x" * 400,
        ProviderId="www.amazon.com",
    )
    assert (code, message, status) == (
        "InvalidIdentityToken",
        "The identity provider www.amazon.com is not enabled on this server",
        400,
    )
