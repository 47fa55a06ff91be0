"""FacebookTokenVerifier: Facebook user access tokens through the Graph API, both ways.

`debug_token` (with the deployment's app access token) and `/me` + `/app` (with the user's
token alone) must give the same identity; keys follow AWS's `graph.facebook.com:app_id` and
`graph.facebook.com:id` (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_iam-condition-keys.html#condition-keys-wif);
errors follow the STS model: IDPRejectedClaim (403) for a token Facebook rejects,
IDPCommunicationError for Facebook unreachable or throttling us.
"""

from __future__ import annotations

import json
from urllib.parse import parse_qs, urlsplit

import pytest
from idp_double import NOW
from tests.fixtures.fake_providers.facebook import (
    APP_ACCESS_TOKEN,
    APP_ID,
    SIXTY_DAYS,
    FakeFacebook,
)

from dynafed.core.clock import FixedClock
from dynafed.errors import IDPCommunicationError, IDPRejectedClaim
from dynafed.identity.oauth.facebook import FacebookSettings, FacebookTokenVerifier
from dynafed.identity.oauth.tokeninfo import TokenCacheSettings

USER = "10158012345678901"
MODES = ["debug_token", "token_itself"]


@pytest.fixture
def facebook(clock: FixedClock) -> FakeFacebook:
    return FakeFacebook(now=clock.now)


def make_verifier(
    facebook: FakeFacebook, clock: FixedClock, mode: str, **settings: object
) -> FacebookTokenVerifier:
    app_token = APP_ACCESS_TOKEN if mode == "debug_token" else None
    config = FacebookSettings(app_access_token=app_token, **settings)  # type: ignore[arg-type]
    return FacebookTokenVerifier(facebook.fetch, clock, config)


@pytest.fixture(params=MODES)
def verifier(
    request: pytest.FixtureRequest, facebook: FakeFacebook, clock: FixedClock
) -> FacebookTokenVerifier:
    return make_verifier(facebook, clock, request.param)


def test_identity_names_the_user_the_app_and_the_provider(
    verifier: FacebookTokenVerifier, facebook: FakeFacebook
) -> None:
    identity = verifier.verify(facebook.issue(USER))
    assert identity.subject == USER
    assert identity.audience == APP_ID
    assert identity.provider_arn == "graph.facebook.com"
    expected = {
        "graph.facebook.com:id": [USER],
        "graph.facebook.com:app_id": [APP_ID],
        "aws:FederatedProvider": ["graph.facebook.com"],
    }
    assert identity.trust_context_keys == expected
    assert identity.session_context_keys == expected


def test_debug_token_call_carries_the_user_token_and_the_app_token(
    facebook: FakeFacebook, clock: FixedClock
) -> None:
    token = facebook.issue(USER)
    make_verifier(facebook, clock, "debug_token").verify(token)
    (request,) = facebook.requests
    parts = urlsplit(request)
    assert parts.path == "/debug_token"
    assert parse_qs(parts.query) == {"input_token": [token], "access_token": [APP_ACCESS_TOKEN]}


def test_without_an_app_token_the_users_token_asks_me_and_app(
    facebook: FakeFacebook, clock: FixedClock
) -> None:
    token = facebook.issue(USER)
    make_verifier(facebook, clock, "token_itself").verify(token)
    assert [urlsplit(r).path for r in facebook.requests] == ["/me", "/app"]
    assert parse_qs(urlsplit(facebook.requests[0]).query) == {
        "fields": ["id"],
        "access_token": [token],
    }


def test_debug_token_reports_the_tokens_expiry(facebook: FakeFacebook, clock: FixedClock) -> None:
    identity = make_verifier(facebook, clock, "debug_token").verify(facebook.issue(USER))
    assert identity.expires_at == int(NOW) + SIXTY_DAYS
    assert identity.issued_at == int(NOW)


def test_a_versioned_graph_url_is_honoured(facebook: FakeFacebook, clock: FixedClock) -> None:
    verifier = make_verifier(
        facebook, clock, "debug_token", graph_url="https://graph.facebook.com/v19.0"
    )
    verifier.verify(facebook.issue(USER))
    assert urlsplit(facebook.requests[0]).path == "/v19.0/debug_token"


def test_another_apps_token_verifies_because_the_trust_policy_decides(
    verifier: FacebookTokenVerifier, facebook: FakeFacebook
) -> None:
    facebook.register_app("999888777666555", "OtherGame", "s3cret")
    identity = verifier.verify(facebook.issue(USER, app_id="999888777666555"))
    assert identity.trust_context_keys["graph.facebook.com:app_id"] == ["999888777666555"]


