"""JwksCache: discovery, TTL, rotation re-fetch, outages, key filtering.

AWS behaviour followed: keys come from the provider's discovery `jwks_uri`; an unreachable
provider is IDPCommunicationError, an unusable answer or no matching key is
InvalidIdentityToken "Couldn't retrieve verification key..."; at most 100 keys are read
(https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_providers_create_oidc.html).
"""

from __future__ import annotations

import pytest
from idp_double import ISSUER, FakeIdp, SigningKey

from dynafed.core.clock import FixedClock
from dynafed.errors import IDPCommunicationError, InvalidIdentityToken
from dynafed.identity import messages
from dynafed.identity.oidc.jwks import JwksCache, JwksSettings, cache_max_age


def test_first_lookup_reads_discovery_then_jwks(cache: JwksCache, idp: FakeIdp) -> None:
    key = cache.signing_key(ISSUER, "rsa-1", "RS256")
    assert key.kid == "rsa-1" and key.kty == "RSA"
    assert idp.requests == [ISSUER + "/.well-known/openid-configuration", idp.jwks_uri]


def test_keys_are_served_from_cache_until_max_age(
    cache: JwksCache, idp: FakeIdp, clock: FixedClock
) -> None:
    cache.signing_key(ISSUER, "rsa-1", "RS256")
    clock.advance(599)
    cache.signing_key(ISSUER, "ec-256", "ES256")
    assert idp.jwks_fetches == 1
    clock.advance(1)
    cache.signing_key(ISSUER, "rsa-1", "RS256")
    assert idp.jwks_fetches == 2


@pytest.mark.parametrize(
    ("cache_control", "expected_ttl"),
    [("max-age=5", 300), ("public, max-age=10000000", 86_400), (None, 3_600), ("no-store", 300)],
)
def test_ttl_is_clamped(
    idp: FakeIdp, clock: FixedClock, cache_control: str | None, expected_ttl: int
) -> None:
    idp.cache_control = cache_control
    cache = JwksCache(idp.fetch, clock)
    cache.signing_key(ISSUER, "rsa-1", "RS256")
    clock.advance(expected_ttl - 1)
    cache.signing_key(ISSUER, "rsa-1", "RS256")
    assert idp.jwks_fetches == 1
    clock.advance(1)
    cache.signing_key(ISSUER, "rsa-1", "RS256")
    assert idp.jwks_fetches == 2


def test_unknown_kid_refetches_once_and_finds_the_rotated_key(
    cache: JwksCache, idp: FakeIdp, clock: FixedClock, key_pool: dict[str, SigningKey]
) -> None:
    cache.signing_key(ISSUER, "rsa-1", "RS256")
    clock.advance(61)
    idp.published = [key_pool["rsa-2"]]
    assert cache.signing_key(ISSUER, "rsa-2", "RS256").kid == "rsa-2"
    assert idp.jwks_fetches == 2


def test_unknown_kid_refetch_is_rate_limited(
    cache: JwksCache, idp: FakeIdp, clock: FixedClock
) -> None:
    cache.signing_key(ISSUER, "rsa-1", "RS256")
    for attempt in range(5):
        clock.advance(10)
        with pytest.raises(InvalidIdentityToken) as raised:
            cache.signing_key(ISSUER, f"random-{attempt}", "RS256")
        assert raised.value.message == messages.NO_VERIFICATION_KEY
    # 50 s after the first fetch: no second fetch yet; at 60 s one more is allowed.
    assert idp.jwks_fetches == 1
    clock.advance(10)
    with pytest.raises(InvalidIdentityToken):
        cache.signing_key(ISSUER, "random-again", "RS256")
    assert idp.jwks_fetches == 2


def test_unreachable_provider_without_keys_is_idp_communication_error(
    cache: JwksCache, idp: FakeIdp
) -> None:
    idp.down = True
    with pytest.raises(IDPCommunicationError) as raised:
        cache.signing_key(ISSUER, "rsa-1", "RS256")
    assert raised.value.code == "IDPCommunicationError"
    assert "could not be reached" in raised.value.message


@pytest.mark.parametrize("status", [500, 502, 503, 429])
def test_server_errors_count_as_unreachable(cache: JwksCache, idp: FakeIdp, status: int) -> None:
    idp.status = status
    with pytest.raises(IDPCommunicationError):
        cache.signing_key(ISSUER, "rsa-1", "RS256")


