"""IdentityProviders, the identity registry: which verifier a web identity token goes to
(ProviderId for OAuth access tokens, `iss` for ID tokens, built-in issuers first), wired by
`build_identity_providers` to one transport, as STS and identity pools use it; and the
SAML provider lookup."""

from __future__ import annotations

from dataclasses import replace

import pytest
from idp_double import CLIENT_ID, ISSUER, FakeIdp, SigningKey, mint
from tests.fixtures.fake_providers import FakeFacebook, FakeGoogle, FakeLoginWithAmazon
from tests.fixtures.fake_providers.google import WEB_CLIENT

from dynafed.core.clock import FixedClock
from dynafed.errors import InvalidIdentityToken
from dynafed.identity import messages
from dynafed.identity.fetch import FetchFailed, FetchResult
from dynafed.identity.oidc.google import GoogleSettings
from dynafed.identity.oidc.verifier import OidcProviderRecord
from dynafed.identity.registry import (
    BuiltInProviderSettings,
    IdentityProviders,
    build_identity_providers,
)
from dynafed.identity.saml.verifier import SamlProviderRecord
from dynafed.identity.verified import VerifiedIdentity

ACCOUNT = "123456789012"
GAME_PROVIDER = OidcProviderRecord(
    arn=f"arn:aws:iam::{ACCOUNT}:oidc-provider/idp.example.test/realms/game",
    url=ISSUER,
    client_ids=(CLIENT_ID,),
)
GOOGLE_IN_IAM = OidcProviderRecord(
    arn=f"arn:aws:iam::{ACCOUNT}:oidc-provider/accounts.google.com",
    url="https://accounts.google.com",
    client_ids=("registered-client.apps.googleusercontent.com",),
)


class World:
    """Every provider at its real URL, behind one in-memory transport."""

    def __init__(self, clock: FixedClock, key_pool: dict[str, SigningKey]) -> None:
        self.google = FakeGoogle(now=clock.now, keys=[key_pool["rsa-2"]])
        self.amazon = FakeLoginWithAmazon(now=clock.now)
        self.facebook = FakeFacebook(now=clock.now)
        self.idp = FakeIdp(published=[key_pool["rsa-1"]])
        self.iam: dict[str, OidcProviderRecord] = {ISSUER: GAME_PROVIDER}

    def fetch(self, url: str) -> FetchResult:
        for service in (self.google, self.amazon, self.facebook):
            try:
                return service.fetch(url)
            except FetchFailed:
                continue
        return self.idp.fetch(url)

    def providers(self, clock: FixedClock, **settings: object) -> IdentityProviders:
        config = BuiltInProviderSettings(**settings)  # type: ignore[arg-type]
        return build_identity_providers(self.fetch, clock, self.iam.get, config)


@pytest.fixture
def world(clock: FixedClock, key_pool: dict[str, SigningKey]) -> World:
    return World(clock, key_pool)


@pytest.fixture
def providers(world: World, clock: FixedClock) -> IdentityProviders:
    return world.providers(clock)


def test_amazon_provider_id_goes_to_login_with_amazon(
    providers: IdentityProviders, world: World
) -> None:
    identity = providers.verify_web_identity(
        world.amazon.issue("amzn1.account.A"), provider_id="www.amazon.com"
    )
    assert (identity.provider_arn, identity.subject) == ("www.amazon.com", "amzn1.account.A")


def test_facebook_provider_id_goes_to_facebook(providers: IdentityProviders, world: World) -> None:
    identity = providers.verify_web_identity(
        world.facebook.issue("1001"), provider_id="graph.facebook.com"
    )
    assert (identity.provider_arn, identity.subject) == ("graph.facebook.com", "1001")


def test_google_id_token_goes_to_the_built_in_google_provider(
    providers: IdentityProviders, world: World
) -> None:
    identity = providers.verify_web_identity(world.google.id_token(sub="42", aud="any-client"))
    assert (identity.provider_arn, identity.subject, identity.audience) == (
        "accounts.google.com",
        "42",
        "any-client",
    )


def test_other_issuers_go_to_the_iam_oidc_provider(
    providers: IdentityProviders, key_pool: dict[str, SigningKey]
) -> None:
    identity = providers.verify_web_identity(mint(key_pool["rsa-1"]))
    assert identity.provider_arn == GAME_PROVIDER.arn


def test_unregistered_issuer_is_the_aws_no_provider_error(
    providers: IdentityProviders, key_pool: dict[str, SigningKey]
) -> None:
    with pytest.raises(InvalidIdentityToken) as raised:
        providers.verify_web_identity(mint(key_pool["rsa-1"], iss="https://elsewhere.example.test"))
    assert raised.value.message == messages.NO_PROVIDER.format(
        issuer="https://elsewhere.example.test"
    )


