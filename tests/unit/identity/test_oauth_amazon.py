"""AmazonTokenVerifier: Login-with-Amazon access tokens through the token-info endpoint.

Keys and values follow AWS's web identity condition keys (`www.amazon.com:app_id`,
`www.amazon.com:user_id`, https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_iam-condition-keys.html#condition-keys-wif)
and the errors the STS model documents: the provider rejecting the token is
IDPRejectedClaim (403), the provider unreachable is IDPCommunicationError.
"""

from __future__ import annotations

import json
from urllib.parse import parse_qs, urlsplit

import pytest
from idp_double import NOW
from tests.fixtures.fake_providers.amazon import (
    APP_ID,
    CLIENT_ID,
    TOKENINFO_PATH,
    FakeLoginWithAmazon,
)

from dynafed.core.clock import FixedClock
from dynafed.errors import IDPCommunicationError, IDPRejectedClaim
from dynafed.identity.oauth.amazon import AmazonSettings, AmazonTokenVerifier
from dynafed.identity.oauth.tokeninfo import IDP_REJECTED

USER = "amzn1.account.AF2L3S7QK4QZNEXAMPLE"


@pytest.fixture
def amazon(clock: FixedClock) -> FakeLoginWithAmazon:
    return FakeLoginWithAmazon(now=clock.now)


@pytest.fixture
def verifier(amazon: FakeLoginWithAmazon, clock: FixedClock) -> AmazonTokenVerifier:
    return AmazonTokenVerifier(amazon.fetch, clock)


def test_token_is_verified_at_amazons_tokeninfo_endpoint(
    verifier: AmazonTokenVerifier, amazon: FakeLoginWithAmazon
) -> None:
    token = amazon.issue(USER)
    verifier.verify(token)
    (request,) = amazon.requests
    parts = urlsplit(request)
    assert parts.path == TOKENINFO_PATH
    assert parse_qs(parts.query) == {"access_token": [token]}


def test_identity_names_the_user_the_app_and_the_provider(
    verifier: AmazonTokenVerifier, amazon: FakeLoginWithAmazon
) -> None:
    identity = verifier.verify(amazon.issue(USER, lifetime=1800))
    assert identity.subject == USER
    assert identity.audience == CLIENT_ID
    assert identity.provider_arn == identity.issuer == "www.amazon.com"
    assert identity.expires_at == int(NOW) + 1800
    assert identity.tags is None and identity.source_identity is None
    expected = {
        "www.amazon.com:user_id": [USER],
        "www.amazon.com:app_id": [APP_ID],
        "aws:FederatedProvider": ["www.amazon.com"],
    }
    assert identity.trust_context_keys == expected
    # AWS keeps user_id and app_id for later requests: the GameRole policy needs them.
    assert identity.session_context_keys == expected


def test_any_apps_token_verifies_because_the_trust_policy_decides(
    verifier: AmazonTokenVerifier, amazon: FakeLoginWithAmazon
) -> None:
    token = amazon.issue(
        USER, client_id="amzn1.application-oa2-client.other", app_id="amzn1.application.other"
    )
    identity = verifier.verify(token)
    assert identity.trust_context_keys["www.amazon.com:app_id"] == ["amzn1.application.other"]


def test_unknown_token_is_idp_rejected_claim(verifier: AmazonTokenVerifier) -> None:
    with pytest.raises(IDPRejectedClaim) as raised:
        verifier.verify("Atza|not-a-token-amazon-issued")
    assert raised.value.status == 403 and raised.value.code == "IDPRejectedClaim"
    assert raised.value.message == IDP_REJECTED


def test_expired_token_is_idp_rejected_claim(
    verifier: AmazonTokenVerifier, amazon: FakeLoginWithAmazon, clock: FixedClock
) -> None:
    token = amazon.issue(USER, lifetime=60)
    clock.advance(61)
    with pytest.raises(IDPRejectedClaim):
        verifier.verify(token)


def test_revoked_token_is_idp_rejected_claim(
    verifier: AmazonTokenVerifier, amazon: FakeLoginWithAmazon
) -> None:
    token = amazon.issue(USER)
    amazon.revoke(token)
    with pytest.raises(IDPRejectedClaim):
        verifier.verify(token)