@pytest.mark.parametrize(
    "breakage",
    [
        {"status": 404},
        {"status": 302},
        {"jwks_override": b"<html>not json</html>"},
        {"jwks_override": {"no": "keys"}},
        {"discovery_override": {"issuer": ISSUER}},  # no jwks_uri
        {"discovery_override": {"issuer": "https://evil.example", "jwks_uri": "x"}},
        {"jwks_uri": "http://idp.example.test/certs"},  # plain http off loopback
    ],
)
def test_unusable_answers_are_invalid_identity_token(
    idp: FakeIdp, clock: FixedClock, breakage: dict[str, object]
) -> None:
    for name, value in breakage.items():
        setattr(idp, name, value)
    with pytest.raises(InvalidIdentityToken) as raised:
        JwksCache(idp.fetch, clock).signing_key(ISSUER, "rsa-1", "RS256")
    assert raised.value.message == messages.NO_VERIFICATION_KEY


def test_stale_keys_are_served_while_the_provider_is_down(
    cache: JwksCache, idp: FakeIdp, clock: FixedClock
) -> None:
    cache.signing_key(ISSUER, "rsa-1", "RS256")
    idp.down = True
    clock.advance(600 + 3_600)
    assert cache.signing_key(ISSUER, "rsa-1", "RS256").kid == "rsa-1"
    clock.advance(86_400)  # now past expiry + max_stale
    with pytest.raises(IDPCommunicationError):
        cache.signing_key(ISSUER, "rsa-1", "RS256")


def test_unknown_kid_while_the_provider_is_down_is_retryable(
    cache: JwksCache, idp: FakeIdp, clock: FixedClock
) -> None:
    cache.signing_key(ISSUER, "rsa-1", "RS256")
    idp.down = True
    clock.advance(61)
    with pytest.raises(IDPCommunicationError):
        cache.signing_key(ISSUER, "rotated-kid", "RS256")
    assert cache.signing_key(ISSUER, "rsa-1", "RS256").kid == "rsa-1"  # known keys still serve


def test_a_down_provider_is_not_hammered(cache: JwksCache, idp: FakeIdp, clock: FixedClock) -> None:
    idp.down = True
    for _ in range(3):
        with pytest.raises(IDPCommunicationError):
            cache.signing_key(ISSUER, "rsa-1", "RS256")
    assert len(idp.requests) == 1
    clock.advance(10)
    idp.down = False
    assert cache.signing_key(ISSUER, "rsa-1", "RS256").kid == "rsa-1"


def test_an_emptied_jwks_takes_effect(cache: JwksCache, idp: FakeIdp, clock: FixedClock) -> None:
    cache.signing_key(ISSUER, "rsa-1", "RS256")
    idp.published = []
    clock.advance(600)
    with pytest.raises(InvalidIdentityToken):
        cache.signing_key(ISSUER, "rsa-1", "RS256")


def test_only_the_first_max_keys_usable_keys_are_read(
    idp: FakeIdp, clock: FixedClock, key_pool: dict[str, SigningKey]
) -> None:
    template = FakeIdp.public_jwk(key_pool["rsa-1"])
    idp.jwks_override = {"keys": [{**template, "kid": f"k{i}"} for i in range(150)]}
    cache = JwksCache(idp.fetch, clock, JwksSettings(max_keys=100))
    assert cache.signing_key(ISSUER, "k99", "RS256").kid == "k99"
    with pytest.raises(InvalidIdentityToken):
        cache.signing_key(ISSUER, "k100", "RS256")


def test_forget_drops_an_issuer(cache: JwksCache, idp: FakeIdp) -> None:
    cache.signing_key(ISSUER, "rsa-1", "RS256")
    cache.forget(ISSUER)
    cache.signing_key(ISSUER, "rsa-1", "RS256")
    assert idp.jwks_fetches == 2


def test_issuer_with_trailing_slash_finds_its_discovery_document(
    key_pool: dict[str, SigningKey], clock: FixedClock
) -> None:
    idp = FakeIdp(published=[key_pool["rsa-1"]], issuer="https://tenant.example.test/")
    cache = JwksCache(idp.fetch, clock)
    assert cache.signing_key("https://tenant.example.test/", "rsa-1", "RS256").kid == "rsa-1"
    assert idp.requests[0] == "https://tenant.example.test/.well-known/openid-configuration"


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({"Cache-Control": "max-age=120"}, 120.0),
        ({"cache-control": "public, max-age=7200, must-revalidate"}, 7200.0),
        ({"Cache-Control": "no-cache"}, 0.0),
        ({"Cache-Control": "max-age=abc"}, None),
        ({}, None),
    ],
)
def test_cache_max_age(headers: dict[str, str], expected: float | None) -> None:
    assert cache_max_age(headers) == expected