def test_non_expiring_token_is_cached_no_longer_than_the_ttl(
    facebook: FakeFacebook, clock: FixedClock
) -> None:
    verifier = make_verifier(facebook, clock, "debug_token", cache=TokenCacheSettings(ttl=300))
    token = facebook.issue(USER, lifetime=None)
    assert verifier.verify(token).expires_at == int(NOW) + 300
    facebook.revoke(token)
    clock.advance(301)
    with pytest.raises(IDPRejectedClaim):
        verifier.verify(token)


def test_unknown_token_is_idp_rejected_claim(verifier: FacebookTokenVerifier) -> None:
    with pytest.raises(IDPRejectedClaim) as raised:
        verifier.verify("EAAnot-a-real-token")
    assert raised.value.status == 403


def test_expired_token_is_idp_rejected_claim(
    verifier: FacebookTokenVerifier, facebook: FakeFacebook, clock: FixedClock
) -> None:
    token = facebook.issue(USER, lifetime=3600)
    clock.advance(3601)
    with pytest.raises(IDPRejectedClaim):
        verifier.verify(token)


def test_revoked_token_is_idp_rejected_claim(
    verifier: FacebookTokenVerifier, facebook: FakeFacebook
) -> None:
    token = facebook.issue(USER)
    facebook.revoke(token)
    with pytest.raises(IDPRejectedClaim):
        verifier.verify(token)


def test_throttling_is_idp_communication_error_not_a_rejection(
    verifier: FacebookTokenVerifier, facebook: FakeFacebook
) -> None:
    token = facebook.issue(USER)
    facebook.throttled = True
    with pytest.raises(IDPCommunicationError):
        verifier.verify(token)


def test_facebook_unreachable_is_idp_communication_error(
    verifier: FacebookTokenVerifier, facebook: FakeFacebook
) -> None:
    token = facebook.issue(USER)
    facebook.down = True
    with pytest.raises(IDPCommunicationError):
        verifier.verify(token)


@pytest.mark.parametrize("status", [500, 503])
def test_facebook_failing_is_idp_communication_error(
    verifier: FacebookTokenVerifier, facebook: FakeFacebook, status: int
) -> None:
    token = facebook.issue(USER)
    facebook.forced_status = status
    with pytest.raises(IDPCommunicationError):
        verifier.verify(token)


def test_a_wrong_app_access_token_is_our_problem_not_the_users(
    facebook: FakeFacebook, clock: FixedClock
) -> None:
    settings = FacebookSettings(app_access_token=f"{APP_ID}|wrong-secret")
    with pytest.raises(IDPCommunicationError):
        FacebookTokenVerifier(facebook.fetch, clock, settings).verify(facebook.issue(USER))


@pytest.mark.parametrize(
    "data",
    [
        {"is_valid": True, "app_id": APP_ID, "expires_at": 0},  # an app token: no user
        {"is_valid": True, "user_id": USER, "expires_at": 0},
        {"is_valid": "true", "user_id": USER, "app_id": APP_ID, "expires_at": 0},
        {"is_valid": True, "user_id": USER, "app_id": APP_ID, "expires_at": int(NOW) - 1},
        {"is_valid": True, "user_id": USER, "app_id": APP_ID, "expires_at": "soon"},
    ],
)
def test_debug_token_data_without_a_valid_user_token_is_a_rejection(
    clock: FixedClock, data: dict[str, object]
) -> None:
    body = json.dumps({"data": data}).encode()
    settings = FacebookSettings(app_access_token=APP_ACCESS_TOKEN)
    verifier = FacebookTokenVerifier(lambda url: (200, {}, body), clock, settings)
    with pytest.raises(IDPRejectedClaim):
        verifier.verify("EAAx")


def test_numeric_ids_from_the_graph_become_strings(clock: FixedClock) -> None:
    data = {"is_valid": True, "user_id": 1207059, "app_id": 138483919580948, "expires_at": 0}
    body = json.dumps({"data": data}).encode()
    settings = FacebookSettings(app_access_token=APP_ACCESS_TOKEN)
    identity = FacebookTokenVerifier(lambda url: (200, {}, body), clock, settings).verify("EAAx")
    assert identity.subject == "1207059" and identity.audience == "138483919580948"


def test_valid_answers_are_cached(verifier: FacebookTokenVerifier, facebook: FakeFacebook) -> None:
    token = facebook.issue(USER)
    verifier.verify(token)
    calls = len(facebook.requests)
    verifier.verify(token)
    assert len(facebook.requests) == calls