def test_amazon_unreachable_is_idp_communication_error_without_the_token_in_it(
    verifier: AmazonTokenVerifier, amazon: FakeLoginWithAmazon
) -> None:
    token = amazon.issue(USER)
    amazon.down = True
    with pytest.raises(IDPCommunicationError) as raised:
        verifier.verify(token)
    assert token not in raised.value.message and raised.value.__cause__ is None


@pytest.mark.parametrize("status", [500, 502, 503, 429])
def test_amazon_failing_or_throttling_is_idp_communication_error(
    verifier: AmazonTokenVerifier, amazon: FakeLoginWithAmazon, status: int
) -> None:
    token = amazon.issue(USER)
    amazon.forced_status = status
    with pytest.raises(IDPCommunicationError):
        verifier.verify(token)


def test_wrong_endpoint_is_a_communication_problem_not_a_rejection(
    amazon: FakeLoginWithAmazon, clock: FixedClock
) -> None:
    settings = AmazonSettings(tokeninfo_url="https://api.amazon.com/auth/o2/nothing-here")
    with pytest.raises(IDPCommunicationError):
        AmazonTokenVerifier(amazon.fetch, clock, settings).verify(amazon.issue(USER))


@pytest.mark.parametrize(
    "body",
    [
        {"aud": CLIENT_ID, "exp": 100},
        {"user_id": USER, "exp": 100},
        {"user_id": USER, "aud": CLIENT_ID},
        {"user_id": USER, "aud": CLIENT_ID, "exp": 0},
        {"user_id": USER, "aud": CLIENT_ID, "exp": "100"},
        {"user_id": 7, "aud": CLIENT_ID, "exp": True},
    ],
)
def test_an_answer_missing_user_client_or_time_left_is_a_rejection(
    clock: FixedClock, body: dict[str, object]
) -> None:
    def fetch(url: str) -> tuple[int, dict[str, str], bytes]:
        return 200, {}, json.dumps(body).encode()

    with pytest.raises(IDPRejectedClaim):
        AmazonTokenVerifier(fetch, clock).verify("Atza|x")


def test_a_200_that_is_not_json_is_a_communication_problem(clock: FixedClock) -> None:
    verifier = AmazonTokenVerifier(lambda url: (200, {}, b"<html>maintenance</html>"), clock)
    with pytest.raises(IDPCommunicationError):
        verifier.verify("Atza|x")


def test_app_id_falls_back_to_the_client_id_when_amazon_omits_it(clock: FixedClock) -> None:
    body = b'{"user_id": "amzn1.account.X", "aud": "amzn1.application-oa2-client.Y", "exp": 60}'
    identity = AmazonTokenVerifier(lambda url: (200, {}, body), clock).verify("Atza|x")
    assert identity.trust_context_keys["www.amazon.com:app_id"] == [
        "amzn1.application-oa2-client.Y"
    ]


def test_configured_endpoint_is_used_for_air_gapped_deployments(clock: FixedClock) -> None:
    mirror = FakeLoginWithAmazon(now=clock.now)
    mirror.origins = ["https://lwa.internal.example"]
    settings = AmazonSettings(tokeninfo_url=mirror.tokeninfo_url)
    assert (
        AmazonTokenVerifier(mirror.fetch, clock, settings).verify(mirror.issue(USER)).subject
        == USER
    )


def test_valid_answers_are_cached_and_failures_are_not(
    verifier: AmazonTokenVerifier, amazon: FakeLoginWithAmazon
) -> None:
    token = amazon.issue(USER)
    verifier.verify(token)
    verifier.verify(token)
    assert len(amazon.requests) == 1
    for _ in range(2):
        with pytest.raises(IDPRejectedClaim):
            verifier.verify("Atza|unknown")
    assert len(amazon.requests) == 3


def test_a_cached_answer_is_not_used_past_the_tokens_expiry(
    verifier: AmazonTokenVerifier, amazon: FakeLoginWithAmazon, clock: FixedClock
) -> None:
    token = amazon.issue(USER, lifetime=120)
    verifier.verify(token)
    clock.advance(121)
    with pytest.raises(IDPRejectedClaim):
        verifier.verify(token)
