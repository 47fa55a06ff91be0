"""Login with Amazon end to end through the real server: an LWA access token
(`ProviderId=www.amazon.com`) is checked at a token-information service that answers as
Amazon documents it, over loopback HTTP; the seed's exact GameRole policy keyed on
`${www.amazon.com:user_id}` then scopes DynamoDB to the user's own partition (boto3 as the
client).

AWS pages: STS API reference, AssumeRoleWithWebIdentity (ProviderId, IDPRejectedClaim,
IDPCommunicationError); IAM User Guide, "Available keys for AWS web identity federation"
(`www.amazon.com:app_id`, `www.amazon.com:user_id`); the seed policy is the DynamoDB
Developer Guide's fine-grained access control example.
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
from tests.fixtures.fake_providers import FakeLoginWithAmazon
from tests.fixtures.fake_providers.amazon import APP_ID, CLIENT_ID, amazon_user_id

pytestmark = pytest.mark.e2e

AMAZON = "www.amazon.com"


@pytest.fixture(scope="module")
def amazon() -> Iterator[FakeLoginWithAmazon]:
    service = FakeLoginWithAmazon()
    service.start()
    yield service
    service.stop()


@pytest.fixture(scope="module")
def fed(
    amazon: FakeLoginWithAmazon, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[ProviderFederation]:
    # Only Login with Amazon is on: an air-gapped server talks to no public provider.
    config = f"""
[amazon]
tokeninfo_url = "{amazon.tokeninfo_url}"
[google]
enabled = false
[facebook]
enabled = false
"""
    tmp = tmp_path_factory.mktemp("lwa")
    with provider_federation(tmp, config, provider_id=AMAZON) as running:
        yield running


@pytest.fixture(scope="module")
def game_role(fed: ProviderFederation) -> str:
    trust = federated_trust(AMAZON, WEB_IDENTITY, {"StringEquals": {f"{AMAZON}:app_id": APP_ID}})
    return fed.create_role("GameRole", trust, fed.game_role_statement(f"{AMAZON}:user_id"))


def test_the_exchange_answers_as_aws_does(
    fed: ProviderFederation, amazon: FakeLoginWithAmazon, game_role: str
) -> None:
    user = amazon_user_id()
    answer = fed.exchange(game_role, amazon.issue(user), "player-1")
    assert answer["SubjectFromWebIdentityToken"] == user
    assert answer["Provider"] == AMAZON
    assert answer["Audience"] == CLIENT_ID
    assert answer["AssumedRoleUser"]["Arn"] == (
        f"arn:aws:sts::{fed.account}:assumed-role/GameRole/player-1"
    )
    assert answer["Credentials"]["AccessKeyId"].startswith("ASIA")
    assert "PackedPolicySize" not in answer
    event = fed.last_exchange()
    assert (event["decision"], event["provider"], event["subject"]) == ("Allow", AMAZON, user)


def test_game_role_keyed_on_the_amazon_user_id_scopes_each_user_to_their_partition(
    fed: ProviderFederation, amazon: FakeLoginWithAmazon, game_role: str
) -> None:
    alice, bob = amazon_user_id(), amazon_user_id()
    players = [
        fed.player(fed.exchange(game_role, amazon.issue(user)), user) for user in (alice, bob)
    ]
    check_own_partition_only(fed, *players)


def test_a_token_of_another_app_is_refused_by_the_trust_policy(
    fed: ProviderFederation, amazon: FakeLoginWithAmazon, game_role: str
) -> None:
    token = amazon.issue(app_id="amzn1.application.someone-elses-app")
    assert fed.exchange_error(game_role, token) == NOT_AUTHORIZED


@pytest.mark.parametrize("trouble", ["unknown", "revoked", "expired"])
def test_a_token_amazon_does_not_vouch_for_is_idp_rejected_claim(
    fed: ProviderFederation, amazon: FakeLoginWithAmazon, game_role: str, trouble: str
) -> None:
    if trouble == "unknown":
        token = "Atza|" + "x" * 400
    elif trouble == "revoked":
        token = amazon.issue()
        amazon.revoke(token)
    else:
        token = amazon.issue(lifetime=0)
    code, _, status = fed.exchange_error(game_role, token)
    assert (code, status) == ("IDPRejectedClaim", 403)
    assert fed.last_exchange()["decision"] == "Deny"


def test_token_info_failing_is_an_idp_communication_error(
    fed: ProviderFederation, amazon: FakeLoginWithAmazon, game_role: str
) -> None:
    token = amazon.issue()
    amazon.forced_status = 503
    try:
        code, _, status = fed.exchange_error(game_role, token)
    finally:
        amazon.forced_status = None
    assert (code, status) == ("IDPCommunicationError", 400)
    # SDKs retry IDPCommunicationError: the same token works once Amazon answers again.
    assert fed.exchange(game_role, token)["Provider"] == AMAZON


def test_a_good_answer_is_reused_until_it_expires(
    fed: ProviderFederation, amazon: FakeLoginWithAmazon, game_role: str
) -> None:
    token = amazon.issue()
    before = len(amazon.requests)
    fed.exchange(game_role, token)
    fed.exchange(game_role, token, "app2")
    assert len(amazon.requests) == before + 1


def test_a_provider_turned_off_is_not_asked(fed: ProviderFederation, game_role: str) -> None:
    code, message, status = sts_error(
        fed.unsigned_sts().assume_role_with_web_identity,
        RoleArn=game_role,
        RoleSessionName="app1",
        WebIdentityToken="EAA" + "x" * 100,
        ProviderId="graph.facebook.com",
    )
    assert (code, message, status) == (
        "InvalidIdentityToken",
        "The identity provider graph.facebook.com is not enabled on this server",
        400,
    )


def test_a_provider_id_aws_does_not_know_is_not_supported(
    fed: ProviderFederation, game_role: str
) -> None:
    code, message, status = sts_error(
        fed.unsigned_sts().assume_role_with_web_identity,
        RoleArn=game_role,
        RoleSessionName="app1",
        WebIdentityToken="x" * 100,
        ProviderId="login.example.com",
    )
    assert (code, message, status) == (
        "InvalidIdentityToken",
        "The ProviderId login.example.com is not supported.",
        400,
    )