def test_google_registered_in_iam_is_verified_as_that_iam_provider(
    world: World, clock: FixedClock
) -> None:
    world.iam[GOOGLE_IN_IAM.url] = GOOGLE_IN_IAM
    # The IAM path discovers the keys at the issuer, which the fake Google serves.
    providers = world.providers(clock)
    token = world.google.id_token(aud="registered-client.apps.googleusercontent.com")
    identity = providers.verify_web_identity(token)
    assert identity.provider_arn == GOOGLE_IN_IAM.arn
    with pytest.raises(InvalidIdentityToken, match="Incorrect token audience"):
        providers.verify_web_identity(world.google.id_token(aud=WEB_CLIENT))


def test_google_spelled_without_scheme_stays_built_in_even_when_registered(
    world: World, clock: FixedClock
) -> None:
    world.iam[GOOGLE_IN_IAM.url] = GOOGLE_IN_IAM
    token = world.google.id_token(iss="accounts.google.com", aud=WEB_CLIENT)
    assert world.providers(clock).verify_web_identity(token).provider_arn == "accounts.google.com"


@pytest.mark.parametrize(
    "provider_id", ["accounts.google.com", "www.facebook.com", "api.amazon.com"]
)
def test_other_provider_ids_are_refused(
    providers: IdentityProviders, world: World, provider_id: str
) -> None:
    with pytest.raises(InvalidIdentityToken, match=r"ProviderId .* is not supported"):
        providers.verify_web_identity(world.amazon.issue(), provider_id=provider_id)


def test_a_disabled_provider_is_refused_without_calling_it(world: World, clock: FixedClock) -> None:
    providers = world.providers(clock, amazon=None, google=None)
    with pytest.raises(InvalidIdentityToken, match=r"www\.amazon\.com is not enabled"):
        providers.verify_web_identity(world.amazon.issue(), provider_id="www.amazon.com")
    with pytest.raises(InvalidIdentityToken, match=r"accounts\.google\.com is not enabled"):
        providers.verify_web_identity(world.google.id_token())
    assert world.amazon.requests == [] and world.google.requests == []


def test_an_access_token_sent_without_provider_id_is_not_a_jwt(
    providers: IdentityProviders, world: World
) -> None:
    with pytest.raises(InvalidIdentityToken) as raised:
        providers.verify_web_identity(world.amazon.issue())
    assert raised.value.message == messages.NOT_A_JWT


def test_google_keys_location_comes_from_settings(world: World, clock: FixedClock) -> None:
    world.google.origins = ["https://google-mirror.internal"]
    world.google.apis_origin = world.google.accounts_origin = "https://google-mirror.internal"
    settings = GoogleSettings(jwks_url=None, discovery_issuer="https://google-mirror.internal")
    providers = world.providers(clock, google=settings)
    assert (
        providers.verify_web_identity(world.google.id_token()).provider_arn == "accounts.google.com"
    )
    assert world.google.requests == ["/.well-known/openid-configuration", "/oauth2/v3/certs"]


class BuiltIn:
    """A built-in issuer that vouches for every token of its `iss` without asking anyone."""

    def __init__(self, issuer: str, identity: VerifiedIdentity) -> None:
        self.issuer = issuer
        self.identity = identity
        self.tokens: list[str] = []

    def verify(self, token: str) -> VerifiedIdentity:
        self.tokens.append(token)
        return self.identity


def test_built_in_issuers_are_verified_in_process_before_iam(
    world: World, clock: FixedClock, key_pool: dict[str, SigningKey]
) -> None:
    ours = BuiltIn(ISSUER, replace(world_identity(world, clock, key_pool), subject="ours"))
    world.idp.requests.clear()
    providers = build_identity_providers(world.fetch, clock, world.iam.get, built_in=[ours])
    token = mint(key_pool["rsa-1"])
    assert providers.verify_web_identity(token).subject == "ours"
    assert ours.tokens == [token] and world.idp.requests == []


def test_identity_pool_logins_reach_iam_providers_only(
    world: World, clock: FixedClock, key_pool: dict[str, SigningKey]
) -> None:
    ours = BuiltIn(ISSUER, world_identity(world, clock, key_pool))
    providers = build_identity_providers(world.fetch, clock, world.iam.get, built_in=[ours])
    identity = providers.verify_iam_oidc_token(mint(key_pool["rsa-1"]))
    assert identity.provider_arn == GAME_PROVIDER.arn and ours.tokens == []
    with pytest.raises(InvalidIdentityToken, match="No OpenIDConnect provider found"):
        providers.verify_iam_oidc_token(world.google.id_token())


def test_saml_providers_are_looked_up_by_arn(world: World, clock: FixedClock) -> None:
    record = SamlProviderRecord(f"arn:aws:iam::{ACCOUNT}:saml-provider/corp", "urn:corp", ("MII",))
    lookup = {record.arn: record}.get
    providers = build_identity_providers(world.fetch, clock, world.iam.get, saml_providers=lookup)
    assert providers.saml_provider(record.arn) == record
    assert providers.saml_provider(f"arn:aws:iam::{ACCOUNT}:saml-provider/other") is None


def world_identity(
    world: World, clock: FixedClock, key_pool: dict[str, SigningKey]
) -> VerifiedIdentity:
    return world.providers(clock).verify_web_identity(mint(key_pool["rsa-1"]))
