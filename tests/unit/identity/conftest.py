"""Fixtures wiring the in-memory identity provider to a JWKS cache and a verifier."""

from __future__ import annotations

import pytest
from idp_double import CLIENT_ID, ISSUER, NOW, FakeIdp, SigningKey, generate_key

from dynafed.core.clock import FixedClock
from dynafed.identity.oidc.jwks import JwksCache
from dynafed.identity.oidc.verifier import OidcProviderRecord, OidcVerifier


@pytest.fixture(scope="session")
def key_pool() -> dict[str, SigningKey]:
    """Keys are slow to generate, so each test session makes a handful once."""
    return {
        "rsa-1": generate_key("RS256", "rsa-1"),
        "rsa-2": generate_key("RS256", "rsa-2"),
        "rsa-attacker": generate_key("RS256", "rsa-1"),  # same kid as the IdP's key
        "ec-256": generate_key("ES256", "ec-256"),
        "ec-384": generate_key("ES384", "ec-384"),
        "ec-521": generate_key("ES512", "ec-521"),
    }


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(NOW)


@pytest.fixture
def idp(key_pool: dict[str, SigningKey]) -> FakeIdp:
    return FakeIdp(published=[key_pool["rsa-1"], key_pool["ec-256"]])


@pytest.fixture
def provider() -> OidcProviderRecord:
    return OidcProviderRecord(
        arn="arn:aws:iam::123456789012:oidc-provider/idp.example.test/realms/game",
        url=ISSUER,
        client_ids=(CLIENT_ID, "game-mobile"),
    )


@pytest.fixture
def cache(idp: FakeIdp, clock: FixedClock) -> JwksCache:
    return JwksCache(idp.fetch, clock)


@pytest.fixture
def verifier(cache: JwksCache, clock: FixedClock, provider: OidcProviderRecord) -> OidcVerifier:
    return OidcVerifier({provider.url: provider}.get, cache, clock)
